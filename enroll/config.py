"""Configuration from the environment.

Every setting an operator may change is an ``ENROLL_*`` environment variable; see docs/operations.md.
"""
from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TILE_PRESETS = ("osm", "tianditu", "none")


class ConfigError(RuntimeError):
    """Raised at start-up when the configuration cannot work."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


MIB = 1024 * 1024


def _mib(name: str, default: str) -> int:
    """An ``ENROLL_*_MB`` variable in bytes; a value that is not a positive number stops the start."""
    value = _env(name, default)
    try:
        size = float(value)
    except ValueError:
        size = 0.0
    if not size > 0:
        raise ConfigError(f"{name} must be a positive number of megabytes, not {value!r}")
    return int(size * MIB)


def _flag(name: str) -> bool:
    """An on/off ``ENROLL_*`` variable: ``1`` or ``0`` (unset is ``0``); anything else stops the start,
    so a misspelt value never silently leaves a protection off."""
    value = _env(name, "0")
    if value not in ("0", "1"):
        raise ConfigError(f"{name} must be 1 or 0, not {value!r}")
    return value == "1"


def from_env() -> dict:
    """Build the Flask config mapping from ``ENROLL_*`` variables."""
    env = _env("ENROLL_ENV", "production")
    request_file = _mib("ENROLL_MAX_REQUEST_FILE_MB", "10")
    return {
        "ENROLL_ENV": env,
        "SQLALCHEMY_DATABASE_URI": _env(
            "ENROLL_DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'enroll.sqlite3'}"
        ),
        "SECRET_KEY": _env("ENROLL_SECRET_KEY"),
        "RESULTS_KEY": _env("ENROLL_RESULTS_KEY"),
        # the HMAC key of the audit log's hash chain: separate from the secret key, never rotated (docs/operations.md)
        "AUDIT_KEY": _env("ENROLL_AUDIT_KEY"),
        "LOTTERY_NOTICE_HOURS": float(_env("ENROLL_LOTTERY_NOTICE_HOURS", "24")),
        "MAP_TILES": _env("ENROLL_MAP_TILES", "osm"),
        "TIANDITU_KEY": _env("ENROLL_TIANDITU_KEY"),
        "TIANDITU_APPROVAL": _env("ENROLL_TIANDITU_APPROVAL"),
        "PROXY_COUNT": int(_env("ENROLL_PROXY_COUNT", "0")),
        # served over HTTPS (TLS at the reverse proxy): Secure cookies, __Host- session cookie, HSTS
        "HTTPS": _flag("ENROLL_HTTPS"),
        # government-site identity (政府网站发展指引): shown in the page metadata and the footer
        "SITE_NAME": _env("ENROLL_SITE_NAME", ""),  # empty: 义务教育招生信息公开, translated
        "SITE_OWNER": _env("ENROLL_SITE_OWNER", ""),  # 主办单位, e.g. 江城市青溪区教育局
        # links in e-mails (flask mail send runs outside any request): the site's public address
        "BASE_URL": _env("ENROLL_BASE_URL", "http://localhost:5000"),
        # a web page of a rezoning checks the gazetteer's addresses one by one only up to this many
        # (about 50 µs each: 100,000 take 5 s); beyond, flask zones diff does
        "DIFF_WEB_ADDRESSES": int(_env("ENROLL_DIFF_WEB_ADDRESSES", "100000")),
        "SMTP_HOST": _env("ENROLL_SMTP_HOST", ""),
        "SMTP_PORT": int(_env("ENROLL_SMTP_PORT", "25")),
        "SMTP_USER": _env("ENROLL_SMTP_USER", ""),
        "SMTP_PASSWORD": _env("ENROLL_SMTP_PASSWORD", ""),
        "SMTP_SECURITY": _env("ENROLL_SMTP_SECURITY", "none"),  # none | starttls | ssl
        "MAIL_FROM": _env("ENROLL_MAIL_FROM", "noreply@localhost"),
        # the licence of the open data (/data): its name and the address of its text
        "DATA_LICENCE": _env("ENROLL_DATA_LICENCE", "CC BY 4.0"),
        "DATA_LICENCE_URL": _env("ENROLL_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"),
        "SITE_ID_CODE": _env("ENROLL_SITE_ID_CODE", ""),  # 网站标识码
        "SITE_ICP": _env("ENROLL_SITE_ICP", ""),  # ICP备案号
        "SITE_PSB": _env("ENROLL_SITE_PSB", ""),  # 公安机关备案号
        "ZONE_LOCATOR": _env("ENROLL_ZONE_LOCATOR", "memory"),
        "SEASON_START": _env("ENROLL_SEASON_START", "03-01"),  # MM-DD: a year's admission season opens
        "MAX_CONTENT_LENGTH": int(_env("ENROLL_MAX_UPLOAD_MB", "50")) * 1024 * 1024,
        # largest zoning file read (geo.io refuses a larger one by name, size and limit); the zoning
        # upload request alone needs this plus 1 MB, above MAX_CONTENT_LENGTH (docs/operations.md)
        "MAX_ZONING_FILE_BYTES": _mib("ENROLL_MAX_ZONING_FILE_MB", "512"),
        # a web upload's zones are checked against each other only up to this much work (vertices of
        # neighbouring pairs): 120 million is a 15,000-zone city of realistic zones, checked in a few
        # seconds; zones piled on each other reach it with a few hundred. The CLI has no limit.
        "MAX_ZONING_CHECK_WORK": int(float(_env("ENROLL_MAX_ZONING_CHECK_MILLIONS", "120")) * 1_000_000),
        # endpoints whose request body may exceed MAX_CONTENT_LENGTH: the config key of their limit
        # (plus 1 MB for the form's other fields; enforced before any hook reads the form), for a
        # signed-in user only (core.web.EnrollRequest)
        "BODY_LIMITS": {"bureau.upload": "MAX_ZONING_FILE_BYTES"},
        # a request without a signed-in user (every parent, and anyone probing) may carry this much,
        # or its endpoint's own limit here: parents' forms are a few KB, a lottery's JSON document
        # (re-checked on /lotteries/verify) at most about 1 MB
        "MAX_PUBLIC_BODY_BYTES": 64 * 1024,
        "PUBLIC_BODY_LIMITS": {"results.verify": 2 * MIB, "info_requests.new": request_file + MIB},
        "MAX_ATTACHMENT_BYTES": int(float(_env("ENROLL_MAX_ATTACHMENT_MB", "20")) * 1024 * 1024),
        "UPLOAD_DIR": _env("ENROLL_UPLOAD_DIR", str(ROOT / "instance" / "uploads")),
        # requests for information (依申请公开): identity documents sealed with these Fernet keys (comma-separated,
        # the first encrypts; empty: one derived from the secret key), kept in this folder, personal data purged
        # this many days after the decision (flask requests purge-expired); a request after the office closes
        # (HH:MM, local) or on a day off is received on the next working day; the reply letter's CJK font
        "REQUEST_FILES_KEY": _env("ENROLL_REQUEST_FILES_KEY"),
        "REQUEST_FILES_DIR": _env("ENROLL_REQUEST_FILES_DIR", str(ROOT / "instance" / "request_files")),
        "MAX_REQUEST_FILE_BYTES": request_file,
        "REQUEST_RETENTION_DAYS": int(_env("ENROLL_REQUEST_RETENTION_DAYS", "365")),
        "OFFICE_CLOSES": _env("ENROLL_OFFICE_CLOSES", "17:00"),
        "PDF_FONT": _env("ENROLL_PDF_FONT"),
        "BABEL_DEFAULT_LOCALE": "zh_Hans",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ["zh_Hans", "zh_Hant", "en"],
        "SESSION_IDLE_MINUTES": int(_env("ENROLL_SESSION_IDLE_MINUTES", "30")),
        "SESSION_MAX_HOURS": int(_env("ENROLL_SESSION_MAX_HOURS", "12")),
        "LOGIN_LOCK_AFTER": int(_env("ENROLL_LOGIN_LOCK_AFTER", "5")),
        "LOGIN_LOCK_MINUTES": int(_env("ENROLL_LOGIN_LOCK_MINUTES", "15")),
        # failed sign-ins from one client address (any usernames) within LOGIN_LOCK_MINUTES
        "LOGIN_ADDRESS_LIMIT": int(_env("ENROLL_LOGIN_ADDRESS_LIMIT", "10")),
        "TOTP": _env("ENROLL_TOTP", "optional"),
        # per-client rate limits (enroll.core.rate_limits), counted in the application database unless
        # a redis://… storage is named; each a limit of the limits library per client address, e.g. 60/minute
        "RATE_LIMIT_STORAGE_URI": _env("ENROLL_RATELIMIT_STORAGE_URI", ""),
        "RATE_LIMIT_LOGIN": _env("ENROLL_RATELIMIT_LOGIN", "10/minute"),
        "RATE_LIMIT_LOOKUP": _env("ENROLL_RATELIMIT_LOOKUP", "60/minute"),
        "RATE_LIMIT_SEARCH": _env("ENROLL_RATELIMIT_SEARCH", "30/minute"),
        "RATE_LIMIT_OWN_RESULT": _env("ENROLL_RATELIMIT_OWN_RESULT", "10/minute"),
        "RATE_LIMIT_COMMENT": _env("ENROLL_RATELIMIT_COMMENT", "5/hour"),
        "RATE_LIMIT_INFO_REQUEST": _env("ENROLL_RATELIMIT_INFO_REQUEST", "10/hour"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SQLALCHEMY_ENGINE_OPTIONS": {},
    }


def check(config: dict) -> None:
    """Refuse to start with a configuration that cannot work.

    :raises ConfigError: with a message naming the variable to set.
    """
    lenient = config.get("TESTING") or config.get("ENROLL_ENV") == "development"
    if not config.get("SECRET_KEY"):
        if not lenient:
            raise ConfigError("ENROLL_SECRET_KEY must be set outside development and testing")
        config["SECRET_KEY"] = "dev-only-not-secret"
    if not config.get("AUDIT_KEY"):
        if not lenient:
            raise ConfigError("ENROLL_AUDIT_KEY must be set outside development and testing")
        config["AUDIT_KEY"] = "dev-only-audit-key"
    if not config.get("RESULTS_KEY"):
        # the key of the birth-date digests parents check their child's result with (see results.tables)
        config["RESULTS_KEY"] = "derived:" + hashlib.sha256(f"results:{config['SECRET_KEY']}".encode()).hexdigest()
    locator = config.get("ZONE_LOCATOR", "memory")
    if locator not in ("memory", "postgis"):
        raise ConfigError(f"ENROLL_ZONE_LOCATOR must be memory or postgis, not {locator!r}")
    if locator == "postgis" and not str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        raise ConfigError("ENROLL_ZONE_LOCATOR=postgis needs a PostgreSQL+PostGIS ENROLL_DATABASE_URL")
    if config.get("TOTP", "optional") not in ("off", "optional", "required"):
        raise ConfigError(f"ENROLL_TOTP must be off, optional or required, not {config.get('TOTP')!r}")
    season = re.fullmatch(r"(\d\d)-(\d\d)", str(config.get("SEASON_START", "03-01")))
    try:
        date(2001, int(season[1]), int(season[2]))  # a day every year has (not 02-29)
    except (TypeError, ValueError):
        raise ConfigError("ENROLL_SEASON_START must be a MM-DD day that every year has, "
                          f"not {config.get('SEASON_START')!r}") from None
    for name in ("LOGIN", "LOOKUP", "SEARCH", "OWN_RESULT", "COMMENT"):
        _check_rate_limit(f"ENROLL_RATELIMIT_{name}", config.get(f"RATE_LIMIT_{name}"))
    if config.get("SMTP_SECURITY", "none") not in ("none", "starttls", "ssl"):
        raise ConfigError(f"ENROLL_SMTP_SECURITY must be none, starttls or ssl, not {config.get('SMTP_SECURITY')!r}")
    tiles = config.get("MAP_TILES")
    if tiles not in TILE_PRESETS:
        raise ConfigError(f"ENROLL_MAP_TILES must be one of {', '.join(TILE_PRESETS)}, not {tiles!r}")
    if tiles == "tianditu" and not (config.get("TIANDITU_KEY") and config.get("TIANDITU_APPROVAL")):
        raise ConfigError(
            "ENROLL_MAP_TILES=tianditu needs ENROLL_TIANDITU_KEY and ENROLL_TIANDITU_APPROVAL (审图号)"
        )


def _check_rate_limit(name: str, value) -> None:
    """:raises ConfigError: unless ``value`` is a rate limit such as ``60/minute`` or ``10 per minute;100/hour``."""
    from limits import parse_many

    try:
        parse_many(str(value))
    except ValueError:
        raise ConfigError(f"{name} must be a rate limit such as 60/minute, not {value!r}") from None
