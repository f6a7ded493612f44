from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from enroll.core.i18n import _l


class CalendarForm(FlaskForm):
    text = TextAreaField(_l("节假日和调休上班日（CSV：date,kind,name；kind 为 holiday/休 或 workday/班）"),
                         validators=[DataRequired(), Length(max=100_000)])
