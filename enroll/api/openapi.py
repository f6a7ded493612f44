"""The OpenAPI 3.0 description of the public API: /api/v1 (docs/api.md) and the OGC API at /ogcapi.

Served at ``/api/v1/openapi.json``; checked against the running app by schemathesis (tests/api).
"""
from __future__ import annotations

from enroll.core.web import MAX_ID
from enroll.ogcapi.openapi import OGCAPI_SCHEMAS, ogcapi_paths

_REF = "#/components/schemas/"
TAG = "API v1"


def _ref(name: str) -> dict:
    return {"$ref": _REF + name}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json("An error: its status, a message in the request's language and details.", _ref("Error"))
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
YEAR = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _param(name: str, where: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": where, "required": where == "path", "schema": schema, "description": description}


def _get(summary: str, operation_id: str, ok: dict, parameters: list, errors=(400, 404)) -> dict:
    return {"get": {"summary": summary, "operationId": operation_id, "tags": [TAG], "parameters": parameters,
                    "responses": {"200": ok, **{str(code): ERROR for code in errors}}}}


LOOKUP_PARAMS = [
    _param("address", "query", {"type": "string"}, "Free Chinese text: 文澜路128号, 幸福小区3幢, 东湖村5组."),
    _param("lon", "query", {"type": "number"}, "Longitude (WGS 84), with lat, instead of an address."),
    _param("lat", "query", {"type": "number"}, "Latitude (WGS 84), with lon."),
    _param("district", "query", {"type": "string"}, "6-digit district code (default: every district)."),
    _param("year", "query", {"type": "integer"}, "Admission year (default: the district's current year)."),
    _param("stage", "query", {"type": "string", "enum": ["primary", "junior"]}, "Default: both."),
]

API_PATHS = {
    "/api/v1/lookup": _get("Which school serves an address or a point", "lookup",
                           _json("The answer, its basis and caveats.", _ref("Lookup")), LOOKUP_PARAMS,
                           (400, 404, 429)),
    "/api/v1/districts/{code}/results/{year}": _get(
        "A district's published admission totals of a year", "districtResults",
        _json("Every school with its totals (null where not yet published).", _ref("DistrictResults")),
        [_param("code", "path", {"type": "string"}, "6-digit district code."),
         _param("year", "path", YEAR, "Admission year.")]),
    "/api/v1/schools/{school_id}/results/{year}": _get(
        "One school's published result", "schoolResult",
        _json("Routes, totals and the masked list while it is public.", _ref("SchoolResult")),
        [_param("school_id", "path", ID, "School id."), _param("year", "path", YEAR, "Admission year.")]),
    "/api/v1/lotteries/{lottery_id}": _get(
        "A published lottery", "lottery", _json("Everything needed to re-run the draw.", _ref("Lottery")),
        [_param("lottery_id", "path", ID, "Lottery id.")]),
    "/api/v1/ping": _get("A constant answer", "ping", _json("Always the same.", {
        "type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean", "enum": [True]}}}), [], ()),
    "/api/v1/openapi.json": {"get": {"summary": "This description", "operationId": "openapi", "tags": [TAG],
                                     "responses": {"200": _json("OpenAPI 3.0.", {"type": "object"})}}},
}

_STRING, _INT, _NUMBER = {"type": "string"}, {"type": "integer"}, {"type": "number"}
_TOTALS = {"type": "object", "required": ["applicants", "places", "admitted", "ratio"], "properties": {
    "applicants": _nullable(_INT), "places": _nullable(_INT), "admitted": _nullable(_INT),
    "ratio": _nullable(_NUMBER)}}
_SCHOOL = {"type": "object", "required": ["id", "name"], "properties": {
    "id": _INT, "name": _STRING, "stage": _STRING, "kind": _STRING}}

