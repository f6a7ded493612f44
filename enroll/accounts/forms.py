from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Regexp

from enroll.accounts.services import MAX_LOCK_MINUTES, normalize_code
from enroll.core.i18n import _l

SIX_DIGITS = _l("请输入验证器应用显示的 6 位数字。")


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=200)])


class CodeForm(FlaskForm):
    """A second-factor code: full-width digits and spaces are read as the app's digits; anything else
    is this form's error (a 422), never a server error."""

    code = StringField(_l("动态验证码（6 位数字）"), filters=[normalize_code],
                       validators=[DataRequired(SIX_DIGITS), Regexp(r"^[0-9]{6}$", message=SIX_DIGITS)])


class ActionForm(FlaskForm):
    """A button that changes an account: only its CSRF token."""


class LockForm(FlaskForm):
    minutes = IntegerField(_l("锁定时长（分钟）"), default=60,
                           validators=[InputRequired(), NumberRange(min=1, max=MAX_LOCK_MINUTES)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("再次输入新密码"),
                            validators=[DataRequired(), EqualTo("password", message=_l("两次输入的密码不一致。"))])
