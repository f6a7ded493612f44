from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from enroll.core.i18n import _l


class ReasonForm(FlaskForm):
    """Reject or withdraw: the reason is required and recorded."""

    reason = TextAreaField(_l("理由"), validators=[DataRequired(), Length(max=2000)])


class ActionForm(FlaskForm):
    """Submit / recall / approve / discard: a CSRF-protected button."""
