"""Web glue: locale selection, domain errors → HTTP answers, request context for the audit log."""
from __future__ import annotations

import re
from inspect import CO_COROUTINE
from datetime import UTC, datetime

import orjson
from flask import Flask, Request, current_app, jsonify, render_template, request
from flask.json.provider import JSONProvider
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from enroll.core.context import Context
from enroll.core.errors import DomainError
from enroll.core.fields import dial_numbers
from enroll.core.hardening import SESSION_PREFIX, served_over_https
from enroll.core.i18n import TRADITIONAL, _
from enroll.core.text import format_area

LOCALE_COOKIE = "enroll_lang"
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<id:name>``: a positive integer that fits the database's integer columns (else 404)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


class OrjsonProvider(JSONProvider):
    """Flask's JSON through orjson: sorted keys, UTF-8 text unescaped, a few times faster than json.

    Lazy translated strings and other objects with a text form are written as that text.
    """

    _options = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS

    def dumps(self, obj, **kwargs) -> str:
        return orjson.dumps(obj, default=str, option=self._options).decode()

    def loads(self, s, **kwargs):
        return orjson.loads(s)

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(orjson.dumps(obj, default=str, option=self._options),
                                        mimetype="application/json")


def select_locale() -> str:
    """``?lang=``, then the cookie, then Accept-Language; unknown values fall back cleanly."""
    from flask import has_request_context

    if not has_request_context():  # CLI: the default locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    aliases = {"zh": "zh_Hans", "zh_CN": "zh_Hans", "zh-CN": "zh_Hans", "zh_TW": "zh_Hant",
               "zh-TW": "zh_Hant", "zh_HK": "zh_Hant", "zh-HK": "zh_Hant", "zh-Hans": "zh_Hans",
               "zh-Hant": "zh_Hant"}
    for value in (request.args.get("lang"), request.cookies.get(LOCALE_COOKIE)):
        if value:
            value = aliases.get(value, value)
            if value in languages:
                return value
    best = request.accept_languages.best_match(["zh-CN", "zh-TW", "zh-HK", "zh", "en"])
    return aliases.get(best, best) if best else current_app.config["BABEL_DEFAULT_LOCALE"]


