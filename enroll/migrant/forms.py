from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

from enroll.core.forms import PublicForm, options
from enroll.core.i18n import _l

HOUSING_CHOICES = [("own", _l("自有住房（有不动产权证）")), ("registered_lease", _l("租赁住房，已登记备案")),
                   ("unregistered_lease", _l("租赁住房，未登记备案")), ("other", _l("其他（借住、单位宿舍等）"))]


class RequirementForm(FlaskForm):
    permit_required = BooleanField(_l("须持本地居住证"))
    insurance_months = IntegerField(_l("监护人社会保险最少缴纳月数（0 为不要求）"),
                                    validators=[InputRequired(message=_l("请填写月数。")), NumberRange(0, 120)])
    housing = SelectMultipleField(_l("认可的住所"), choices=options(HOUSING_CHOICES), option_widget=CheckboxInput(),
                                  widget=ListWidget(prefix_label=False))
    documents = TextAreaField(_l("所需材料（每行一项：名称：说明；英文可写在同一行“|”之后：Name: note）"),
                              validators=[DataRequired(), Length(max=20_000)])
    alternatives = TextAreaField(_l("可替代的材料（如没有社保时）"), validators=[Optional(), Length(max=5_000)])
    en_alternatives = TextAreaField(_l("英文：可替代的材料"), validators=[Optional(), Length(max=5_000)])
    steps = TextAreaField(_l("办理步骤（每行一项：开始,结束,事项,学段,地点,英文事项,英文地点；英文可留空）"),
                          validators=[Optional(), Length(max=30_000)])
    office = TextAreaField(_l("受理和咨询（窗口、地址、电话、时间）"), validators=[DataRequired(), Length(max=1_000)])
    en_office = TextAreaField(_l("英文：受理和咨询"), validators=[Optional(), Length(max=2_000)])
    note = StringField(_l("修改说明（公开显示在版本记录中）"), validators=[Optional(), Length(max=500)])


class SelfCheckForm(PublicForm):
    has_permit = RadioField(_l("监护人是否持有本地居住证？"), choices=options([("yes", _l("是")), ("no", _l("否"))]),
                            validators=[DataRequired(message=_l("请选择。"))])
    insurance_months = IntegerField(_l("监护人在本区连续缴纳社会保险的月数"), validators=[Optional(), NumberRange(0, 600)],
                                    default=0)
    housing = RadioField(_l("住所情况"), choices=options(HOUSING_CHOICES), validators=[DataRequired(message=_l("请选择。"))])
    address = StringField(_l("住所地址（可选，用于查询可能安排的学校）"), validators=[Optional(), Length(max=200)])
