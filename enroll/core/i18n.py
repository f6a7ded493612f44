"""Translation helpers for code below the web layer.

Services raise errors with lazy strings from here, so they never import Flask themselves; the
string is translated when the web layer or CLI renders it, in the reader's locale.
"""
import flask_babel
from flask_babel import gettext as _  # noqa: F401  (request/CLI time)
from flask_babel.speaklater import LazyString
from markupsafe import escape

# Simplified → traditional Chinese for 繁體中文 readers: OpenCC's Taiwan-standard characters (為, 裡,
# 著, the forms Hong Kong, Macao and Taiwan readers all know), without changing any word.
TRADITIONAL = "s2tw"

# What ``pybabel extract`` must look for besides gettext/ngettext (``_n``: one source text is both forms).
EXTRACT_KEYWORDS = ("-k", "_l", "-k", "_n:1,1")


class _Text(LazyString):
    """A message translated when rendered. Flask-Babel's lazy strings call themselves markup, so a
    template would print a file name or an address inside one unescaped; this one is plain text."""

    def __html__(self):
        return escape(str(self))


def _l(string: str, **variables) -> _Text:
    """A message translated at render time (import time and services: no request yet)."""
    return _Text(flask_babel.gettext, string, **variables)


def _n(string: str, num: int, **variables) -> _Text:
    """A message with a count, ``%(num)d``, translated at render time. Chinese has one plural form,
    so the source text serves as singular and plural; the English catalogue gives both forms."""
    return _Text(flask_babel.ngettext, string, string, num, **variables)


class PerLocale:
    """A text the bureau wrote in Chinese and perhaps in other languages (``{locale: text}``), shown
    in the reader's locale when rendered, else in Chinese (``zh_Hans``); traditional readers get
    the Chinese, converted with the rest of the page."""

    def __init__(self, texts: dict[str, str]):
        self.texts = texts

    def __str__(self) -> str:
        return self.texts.get(str(flask_babel.get_locale())) or self.texts.get("zh_Hans", "")

    def __html__(self):
        return escape(str(self))

    def __bool__(self) -> bool:
        return any(self.texts.values())
