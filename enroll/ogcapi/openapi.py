"""The OpenAPI 3.0 description of /ogcapi (OGC API – Features Part 1, conformance class oas30).

``ogcapi_paths`` and ``OGCAPI_SCHEMAS`` are also merged into the description of the whole public API.
"""
from __future__ import annotations

from enroll.ogcapi.services import DEFAULT_LIMIT, MAX_LIMIT

_REF = "#/components/schemas/"


def _json(schema: str, media: str = "application/json") -> dict:
    return {media: {"schema": {"$ref": _REF + schema}}}


def _ok(description: str, schema: str, media: str = "application/json") -> dict:
    return {"description": description, "content": {**_json(schema, media), "text/html": {"schema": {"type": "string"}}}}


ERROR = {"description": "An OGC exception document.", "content": _json("Exception")}
F_PARAM = {"name": "f", "in": "query", "required": False, "description": "The format: json (default) or html.",
           "schema": {"type": "string", "enum": ["json", "html"]}}
LANG_PARAM = {"name": "lang", "in": "query", "required": False, "description": "Language of HTML pages.",
              "schema": {"type": "string", "enum": ["zh_Hans", "zh_Hant", "en"]}}
TEXT_PARAM = {"name": "text", "in": "query", "required": False, "description": "Text size of HTML pages.",
              "schema": {"type": "string", "enum": ["normal", "large"]}}
COLLECTION_ID = {"name": "collectionId", "in": "path", "required": True,
                 "description": "zones-<district code>-<year>-<stage>, schools or districts.",
                 "schema": {"type": "string"}}
ITEMS_PARAMS = [
    {"name": "bbox", "in": "query", "required": False, "style": "form", "explode": False,
     "description": "minx,miny,maxx,maxy in WGS84 longitude/latitude; boxes crossing the antimeridian are refused.",
     "schema": {"type": "array", "minItems": 4, "maxItems": 4,
                "items": {"type": "number", "minimum": -180, "maximum": 180}}},
    {"name": "limit", "in": "query", "required": False, "style": "form", "explode": False,
     "description": f"Features per page; larger values are capped at {MAX_LIMIT}.",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
    {"name": "offset", "in": "query", "required": False, "style": "form", "explode": False,
     "description": "Matching features to skip.", "schema": {"type": "integer", "minimum": 0, "default": 0}},
]


def _get(summary: str, operation_id: str, ok: dict, parameters: list, errors: tuple = (400,)) -> dict:
    return {"get": {"summary": summary, "operationId": operation_id, "tags": ["OGC API - Features"],
                    "parameters": parameters,
                    "responses": {"200": ok, **{str(code): ERROR for code in errors}}}}


def ogcapi_paths(prefix: str = "/ogcapi") -> dict:
    """The OpenAPI path items of the OGC API, under ``prefix``."""
    common = [F_PARAM, LANG_PARAM, TEXT_PARAM]
    return {
        prefix or "/": _get("Landing page", "ogcLanding", _ok("Links to the API.", "LandingPage"), common),
        f"{prefix}/openapi.json": {"get": {
            "summary": "This API description", "operationId": "ogcOpenAPI", "tags": ["OGC API - Features"],
            "responses": {"200": {"description": "OpenAPI 3.0", "content": {
                "application/vnd.oai.openapi+json": {"schema": {"type": "object"}}}}, "400": ERROR}}},
        f"{prefix}/conformance": _get("Conformance classes", "ogcConformance",
                                      _ok("The conformance classes implemented.", "ConfClasses"), common),
        f"{prefix}/collections": _get("Feature collections", "ogcCollections",
                                      _ok("Every collection.", "Collections"), common),
        f"{prefix}/collections/{{collectionId}}": _get(
            "One collection", "ogcCollection", _ok("The collection.", "Collection"), [COLLECTION_ID, *common],
            (400, 404)),
        f"{prefix}/collections/{{collectionId}}/items": _get(
            "Features of a collection", "ogcItems", _ok("A page of features.", "FeatureCollection",
                                                        "application/geo+json"),
            [COLLECTION_ID, *ITEMS_PARAMS, *common], (400, 404)),
        f"{prefix}/collections/{{collectionId}}/items/{{featureId}}": _get(
            "One feature", "ogcFeature", _ok("The feature.", "Feature", "application/geo+json"),
            [COLLECTION_ID, {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}},
             *common], (400, 404)),
    }


_LINKS = {"type": "array", "items": {"$ref": _REF + "Link"}}
_NUMBERS = {"type": "array", "items": {"type": "number"}}
OGCAPI_SCHEMAS = {
    "Exception": {"type": "object", "required": ["code"],
                  "properties": {"code": {"type": "string"}, "description": {"type": "string"}}},
    "Link": {"type": "object", "required": ["href"], "properties": {
        "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
        "title": {"type": "string"}}},
    "LandingPage": {"type": "object", "required": ["links"], "properties": {
        "title": {"type": "string"}, "description": {"type": "string"}, "links": _LINKS}},
    "ConfClasses": {"type": "object", "required": ["conformsTo"],
                    "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}}},
    "Collection": {"type": "object", "required": ["id", "links"], "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
        "itemType": {"type": "string"}, "crs": {"type": "array", "items": {"type": "string"}},
        "links": _LINKS,
        "extent": {"type": "object", "properties": {"spatial": {"type": "object", "properties": {
            "bbox": {"type": "array", "items": {**_NUMBERS, "minItems": 4, "maxItems": 4}},
            "crs": {"type": "string"}}}}}}},
    "Collections": {"type": "object", "required": ["collections", "links"], "properties": {
        "collections": {"type": "array", "items": {"$ref": _REF + "Collection"}}, "links": _LINKS}},
    "Geometry": {"type": "object", "required": ["type"], "properties": {
        "type": {"type": "string", "enum": ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                                            "MultiPolygon", "GeometryCollection"]},
        "coordinates": {"type": "array"}, "geometries": {"type": "array"}}},
    "Feature": {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
        "type": {"type": "string", "enum": ["Feature"]}, "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "geometry": {"$ref": _REF + "Geometry"}, "properties": {"type": "object"}, "links": _LINKS}},
    "FeatureCollection": {"type": "object", "required": ["type", "features"], "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"$ref": _REF + "Feature"}},
        "numberMatched": {"type": "integer", "minimum": 0}, "numberReturned": {"type": "integer", "minimum": 0},
        "timeStamp": {"type": "string", "format": "date-time"}, "links": _LINKS}},
}


def ogcapi_document(server_url: str) -> dict:
    """The OpenAPI 3.0 document of the OGC API served at ``server_url`` (paths relative to it)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "enroll OGC API - Features", "version": "1.0.0",
                 "description": "Published zoning zones, school locations and district boundaries.",
                 "license": {"name": "See the site's open-data licence"}},
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": ogcapi_paths(""),
        "components": {"schemas": OGCAPI_SCHEMAS},
    }
