"""Translation helpers for code below the web layer.

Services raise errors with lazy strings from here, so they never import Flask themselves; the
string is translated when the web layer or CLI renders it, in the reader's locale.
"""
from flask_babel import gettext as _  # noqa: F401  (request/CLI time)
from flask_babel import lazy_gettext as _l  # noqa: F401  (import time)

# Simplified → traditional Chinese for 繁體中文 readers: OpenCC's Taiwan-standard characters (為, 裡,
# 著, the forms Hong Kong, Macao and Taiwan readers all know), without changing any word.
TRADITIONAL = "s2tw"
