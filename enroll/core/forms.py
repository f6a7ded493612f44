"""Small helpers for WTForms forms."""
from __future__ import annotations

from wtforms.fields import SelectChoice


def options(pairs) -> list[SelectChoice]:
    """The options of a select, radio or checkbox field from ``(value, label)`` pairs (WTForms 3.3
    deprecates plain tuples; its ``SelectChoice`` is what it builds from them anyway)."""
    return [SelectChoice(value, label) for value, label in pairs]
