from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from enroll.core.forms import options
from enroll.core.i18n import _l


class ProfileForm(FlaskForm):
    intro = TextAreaField(_l("学校简介（可用 HTML）"), validators=[Optional(), Length(max=20_000)])
    address = StringField(_l("地址"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("电话"), validators=[Optional(), Length(max=50)])
    email = StringField(_l("电子邮件"), validators=[Optional(), Length(max=120)])
    website = StringField(_l("网站"), validators=[Optional(), Length(max=200)])
    consult_hours = StringField(_l("咨询时间（如 工作日 8:30-17:00）"), validators=[Optional(), Length(max=100)])
    students = IntegerField(_l("在校生人数"), validators=[Optional(), NumberRange(0, 100_000)])
    classes = IntegerField(_l("班级数"), validators=[Optional(), NumberRange(0, 2_000)])
    teachers = IntegerField(_l("教职工人数"), validators=[Optional(), NumberRange(0, 20_000)])
    site_area = IntegerField(_l("占地面积（平方米）"), validators=[Optional(), NumberRange(0, 10**7)])
    facilities = TextAreaField(_l("设施设备"), validators=[Optional(), Length(max=5_000)])
    feeder = SelectField(_l("对口初中"), coerce=int, choices=[])
    intro_en = TextAreaField(_l("英文简介（可选）"), validators=[Optional(), Length(max=20_000)])
    note = StringField(_l("修改说明（公开显示在版本记录中）"), validators=[Optional(), Length(max=500)])


class PlanForm(FlaskForm):
    classes = IntegerField(_l("计划班数"), validators=[InputRequired(), NumberRange(0, 200)])
    places = IntegerField(_l("计划招生人数"), validators=[InputRequired(), NumberRange(0, 20_000)])
    notes = TextAreaField(_l("招生说明（如民办学校的面谈范围、摇号办法）"), validators=[Optional(), Length(max=5_000)])
    note = StringField(_l("修改说明（公开显示在版本记录中）"), validators=[Optional(), Length(max=500)])


class YearForm(FlaskForm):
    year = IntegerField(_l("招生年度"), validators=[DataRequired(), NumberRange(2000, 2100)],
                        default=lambda: date.today().year + (date.today().month >= 9))


class SchoolForm(FlaskForm):
    """One school (学校). The service checks every field (enroll.schools.services.school_values)."""

    name = StringField(_l("学校名称"))
    stage = SelectField(_l("学段"), choices=options([("primary", _l("小学")), ("junior", _l("初中")),
                                                   ("nine_year", _l("九年一贯制"))]))
    kind = SelectField(_l("办学性质"), choices=options([("public", _l("公办")), ("private", _l("民办"))]))
    address = StringField(_l("地址（可选）"))
    phone = StringField(_l("电话（可选）"))
    website = StringField(_l("网站（可选，以 http:// 或 https:// 开头）"))
    lon = StringField(_l("经度（可选，十进制度，如 120.1551）"))
    lat = StringField(_l("纬度（可选，十进制度，如 30.2741）"))
    name_en = StringField(_l("英文名称（可选）"))
    address_en = StringField(_l("英文地址（可选）"))

    KEYS = ("name", "stage", "kind", "address", "phone", "website", "lon", "lat", "name_en", "address_en")

    def to_data(self) -> dict:
        return {key: self[key].data or "" for key in self.KEYS}

    def fill(self, school) -> None:
        for key in ("name", "stage", "kind", "address", "phone", "website"):
            self[key].data = getattr(school, key)
        if school.point is not None:
            # as stored (the shortest text that reads back the same): saving the form moves nothing
            self.lon.data, self.lat.data = repr(school.point.x), repr(school.point.y)
        english = (school.translations or {}).get("en") or {}
        self.name_en.data, self.address_en.data = english.get("name", ""), english.get("address", "")


class ImportForm(FlaskForm):
    file = FileField(_l("学校名录文件（CSV，或 GeoJSON 点）"), validators=[FileRequired(message=_l("请选择文件。"))])
