from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from enroll.core.i18n import _l


class CalendarForm(FlaskForm):
    text = TextAreaField(_l("节假日和调休上班日（CSV：date,kind,name；kind 为 holiday/休 或 workday/班）"),
                         validators=[DataRequired(), Length(max=100_000)])


class NegativeListForm(FlaskForm):
    """负面清单. The service checks every line (enroll.disclosure.negative_list); the form only carries them."""

    intro = TextAreaField(_l("说明（可选：清单的适用范围、如何申请依申请公开的信息）"), validators=[Optional(), Length(max=2_000)])
    entries = TextAreaField(_l("条目（每行一项：事项 | 公开属性 | 理由 | 英文事项 | 英文理由）"),
                            validators=[DataRequired(), Length(max=100_000)])
    intro_en = TextAreaField(_l("英文说明（可选）"), validators=[Optional(), Length(max=2_000)])
    note = StringField(_l("修改说明（公开显示在版本记录中）"), validators=[Optional(), Length(max=500)])

    def to_data(self) -> dict:
        return {"intro": self.intro.data or "", "entries": self.entries.data or "",
                "translations": {"en": {"intro": self.intro_en.data or ""}}}

    def fill(self, data: dict) -> None:
        for key in ("intro", "entries", "intro_en"):
            self[key].data = data.get(key) or ""
