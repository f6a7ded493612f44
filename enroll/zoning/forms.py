from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from enroll.core.i18n import _l


class UploadForm(FlaskForm):
    file = FileField(_l("划片文件（Shapefile 压缩包、GeoJSON、KML 或 GeoPackage）"), validators=[FileRequired()])
    year = IntegerField(_l("招生年度"), validators=[DataRequired(), NumberRange(2000, 2100)],
                        default=lambda: date.today().year + (date.today().month >= 9))
    stage = SelectField(_l("学段"), choices=[("primary", _l("小学")), ("junior", _l("初中"))])
    crs = StringField(_l("坐标系（文件没有 .prj 时填写，例如 EPSG:4549）"),
                      validators=[Optional(), Regexp(r"^EPSG:\d{4,6}$", message=_l("格式应为 EPSG:数字"))])
    school_field = StringField(_l("学校字段名（留空自动识别）"), validators=[Optional(), Length(max=64)])
    gcj02 = BooleanField(_l("GCJ-02 坐标（从商业地图描绘）"))


class RulesForm(FlaskForm):
    year = IntegerField(_l("招生年度"), validators=[DataRequired(), NumberRange(2000, 2100)],
                        default=lambda: date.today().year + (date.today().month >= 9))
    text = TextAreaField(_l("划片文字（CSV：第一行为“学校,学段,划片范围”，每校一行）"),
                         validators=[DataRequired(), Length(max=500_000)])


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("退回理由"), validators=[DataRequired(), Length(max=2000)])


class ActionForm(FlaskForm):
    """Submit / approve / withdraw / discard: a CSRF-protected button."""
