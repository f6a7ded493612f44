"""The request form (public and staff) and the staff's action forms. Choices come from
:mod:`enroll.info_requests.codes`; the services check every value again."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from enroll.core.forms import PublicForm, options
from enroll.core.i18n import _l
from enroll.info_requests import codes
from enroll.info_requests.services import FORM_FIELDS


class RequestForm(PublicForm):
    """What the 2019 条例 (art. 29) asks of a request: who asks and how to reach them, a description
    of the information, the form of delivery; an identity document only as an upload."""

    requester_name = StringField(FORM_FIELDS["requester_name"], validators=[InputRequired(), Length(max=200)])
    requester_kind = SelectField(FORM_FIELDS["requester_kind"], default="person",
                                 choices=options(codes.REQUESTER_KINDS.items()))
    contact = TextAreaField(_l("联系方式（电话、电子邮箱或通信地址，至少一项）"),
                            validators=[InputRequired(), Length(max=500)])
    description = TextAreaField(FORM_FIELDS["description"], validators=[InputRequired(), Length(max=5_000)])
    delivery = RadioField(FORM_FIELDS["delivery"], default="email", choices=options(codes.DELIVERY.items()))
    id_document = FileField(_l("身份证明（选填；PDF、JPG 或 PNG，加密保存，办结后按期删除）"))


class EnterForm(RequestForm):
    """A request that came by letter or in person, entered by staff with the day it was received."""

    channel = SelectField(_l("申请方式"), default="mail",
                          choices=options((k, v) for k, v in codes.CHANNELS.items() if k != "online"))
    received = DateField(_l("收到申请之日（信函为签收之日）"), validators=[InputRequired()])
    id_document = None


class NoteForm(FlaskForm):
    """补正, a consultation's start or end, a correction received: the day and a note."""

    day = DateField(_l("日期（不填为今天）"), validators=[Optional()])
    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2_000)])


class ExtensionForm(FlaskForm):
    days = IntegerField(_l("延长的工作日数（最多 20 个）"), validators=[InputRequired(), NumberRange(1, 20)])
    reason = TextAreaField(_l("延长理由"), validators=[InputRequired(), Length(max=2_000)])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("办理结果"), choices=options(codes.DECISIONS.items()))
    # grouped by decision type (<optgroup>), as the annual report's table has them
    reason = SelectField(_l("具体情形"), default="", choices=[
        SelectChoice("", _l("无需选择"), optgroup=_l("予以公开、部分公开")),
        *(SelectChoice(code, label, optgroup=codes.DECISIONS[d])
          for d, reasons in codes.REASONS.items() for code, (label, _basis) in reasons.items())])
    reply = TextAreaField(_l("答复内容（写入答复书）"), validators=[InputRequired(), Length(max=20_000)])
    fee = IntegerField(_l("收取费用（元）"), default=0, validators=[Optional(), NumberRange(0, 1_000_000)])
    day = DateField(_l("答复日期（不填为今天）"), validators=[Optional()])
