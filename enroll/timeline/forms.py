from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from enroll.core.i18n import _l


class TimelineForm(FlaskForm):
    text = TextAreaField(_l("日程（每行一项：开始,结束,事项,学段,地点或办理方式,英文事项,英文地点；英文可留空；可从表格粘贴）"),
                         validators=[DataRequired(), Length(max=50_000)])
    note = StringField(_l("修改说明（公开显示在版本记录中）"), validators=[Optional(), Length(max=500)])