API_SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["status", "message"],
        "properties": {"status": _INT, "message": _STRING, "detail": {"type": "object"}}}}},
    "Lookup": {"type": "object", "required": ["district", "year", "normalized", "point", "matches", "caveats",
                                              "suggestions", "later"], "properties": {
        "district": _nullable({"type": "object", "required": ["code", "name"],
                               "properties": {"code": _STRING, "name": _STRING}}),
        "year": _nullable(_INT),
        "normalized": _nullable(_STRING),
        "point": _nullable({"type": "object", "required": ["lon", "lat"], "properties": {"lon": _NUMBER, "lat": _NUMBER}}),
        "matches": {"type": "array", "items": {"type": "object", "required": ["school", "stage", "basis"], "properties": {
            "school": _SCHOOL, "stage": _STRING,
            "basis": {"type": "object", "required": ["type", "plan"], "properties": {
                "type": {"type": "string", "enum": ["rule", "zone"]}, "text": _nullable(_STRING),
                "line": _nullable(_INT),
                "plan": {"type": "object", "properties": {"id": _INT, "district": _STRING, "year": _INT,
                                                          "stage": _STRING, "version": _nullable(_INT)}}}}}}},
        "caveats": {"type": "array", "items": {"type": "object", "required": ["code", "message"],
                                               "properties": {"code": _STRING, "message": _STRING}}},
        "suggestions": {"type": "array", "items": _STRING},
        "later": {"type": "array", "items": _ref("Lookup")}}},
    "DistrictResults": {"type": "object", "required": ["district", "year", "schools"], "properties": {
        "district": {"type": "object", "properties": {"code": _STRING, "name": _STRING}}, "year": _INT,
        "schools": {"type": "array", "items": {"type": "object", "required": ["school", "totals"], "properties": {
            "school": _SCHOOL, "totals": _nullable(_TOTALS)}}}}},
    "SchoolResult": {"type": "object", "required": ["school", "district", "year", "routes", "totals", "list"],
                     "properties": {
        "school": _SCHOOL, "district": _STRING, "year": _INT, "version": _nullable(_INT),
        "published_at": _nullable({"type": "string", "format": "date-time"}),
        "notice_until": _nullable({"type": "string", "format": "date"}),
        "routes": {"type": "array", "items": {"type": "object", "required": ["route"], "properties": {
            "route": _STRING, "label": _STRING, "applicants": _nullable(_INT), "places": _nullable(_INT),
            "admitted": _nullable(_INT), "ratio": _nullable(_NUMBER), "note": _nullable(_STRING)}}},
        "totals": _TOTALS,
        "list": {"type": "object", "required": ["public", "entries"], "properties": {
            "public": {"type": "boolean"}, "public_until": _nullable({"type": "string", "format": "date"}),
            "entries": {"type": "array", "items": {"type": "object", "properties": {
                "no": _nullable(_STRING), "name": _nullable(_STRING), "route": _nullable(_STRING),
                "outcome": {"type": "string", "enum": ["admitted", "waiting", "not_admitted"]},
                "rank": _nullable(_INT)}}}}},
        "lottery": _nullable(_INT)}},
    "Lottery": {"type": "object", "required": ["school", "school_id", "year", "places", "list_hash", "commitment",
                                               "seed", "applications", "order"], "properties": {
        "school": _STRING, "school_id": _INT, "year": _INT, "places": _INT,
        "draw_at": {"type": "string", "format": "date-time"}, "list_hash": _STRING, "commitment": _STRING,
        "committed_at": _nullable({"type": "string", "format": "date-time"}), "seed": _nullable(_STRING),
        "applications": {"type": "array", "items": _STRING}, "order": {"type": "array", "items": _STRING},
        "algorithm": _STRING}},
}


def api_document(server_url: str) -> dict:
    """The OpenAPI 3.0 document of /api/v1 and /ogcapi on the site at ``server_url``."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "enroll public API", "version": "1.0.0",
                 "description": "Published zoning, admission results and lotteries (docs/api.md); "
                                "the OGC API – Features of the zones, schools and districts."},
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {**API_PATHS, **ogcapi_paths("/ogcapi")},
        "components": {"schemas": {**API_SCHEMAS, **OGCAPI_SCHEMAS}},
    }
