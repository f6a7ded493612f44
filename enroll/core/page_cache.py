"""Public pages kept as anonymous visitors see them, so a view costs about what a lookup costs.

The zoning page of a district (its 划片 text, map and schools) takes tens of milliseconds to build
and is what every family opens in the season. It changes only when something is published, and
every publication is audited: a page kept under the version of what is published (``version``,
e.g. the lookup index's newest audit event) is never served after the next publication reaches
this worker. Kept per app, for anonymous GETs only (a signed-in page names its user), by path and
query, language, text size, map tiles and the day (pages say what is current); in traditional
characters already where the reader reads them. The script nonce of the content-security policy is
new in every response: a page is kept with a placeholder in its place.
"""
from __future__ import annotations

import secrets
import threading
from collections.abc import Callable

from cachetools import LRUCache
from flask import Response, current_app, make_response, request
from flask_babel import get_locale
from flask_login import current_user

from enroll.core.clock import local_today
from enroll.core.hardening import NONCE_KEY
from enroll.core.web import in_traditional, text_size

PAGES = 128  # about 100 KB each
PLACEHOLDER = "enrollNoncePlaceholder0"
_EXTENSION = "enroll.page_cache"


class _Pages:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pages: LRUCache = LRUCache(maxsize=PAGES)


def _pages() -> _Pages:
    return current_app.extensions.setdefault(_EXTENSION, _Pages())


def forget_pages(app) -> None:
    """Drop every page ``app`` keeps (they are rebuilt at their next view)."""
    app.extensions.pop(_EXTENSION, None)


def cached_page(render: Callable[[], object], version: Callable[[], object]) -> Response:
    """``render()``'s response, from this app's cache when an anonymous visitor asked the same before.

    Only a 200 answer is kept; anything else (a 404 for a scope not published yet) is rendered anew.
    """
    if request.method != "GET" or current_user.is_authenticated:
        return make_response(render())
    key = (request.full_path, str(get_locale()), text_size(), current_app.config["MAP_TILES"], local_today(),
           version())
    pages = _pages()
    with pages.lock:
        kept = pages.pages.get(key)
    if kept is None:
        request.environ[NONCE_KEY] = PLACEHOLDER
        response = in_traditional(make_response(render()))  # kept converted: converting costs more than the rest
        body = response.get_data()
        if response.status_code == 200:
            kept = (body, response.mimetype, getattr(response, "traditional", False))
            with pages.lock:
                pages.pages[key] = kept
        del request.environ[NONCE_KEY]
        return _with_nonce(response, body)
    response = Response(mimetype=kept[1])
    response.traditional = kept[2]
    return _with_nonce(response, kept[0])


def _with_nonce(response: Response, body: bytes) -> Response:
    """The page with a nonce of its own where it had the placeholder (and the policy naming it)."""
    if PLACEHOLDER.encode() in body:
        nonce = secrets.token_urlsafe(18)
        request.environ[NONCE_KEY] = nonce
        body = body.replace(PLACEHOLDER.encode(), nonce.encode())
    response.set_data(body)
    return response
