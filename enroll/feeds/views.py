"""Atom feeds (RFC 4287) of everything published: ``/d/<code>/feed.atom`` per district and
``/feed.atom`` for the whole site."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for

from enroll.core.i18n import _
from enroll.feeds import services

bp = Blueprint("feeds", __name__)
ATOM = "application/atom+xml; charset=utf-8"


def _path(endpoint: str, args: dict) -> str:
    return url_for(endpoint, **args)


def _atom(feed: services.Feed, self_path: str, page_path: str) -> Response:
    """The feed as Atom, its links absolute on ``ENROLL_BASE_URL``; revalidated by its ETag."""
    root = current_app.config["BASE_URL"].rstrip("/")
    body = render_template("public/feed.xml", feed=feed, self_url=root + self_path, page_url=root + page_path)
    response = Response(body, content_type=ATOM)
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/d/<code>/feed.atom")
def district(code: str):
    feed = services.district_feed(code, current_app.config["BASE_URL"], _path)
    return _atom(feed, url_for("feeds.district", code=code), url_for("public.district", code=code))


@bp.get("/feed.atom")
def site():
    config = current_app.config
    feed = services.site_feed(config["BASE_URL"], _path, config["SITE_NAME"] or _("义务教育招生信息公开"),
                              config["SITE_OWNER"])
    return _atom(feed, url_for("feeds.site"), url_for("public.index"))
