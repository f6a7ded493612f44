from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from enroll.core.clock import local_today
from enroll.core.forms import PublicForm
from enroll.core.i18n import _l
from enroll.results.dates import BadDate, parse_date

COUNT = [Optional(), NumberRange(0, 100_000)]


class RouteRow(Form):
    route = HiddenField()
    applicants = IntegerField(_l("报名人数"), validators=COUNT)
    places = IntegerField(_l("计划数"), validators=COUNT)
    admitted = IntegerField(_l("录取人数"), validators=COUNT)
    note = StringField(_l("说明"), validators=[Optional(), Length(max=500)])


class ResultForm(FlaskForm):
    routes = FieldList(FormField(RouteRow))
    routes_file = FileField(_l("或上传录取结果表（CSV：途径,报名人数,计划数,录取人数,说明）"))
    list_file = FileField(_l("名单（可选，CSV：申请号,姓名,途径,结果,序号,出生日期）"))
    keep_list = BooleanField(_l("保留已上传的名单"), default=True)
    list_public = BooleanField(_l("公开名单（不勾选则名单只用于家长查询本人结果）"), default=True)
    notice_until = DateField(_l("公示截止日期"), validators=[Optional()])
    public_until = DateField(_l("名单公开至（到期后自动删除）"), validators=[Optional()])
    notes = TextAreaField(_l("说明（公开）"), validators=[Optional(), Length(max=5_000)])
    note = StringField(_l("修改说明（公开显示在版本记录中）"), validators=[Optional(), Length(max=500)])


class LotteryForm(FlaskForm):
    places = IntegerField(_l("摇号录取名额"), validators=[InputRequired(), NumberRange(1, 100_000)])
    draw_at = DateTimeLocalField(_l("摇号时间"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    public_until = DateField(_l("名单公开至（到期后自动删除）"), validators=[InputRequired()])
    applicants_file = FileField(_l("参加摇号的申请名单（CSV：申请号,姓名）"))
    note = StringField(_l("修改说明（公开显示在版本记录中）"), validators=[Optional(), Length(max=500)])


class CheckForm(PublicForm):
    """Application number and birth date, the date in one field, read as parents write it
    (``2019-12-28``, ``2019年12月28日``, ``20191228``, full-width digits: :mod:`enroll.results.dates`),
    checked here so a date that cannot exist is told beside the field and never counted as a try."""

    application_no = StringField(_l("申请号"), validators=[DataRequired(_l("请填写申请号。")), Length(max=32)])
    birth_date = StringField(_l("孩子的出生日期"), validators=[
        DataRequired(_l("请填写孩子的出生日期。")), Length(max=40, message=_l("出生日期最多 40 个字符。"))])
    birth_hint = _l("按“年-月-日”填写，例如 2019-12-28、2019/12/28 或 2019年12月28日。")
    born: date | None = None

    def validate_birth_date(self, field) -> None:
        try:
            self.born = parse_date(field.data, today=local_today())
        except BadDate as exc:
            raise ValidationError(exc.message) from None


class VerifyForm(FlaskForm):
    """Either the downloaded JSON document, or its five parts pasted."""

    document = FileField(_l("上传从摇号页面下载的摇号数据（JSON）"))
    applications = TextAreaField(_l("申请号名单（每行一个）"), validators=[Optional(), Length(max=1_000_000)])
    seed = StringField(_l("公布的种子"), validators=[Optional(), Length(max=200)])
    list_hash = StringField(_l("公示的名单哈希值"), validators=[Optional(), Length(max=64)])
    commitment = StringField(_l("公示的种子承诺值"), validators=[Optional(), Length(max=64)])
    order = TextAreaField(_l("公布的摇号顺序（每行一个申请号）"), validators=[Optional(), Length(max=1_000_000)])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if getattr(self.document.data, "filename", ""):
            return True
        missing = [f for f in (self.applications, self.seed, self.list_hash, self.commitment, self.order)
                   if not (f.data or "").strip()]
        for field in missing:
            field.errors.append(_l("请上传摇号数据文件，或填写此项。"))
        return not missing
