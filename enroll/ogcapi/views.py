"""OGC API – Features at /ogcapi: landing page, conformance, collections and their items.

JSON (GeoJSON for features) for ``Accept: */*``, JSON types or ``?f=json``; an HTML page for
browsers (``Accept: text/html``) or ``?f=html``. Unknown query parameters and malformed values
answer 400 with an OGC exception document ``{"code": ..., "description": ...}``.
"""
from __future__ import annotations

from datetime import UTC, datetime

import orjson
from flask import Blueprint, Response, jsonify, render_template, request, url_for

from enroll.core.errors import BadRequest, DomainError
from enroll.core.i18n import _
from enroll.extensions import csrf
from enroll.ogcapi import services
from enroll.ogcapi.openapi import ogcapi_document

bp = Blueprint("ogcapi", __name__, url_prefix="/ogcapi")
csrf.exempt(bp)

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
]
COMMON_PARAMS = frozenset({"f", "lang", "text"})  # the language and text-size switches of the pages
ITEMS_PARAMS = COMMON_PARAMS | {"bbox", "limit", "offset"}
JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
ERROR_CODES = {400: "InvalidParameterValue", 404: "NotFound"}


@bp.errorhandler(DomainError)
def ogc_error(exc: DomainError):
    """Every refusal as an OGC exception document, whatever the format asked."""
    code = ERROR_CODES.get(exc.status, "ServerError")
    response = jsonify({"code": code, "description": str(exc.message)})
    response.status_code = exc.status
    return response


def _format(allowed: frozenset) -> str:
    """``json`` or ``html``: ``?f=`` else the Accept header (JSON unless HTML is preferred).

    :raises BadRequest: for a parameter not in ``allowed`` or an unknown format.
    """
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise BadRequest(_("未知的查询参数：%(names)s。可用的参数：%(allowed)s。", names=", ".join(unknown)[:200],
                           allowed=", ".join(sorted(allowed))))
    wanted = request.args.get("f")
    if wanted is not None:
        if wanted not in ("json", "html"):
            raise BadRequest(_("f 必须是 json 或 html，而不是“%(value)s”。", value=wanted[:50]))
        return wanted
    best = request.accept_mimetypes.best_match([JSON, GEOJSON, HTML], default=JSON)
    return "html" if best == HTML else "json"