def request_context() -> Context:
    """Audit context of the current request."""
    return Context(ip=request.remote_addr or "", channel="api" if request.path.startswith("/api/") else "web")


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path.endswith(".geojson"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_answer(status: int, message: str, detail: dict | None = None):
    """An error as the asker reads it: JSON for the API and clients that want it, else the error page."""
    if wants_json():
        return jsonify({"error": {"status": status, "message": message, "detail": detail or {}}}), status
    return render_template("errors/error.html", status=status, message=message), status


class EnrollFlask(Flask):
    """Flask, telling a plain function from a coroutine function by its code's flags.

    Flask asks ``inspect.iscoroutinefunction`` of every view and hook each time it calls one, a dozen
    times a request; this service has no coroutine functions, and a function's flags answer the same
    question in a tenth of the time. Anything else (a partial, a callable object) is asked as before.
    """

    def ensure_sync(self, func):
        code = getattr(func, "__code__", None)
        if code is not None and not code.co_flags & CO_COROUTINE:
            return func
        return super().ensure_sync(func)


class EnrollRequest(Request):
    """Flask's request with a body limit by who asks, checked before anything reads the body:
    werkzeug compares ``Content-Length`` with it first (413 at once) and cuts a body sent without
    one (chunked) at it.

    - Without a signed-in user (every parent, and anyone probing): the endpoint's
      ``PUBLIC_BODY_LIMITS`` entry, else ``MAX_PUBLIC_BODY_BYTES``. So no anonymous body can keep a
      worker busy, and a staff upload is refused before sign-in lets its large limit apply.
    - Signed in: the endpoint's ``BODY_LIMITS`` entry (a config key; plus 1 MB for the form's other
      fields), else ``MAX_CONTENT_LENGTH``.

    A multipart part without a name is dropped: no form field can be it (and Flask-WTF's CSRF check
    would stumble on it).
    """

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        config = current_app.config
        if not current_user.is_authenticated:
            return config["PUBLIC_BODY_LIMITS"].get(self.endpoint, config["MAX_PUBLIC_BODY_BYTES"])
        key = config["BODY_LIMITS"].get(self.endpoint)
        return config[key] + 1024 * 1024 if key else config["MAX_CONTENT_LENGTH"]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _load_form_data(self) -> None:
        super()._load_form_data()
        for name in ("form", "files"):
            parts = self.__dict__[name]
            if None in parts:
                self.__dict__[name] = self.parameter_storage_class(
                    [(k, v) for k, v in parts.items(multi=True) if k is not None])


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the signer for a request that brought no
    session cookie (every parent's lookup): an empty session is all it can have.

    Over HTTPS (``served_over_https``) the cookie is Secure and named ``__Host-session``: the browser
    then takes it only from this host over HTTPS, for path ``/`` and without a domain, so neither a
    sibling subdomain nor a plain-HTTP response can plant or overwrite it."""

    def get_cookie_name(self, app) -> str:
        name = super().get_cookie_name(app)
        return SESSION_PREFIX + name if served_over_https() else name

    def get_cookie_secure(self, app) -> bool:
        return super().get_cookie_secure(app) or served_over_https()

    def get_cookie_path(self, app) -> str:
        return "/" if served_over_https() else super().get_cookie_path(app)

    def get_cookie_domain(self, app) -> str | None:
        return None if served_over_https() else super().get_cookie_domain(app)

    def open_session(self, app, request):
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified:
            # nothing to write or delete (Flask would work out the cookie's attributes first); as
            # Flask does, a response that read the session varies on the cookie
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def refuse_nul_bytes():
    """A NUL character is never meaningful input, and PostgreSQL refuses text containing one (a 500)."""
    from werkzeug.exceptions import BadRequest as HTTPBadRequest

    environ = request.environ  # read as sent: nothing decoded for a check every request makes
    query = environ.get("QUERY_STRING", "")  # percent-encoded: a NUL is %00 there (NUL itself, if sent raw)
    nul = "\x00" in environ.get("PATH_INFO", "") or "%00" in query or "\x00" in query
    if environ["REQUEST_METHOD"] == "POST":  # form fields of multipart bodies too (uploaded files are checked by their readers)
        nul = nul or any("\x00" in v for vs in request.form.listvalues() for v in vs)
    if nul:
        raise HTTPBadRequest()


def register_error_handlers(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        from enroll.extensions import db

        db.session.rollback()  # a refused operation leaves nothing half-done behind, even unflushed
        detail = {k: v for k, v in exc.detail.items() if isinstance(v, (str, int, float, bool, type(None)))}
        return error_answer(exc.status, str(exc.message), detail)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = {
            400: _("请求无效。"),
            403: _("您没有访问此页面的权限。"),
            404: _("页面不存在。"),
            405: _("不支持此请求方法。"),
            413: _("上传的文件过大。"),
        }
        return error_answer(exc.code or 500, messages.get(exc.code, exc.description or exc.name))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        from enroll.extensions import db

        db.session.rollback()  # the error page itself must be able to query (current user)
        return error_answer(500, _("服务器内部错误，请稍后再试。"))


def problem_lines(exc: DomainError) -> list[str]:
    """A refused save's message and each of its (line, column, message) errors, for the form page."""
    return [str(exc.message)] + [_("第 %(line)d 行 %(column)s：%(message)s", line=line, column=column, message=message)
                                 for line, column, message in exc.detail.get("errors", [])]


def show_beside_field(form, exc: DomainError, fallback: str) -> None:
    """Put a service's refusal beside the form field it names (``detail["field"]``), else beside
    ``fallback``, so the page comes back with everything the user typed."""
    field = exc.detail.get("field")
    form[field if field in form else fallback].errors = [exc.message]


def today():
    """Today's date where the service is (BABEL_DEFAULT_TIMEZONE, Asia/Shanghai): deadlines are local."""
    from datetime import datetime

    from flask_babel import get_timezone

    return datetime.now(get_timezone()).date()


def localized_value(translations: dict | None, field: str, chinese):
    """``field`` of ``translations`` in the reader's language, else the Chinese ``chinese``.

    A reader of a language other than Chinese who is shown Chinese text is told so once per page
    (``chinese_fallback``; base.html), and the text's element can carry ``lang_of``'s answer.
    """
    from flask import g, has_request_context
    from flask_babel import get_locale

    locale = str(get_locale())
    translated = ((translations or {}).get(locale) or {}).get(field)
    if translated:
        return translated
    if chinese and not locale.startswith("zh") and has_request_context():
        g.chinese_fallback = True
    return chinese


def _translations_and_chinese(item, field: str):
    if isinstance(item, dict):
        return item.get("translations"), item.get(field)
    return getattr(item, "translations", None), getattr(item, field)


def localized(item, field: str):
    """A content field (of a model or of a dict such as a timeline step) in the reader's language
    where the item carries a translation (``item.translations[locale][field]``), else Chinese."""
    translations, chinese = _translations_and_chinese(item, field)
    return localized_value(translations, field, chinese)


def lang_of(item, field: str) -> str:
    """The language tag of what ``localized(item, field)`` shows, for an element's ``lang``."""
    from flask_babel import get_locale

    locale = str(get_locale())
    translations, chinese = _translations_and_chinese(item, field)
    if locale.startswith("zh") or ((translations or {}).get(locale) or {}).get(field) or not chinese:
        return locale.replace("_", "-")
    return "zh-Hans"


def chinese_fallback() -> bool:
    """Whether this page has shown Chinese where the reader's language was asked for."""
    from flask import g

    return bool(g.get("chinese_fallback"))


TEXT_COOKIE = "enroll_text"
TEXT_SIZES = ("normal", "large")  # large: 适老化, every size of the page a quarter larger


def this_page(**changes: str) -> str:
    """This page with some query arguments replaced (the language and text-size switches keep the page)."""
    from urllib.parse import urlencode

    args = [(k, v) for k, v in request.args.items(multi=True) if k not in changes] + list(changes.items())
    return f"{request.path}?{urlencode(args)}"


def text_size() -> str:
    """``?text=`` if given, else the cookie, else normal."""
    for value in (request.args.get("text"), request.cookies.get(TEXT_COOKIE)):
        if value in TEXT_SIZES:
            return value
    return "normal"


# Public pages in 繁體中文: what the interface catalogue does not cover (names of districts, schools
# and roads, policy texts, zoning clauses) is converted from simplified Chinese as the page leaves,
# text between tags and the attributes people read (title, aria-label, alt, placeholder), never
# links, form values or scripts, so those stay as stored; and never on staff pages, where a converted
# text could be saved back over the original.
_STAFF_PATHS = ("/bureau", "/login", "/logout", "/account")
_TAG_OR_RAW = re.compile(r"(<(script|style|textarea)\b.*?</\2\s*>|<[^>]*>)", re.S | re.I)
_READ_ATTRIBUTES = re.compile(r'(\s(?:title|aria-label|alt|placeholder)=")([^"]*)(")')  # read aloud or shown
_to_traditional = None


def in_traditional(response):
    """A public page in traditional characters when the reader's language is zh_Hant (staff pages
    stay as written), converted once: a response converted before (``response.traditional``) is not."""
    from flask_babel import get_locale

    if (not response.direct_passthrough and response.headers.get("Content-Type", "").startswith("text/html")
            and not response.is_streamed
            and not getattr(response, "traditional", False) and str(get_locale()) == "zh_Hant"
            and not request.path.startswith(_STAFF_PATHS)):
        response.set_data(to_traditional(response.get_data(as_text=True)))
        response.traditional = True
    return response


def to_traditional(html: str) -> str:
    """The text of an HTML page in traditional characters, its markup untouched."""
    global _to_traditional
    if _to_traditional is None:
        import opencc

        _to_traditional = opencc.OpenCC(TRADITIONAL).convert
    parts = _TAG_OR_RAW.split(html)
    # split keeps both capture groups: [text, tag, tagname-or-None, text, ...]
    out = []
    for i in range(0, len(parts), 3):
        out.append(_to_traditional(parts[i]) if parts[i] else "")
        if i + 1 < len(parts):
            tag = parts[i + 1]
            out.append(_READ_ATTRIBUTES.sub(lambda m: m.group(1) + _to_traditional(m.group(2)) + m.group(3), tag)
                       if parts[i + 2] is None else tag)
    return "".join(out)


def register_locale_cookie(app: Flask) -> None:
    @app.after_request
    def remember_language(response):
        args = request.args
        if not args:
            return response
        lang, size = args.get("lang"), args.get("text")
        # read by the server only; Secure over HTTPS like every cookie (enroll.core.hardening)
        keep = {"max_age": 365 * 24 * 3600, "samesite": "Lax", "httponly": True, "secure": served_over_https()}
        if lang and lang in app.config["LANGUAGES"]:
            response.set_cookie(LOCALE_COOKIE, lang, **keep)
        if size in TEXT_SIZES:
            response.set_cookie(TEXT_COOKIE, size, **keep)
        return response

    app.after_request(in_traditional)

    app.add_template_filter(dial_numbers, "dial_numbers")
    app.add_template_filter(format_area, "area")

    @app.context_processor
    def inject():
        from flask_babel import get_locale

        return {"current_user": current_user, "current_locale": str(get_locale()), "localized": localized, "lang_of": lang_of,
                "chinese_fallback": chinese_fallback,
                "this_page": this_page, "text_size": text_size(), "page_time": datetime.now(UTC),
                "site_name": current_app.config["SITE_NAME"] or _("义务教育招生信息公开"),
                "languages": [("zh_Hans", "简体中文"), ("zh_Hant", "繁體中文"), ("en", "English")]}
