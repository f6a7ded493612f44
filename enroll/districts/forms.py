from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from enroll.core.i18n import _l


class ContactForm(FlaskForm):
    """招生咨询方式. The service checks every field (enroll.districts.contacts); the form only carries them."""

    office = StringField(_l("咨询窗口（如：区教育局招生办公室）"), validators=[Length(max=200)])
    address = StringField(_l("地址"), validators=[Length(max=200)])
    phone = StringField(_l("咨询电话（多个号码用顿号分开）"), validators=[Length(max=100)])
    hours = StringField(_l("咨询时间（如：工作日 9:00—12:00，13:30—17:00）"), validators=[Length(max=200)])
    email = StringField(_l("电子邮件（可选）"), validators=[Optional(), Length(max=120)])
    complaint_phone = StringField(_l("监督电话（可选）"), validators=[Optional(), Length(max=100)])
    notes = TextAreaField(_l("其他说明（可选，如网上咨询渠道）"), validators=[Optional(), Length(max=1_000)])
    en_office = StringField(_l("英文：咨询窗口"), validators=[Optional(), Length(max=1_000)])
    en_address = StringField(_l("英文：地址"), validators=[Optional(), Length(max=1_000)])
    en_hours = StringField(_l("英文：咨询时间"), validators=[Optional(), Length(max=1_000)])
    en_notes = TextAreaField(_l("英文：其他说明"), validators=[Optional(), Length(max=1_000)])
    note = StringField(_l("修改说明（公开显示在版本记录中）"), validators=[Optional(), Length(max=500)])

    def to_data(self) -> dict:
        keys = ("office", "address", "phone", "hours", "email", "complaint_phone", "notes")
        english = {key: getattr(self, f"en_{key}").data for key in ("office", "address", "hours", "notes")}
        return {**{key: getattr(self, key).data for key in keys}, "translations": {"en": english}}

    def fill(self, data: dict) -> None:
        for key in ("office", "address", "phone", "hours", "email", "complaint_phone", "notes"):
            getattr(self, key).data = data.get(key) or ""
        english = (data.get("translations") or {}).get("en") or {}
        for key in ("office", "address", "hours", "notes"):
            getattr(self, f"en_{key}").data = english.get(key) or ""