def _url(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def _self_links(fmt: str, endpoint: str, json_type: str = JSON, **values) -> list[dict]:
    """``self`` in the format answered and ``alternate`` in the other one."""
    json_link = {"href": _url(endpoint, **values, f="json"), "type": json_type, "title": "JSON"}
    html_link = {"href": _url(endpoint, **values, f="html"), "type": HTML, "title": "HTML"}
    first, second = (html_link, json_link) if fmt == "html" else (json_link, html_link)
    return [{"rel": "self", **first}, {"rel": "alternate", **second}]


def _answer(fmt: str, document: dict, template: str, **context):
    if fmt == "html":
        return render_template(f"ogcapi/{template}", doc=document, **context)
    return jsonify(document)


@bp.get("/")
@bp.get("")
def landing():
    """The landing page: where the API's description, conformance classes and data are."""
    fmt = _format(COMMON_PARAMS)
    document = {
        "title": _("义务教育招生开放数据（OGC API – Features）"),
        "description": _("已发布的划片片区、学校位置和区县边界，供地理信息系统直接使用。"),
        "links": [*_self_links(fmt, "ogcapi.landing"),
                  {"rel": "service-desc", "type": OPENAPI, "title": "OpenAPI 3.0", "href": _url("ogcapi.openapi")},
                  {"rel": "conformance", "type": JSON, "title": _("符合的标准"), "href": _url("ogcapi.conformance")},
                  {"rel": "data", "type": JSON, "title": _("要素集合"), "href": _url("ogcapi.collections")}],
    }
    return _answer(fmt, document, "landing.html")


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.0 description of this API."""
    _format(frozenset({"f"}))
    response = jsonify(ogcapi_document(_url("ogcapi.landing")))
    response.mimetype = "application/vnd.oai.openapi+json"
    return response


@bp.get("/conformance")
def conformance():
    fmt = _format(COMMON_PARAMS)
    return _answer(fmt, {"conformsTo": CONFORMANCE}, "conformance.html")


def _collection_document(fmt: str, collection: services.Collection) -> dict:
    document = {
        "id": collection.id, "title": collection.title, "description": collection.description,
        "itemType": "feature", "crs": [CRS84],
        "links": [*_self_links(fmt, "ogcapi.collection", collection_id=collection.id),
                  {"rel": "items", "type": GEOJSON, "title": _("要素（GeoJSON）"),
                   "href": _url("ogcapi.items", collection_id=collection.id, f="json")},
                  {"rel": "items", "type": HTML, "title": _("要素（网页）"),
                   "href": _url("ogcapi.items", collection_id=collection.id, f="html")}],
    }
    if collection.bbox is not None:
        document["extent"] = {"spatial": {"bbox": [list(collection.bbox)], "crs": CRS84}}
    return document


@bp.get("/collections")
def collections():
    fmt = _format(COMMON_PARAMS)
    document = {"collections": [_collection_document(fmt, c) for c in services.collections()],
                "links": _self_links(fmt, "ogcapi.collections")}
    return _answer(fmt, document, "collections.html")


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    fmt = _format(COMMON_PARAMS)
    return _answer(fmt, _collection_document(fmt, services.collection(collection_id)), "collection.html")


def _page_links(fmt: str, collection_id: str, matched: int, limit: int, offset: int) -> list[dict]:
    """self/alternate, next and prev (same bbox and limit), and the collection."""
    keep = {k: request.args[k] for k in ("bbox",) if k in request.args}
    here = {**keep, "limit": limit, "offset": offset}
    links = _self_links(fmt, "ogcapi.items", GEOJSON, collection_id=collection_id, **here)
    kind = HTML if fmt == "html" else GEOJSON
    if offset + limit < matched:
        links.append({"rel": "next", "type": kind, "title": _("下一页"), "href": _url(
            "ogcapi.items", collection_id=collection_id, **keep, limit=limit, offset=offset + limit, f=fmt)})
    if offset > 0:
        links.append({"rel": "prev", "type": kind, "title": _("上一页"), "href": _url(
            "ogcapi.items", collection_id=collection_id, **keep, limit=limit, offset=max(0, offset - limit), f=fmt)})
    links.append({"rel": "collection", "type": JSON, "title": _("集合"),
                  "href": _url("ogcapi.collection", collection_id=collection_id)})
    return links


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    """A page of features: ``bbox``, ``limit`` (default 10, capped at 1,000) and ``offset``."""
    fmt = _format(ITEMS_PARAMS)
    bbox = services.parse_bbox(request.args.get("bbox"))
    limit = services.parse_limit(request.args.get("limit"))
    offset = services.parse_offset(request.args.get("offset"))
    page = services.items(collection_id, bbox, limit, offset)
    head = {"type": "FeatureCollection", "numberMatched": page.number_matched,
            "numberReturned": len(page.features), "timeStamp": _now(),
            "links": _page_links(fmt, collection_id, page.number_matched, limit, offset)}
    if fmt == "html":
        return render_template("ogcapi/items.html", doc=head, collection=services.collection(collection_id),
                               features=[orjson.loads(f) for f in page.features], offset=offset)
    return Response(_stream(head, page.features), mimetype=GEOJSON)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stream(head: dict, features: list[bytes]):
    """The FeatureCollection written piece by piece: the head, the features, the end."""
    yield orjson.dumps(head)[:-1] + b',"features":['
    for i in range(0, len(features), 100):
        yield (b"," if i else b"") + b",".join(features[i:i + 100])
    yield b"]}"


@bp.get("/collections/<collection_id>/items/<feature_id>")
def feature(collection_id: str, feature_id: str):
    fmt = _format(COMMON_PARAMS)
    found = services.item(collection_id, feature_id)
    links = [*_self_links(fmt, "ogcapi.feature", GEOJSON, collection_id=collection_id, feature_id=feature_id),
             {"rel": "collection", "type": JSON, "title": _("集合"),
              "href": _url("ogcapi.collection", collection_id=collection_id)}]
    if fmt == "html":
        return render_template("ogcapi/feature.html", feature=orjson.loads(found), doc={"links": links},
                               collection=services.collection(collection_id))
    return Response(found[:-1] + b',"links":' + orjson.dumps(links) + b"}", mimetype=GEOJSON)
