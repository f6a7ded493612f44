from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length

from enroll.core.forms import PublicForm
from enroll.core.i18n import _l


class FollowForm(PublicForm):
    email = EmailField(_l("电子邮件地址"), validators=[DataRequired(), Length(max=254)])
    address = StringField(_l("要关注的地址（例如：学院路130号）"), validators=[DataRequired(), Length(max=200)])
