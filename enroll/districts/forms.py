from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from enroll.core.i18n import _l
from enroll.districts.contacts import TRANSLATED

PLAIN = ("office", "address", "phone", "hours", "email", "complaint_phone", "notes")


class ContactForm(FlaskForm):
    """招生咨询方式. The service checks every field (enroll.districts.contacts); the form only carries them."""

    office = StringField(_l("咨询窗口（如：区教育局招生办公室）"))
    address = StringField(_l("地址"))
    phone = StringField(_l("咨询电话（多个号码用顿号分开）"))
    hours = StringField(_l("咨询时间（如：工作日 9:00—12:00，13:30—17:00）"))
    email = StringField(_l("电子邮件（可选）"))
    complaint_phone = StringField(_l("监督电话（可选）"))
    notes = TextAreaField(_l("其他说明（可选，如网上咨询渠道）"))
    en_office = StringField(TRANSLATED["office"])
    en_address = StringField(TRANSLATED["address"])
    en_hours = StringField(TRANSLATED["hours"])
    en_notes = TextAreaField(TRANSLATED["notes"])
    note = StringField(_l("修改说明（公开显示在版本记录中）"), validators=[Optional(), Length(max=500)])

    def to_data(self) -> dict:
        english = {key: self[f"en_{key}"].data for key in TRANSLATED}
        return {**{key: self[key].data for key in PLAIN}, "translations": {"en": english}}

    def fill(self, data: dict) -> None:
        for key in PLAIN:
            self[key].data = data.get(key) or ""
        english = (data.get("translations") or {}).get("en") or {}
        for key in TRANSLATED:
            self[f"en_{key}"].data = english.get(key) or ""
