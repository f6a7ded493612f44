from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from enroll.core.i18n import _l


class ReasonForm(FlaskForm):
    """Reject or withdraw: the reason is required and recorded."""

    reason = TextAreaField(_l("理由"), validators=[DataRequired(message=_l("请填写理由。")), Length(max=2000)])


class WithdrawForm(FlaskForm):
    """Withdraw a published item: a reason, then a confirmation (the page's hidden ``confirmed``)."""

    reason = TextAreaField(_l("撤下理由（记入审计日志）"),
                           validators=[DataRequired(message=_l("请填写撤下理由。")), Length(max=2000)])


class RepublishForm(FlaskForm):
    """Start republishing a withdrawn item: a new draft from its data, with an optional note."""

    note = StringField(_l("修改说明（公开显示在版本记录中，可不填）"), validators=[Optional(), Length(max=500)])


class ActionForm(FlaskForm):
    """Submit / recall / approve / discard: a CSRF-protected button."""
