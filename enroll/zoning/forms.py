from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from enroll.core.forms import PublicForm, options
from enroll.core.i18n import _l


def _next_year() -> int:
    return date.today().year + (date.today().month >= 9)


class UploadForm(FlaskForm):
    file = FileField(_l("划片文件（Shapefile 压缩包、GeoJSON、KML 或 GeoPackage）"), validators=[FileRequired()])
    year = IntegerField(_l("招生年度"), validators=[DataRequired(), NumberRange(2000, 2100)], default=_next_year)
    stage = SelectField(_l("学段"), choices=options([("primary", _l("小学")), ("junior", _l("初中"))]))
    crs = StringField(_l("坐标系（文件没有 .prj 时填写，例如 EPSG:4549）"),
                      validators=[Optional(), Regexp(r"^EPSG:\d{4,6}$", message=_l("格式应为 EPSG:数字"))])
    school_field = StringField(_l("学校字段名（留空自动识别）"), validators=[Optional(), Length(max=64)])
    gcj02 = BooleanField(_l("GCJ-02 坐标（从商业地图描绘）"))
    note = StringField(_l("修改说明（可选）"), validators=[Optional(), Length(max=500)])


class RulesForm(FlaskForm):
    year = IntegerField(_l("招生年度"), validators=[DataRequired(), NumberRange(2000, 2100)], default=_next_year)
    text = TextAreaField(_l("划片文字（CSV：第一行为“学校,学段,划片范围”，每校一行）"),
                         validators=[DataRequired(), Length(max=500_000)])
    replace_all = BooleanField(_l("替换全部文字：表中没有的学校将失去划片文字（不勾选时只更新表中的学校）"))
    note = StringField(_l("修改说明（可选）"), validators=[Optional(), Length(max=500)])


class YearForm(FlaskForm):
    year = IntegerField(_l("当前招生年度（留空则自动判断）"), validators=[Optional(), NumberRange(2000, 2100)])


class ConsultationForm(FlaskForm):
    days = IntegerField(_l("征求意见天数"), validators=[DataRequired(), NumberRange(1, 90)], default=15)
    reason = TextAreaField(_l("少于 15 天的理由（将公开）"), validators=[Optional(), Length(max=1000)])


class CommentForm(PublicForm):
    category = SelectField(_l("意见针对"), choices=options([
        ("address", _l("这个地址")), ("road", _l("一条道路或一个小区")), ("plan", _l("整个方案"))]))
    address = StringField(_l("地址（可选，例如：学院路130号）"), validators=[Optional(), Length(max=200)])
    body = TextAreaField(_l("意见（不超过 2000 字；请勿填写姓名、身份证号、电话等个人信息）"),
                         validators=[DataRequired(), Length(max=2000)])


class AnswerForm(FlaskForm):
    decision = SelectField(_l("答复"), choices=options([
        ("adopted", _l("采纳")), ("partly", _l("部分采纳")), ("not_adopted", _l("未采纳"))]))
    reason = TextAreaField(_l("理由"), validators=[DataRequired(), Length(max=2000)])


class ReportForm(FlaskForm):
    summary = TextAreaField(_l("采纳情况说明"), validators=[DataRequired(), Length(max=5000)])
