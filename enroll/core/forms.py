"""Small helpers for WTForms forms, and the base of the forms anyone may send."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields import SelectChoice

from enroll.core.i18n import _l

#: what a public form says when its security token expired (the phone slept) or its session was lost
STALE = _l("页面打开太久，安全验证已过期。您填写的内容已保留，请再提交一次。")


class PublicForm(FlaskForm):
    """A form parents and requesters send. Its view is exempt from the global CSRF check
    (``@csrf.exempt``) and checks the form's own token instead, so a stale token shows the page again
    with what was typed and a fresh token (:attr:`stale`), not a bare 400 page."""

    @property
    def stale(self) -> bool:
        """The form's security token expired or its session was lost."""
        token = getattr(self, "csrf_token", None)
        return bool(token is not None and token.errors)


def options(pairs) -> list[SelectChoice]:
    """The options of a select, radio or checkbox field from ``(value, label)`` pairs (WTForms 3.3
    deprecates plain tuples; its ``SelectChoice`` is what it builds from them anyway)."""
    return [SelectChoice(value, label) for value, label in pairs]
