from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from enroll.core.i18n import _l
from enroll.districts.contacts import TRANSLATED

PLAIN = ("office", "address", "phone", "hours", "email", "complaint_phone", "notes", "placement")


class ContactForm(FlaskForm):
    """招生咨询方式. The service checks every field (enroll.districts.contacts); the form only carries them."""

    office = StringField(_l("咨询窗口（如：区教育局招生办公室）"))
    address = StringField(_l("地址"))
    phone = StringField(_l("咨询电话（多个号码用顿号分开）"))
    hours = StringField(_l("咨询时间（如：工作日 9:00—12:00，13:30—17:00）"))
    email = StringField(_l("电子邮件（可选）"))
    complaint_phone = StringField(_l("监督电话（可选）"))
    notes = TextAreaField(_l("其他说明（可选，如网上咨询渠道）"))
    placement = TextAreaField(_l("多校划片入学办法（可选：多所学校共用一个片区时，孩子如何分到其中一所，如派位、摇号的办法）"))
    en_office = StringField(TRANSLATED["office"])
    en_address = StringField(TRANSLATED["address"])
    en_hours = StringField(TRANSLATED["hours"])
    en_notes = TextAreaField(TRANSLATED["notes"])
    en_placement = TextAreaField(TRANSLATED["placement"])
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


class DistrictForm(FlaskForm):
    """A district (区县): the service checks every field (enroll.districts.services); the form only
    carries them. ``code`` is only on the creation form: a district's code stays."""

    code = StringField(_l("区县代码（6 位行政区划代码，如 330106）"))
    name = StringField(_l("区县名称"))
    name_en = StringField(_l("英文名称（可选，如 Xihu District）"))
    phone = StringField(_l("电话（可选）"))
    address = StringField(_l("地址（可选）"))
    boundary = FileField(_l("区界文件（可选）"))
    crs = StringField(_l("坐标系（文件没有 .prj 或坐标系信息时填写，例如 EPSG:4549）"),
                      validators=[Optional(), Regexp(r"^EPSG:\d{4,6}$", message=_l("格式应为 EPSG:数字"))])
    gcj02 = BooleanField(_l("GCJ-02 坐标（从商业地图描绘）"))

    def to_data(self) -> dict:
        return {key: self[key].data or "" for key in ("name", "name_en", "phone", "address")}

    def fill(self, district) -> None:
        for key in ("code", "name", "phone", "address"):
            self[key].data = getattr(district, key)
        self.name_en.data = ((district.translations or {}).get("en") or {}).get("name", "")
