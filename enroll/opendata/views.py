"""Open-data pages: the catalogue site-wide (``/data``) and per district (``/d/<code>/data``), the
same as DCAT JSON-LD (``/data/catalog.jsonld``), and the files themselves with their checksum as
ETag, their update time as Last-Modified, a file name and a link to their licence."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import force_locale

from enroll.core.i18n import _
from enroll.opendata import dcat, services

bp = Blueprint("opendata", __name__)
SOURCE_LOCALE = "zh_Hans"  # files are written in the source language: the same bytes for every reader


def licence() -> tuple[str, str]:
    return current_app.config["DATA_LICENCE"], current_app.config["DATA_LICENCE_URL"]


@bp.get("/data")
def site_catalogue():
    with force_locale(SOURCE_LOCALE):
        catalogue = services.site_data(licence())
    return render_template("public/data.html", catalogue=catalogue, district=None, licence=licence())


@bp.get("/d/<code>/data")
def district_catalogue(code: str):
    with force_locale(SOURCE_LOCALE):
        entry = services.district_data(code, licence())
    return render_template("public/data.html", catalogue=[entry] if entry.datasets else [], district=entry.district,
                           licence=licence())


@bp.get("/data/catalog.jsonld")
def catalog_jsonld():
    with force_locale(SOURCE_LOCALE):
        document = dcat.catalog(
            services.site_data(licence()), catalogue_url=url_for("opendata.catalog_jsonld", _external=True),
            title=_("义务教育招生开放数据目录"), publisher=current_app.config["SITE_OWNER"] or _("义务教育招生信息公开"),
            licence=licence(),
            url_of=lambda code, year, name: url_for("opendata.download", code=code, year=year, name=name,
                                                    _external=True))
    response = current_app.json.response(document)
    response.mimetype = "application/ld+json"
    return response


@bp.get("/d/<code>/data/<id:year>/<name>")
def download(code: str, year: int, name: str):
    """A file of a district's year, e.g. ``zones-primary.gpkg``; 304 when the client has it
    (``If-None-Match``: its SHA-256; ``If-Modified-Since``)."""
    with force_locale(SOURCE_LOCALE):
        dataset, distribution = services.download(code, year, name, licence())
    response = Response(distribution.data, mimetype=distribution.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{code}-{year}-{distribution.name}"'
    response.headers["Link"] = f'<{licence()[1]}>; rel="license"'
    response.set_etag(distribution.sha256)
    if dataset.modified is not None:
        response.last_modified = dataset.modified
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response.make_conditional(request)
