"""The OpenAPI document of /api/v1 and /ogcapi, and schemathesis against the app on the demo: no
server error, and every response (status, content type, body) as the document says."""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from enroll.api.openapi import api_document

EXAMPLES = 80  # per operation (most stop sooner): the whole run takes about 25 s
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_every_public_api_route_is_described(demo_app):
    document = demo_app.test_client().get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.0")
    routes = {re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule).rstrip("/") or "/"
              for rule in demo_app.url_map.iter_rules() if rule.rule.startswith(("/api/v1/", "/ogcapi"))}
    described = {path.rstrip("/") for path in document["paths"]}
    renamed = {p.replace("{collection_id}", "{collectionId}").replace("{feature_id}", "{featureId}") for p in routes}
    assert renamed == described


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/ogcapi/openapi.json"])
def test_the_documents_are_valid_openapi_3(demo_app, path):
    schemathesis.openapi.from_dict(demo_app.test_client().get(path).json).validate()  # the OpenAPI 3.0 meta-schema


@pytest.fixture(scope="module")
def api_schema(demo_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo_app)


# every operation the document describes (schemathesis's own pytest plugin does not run on pytest 9)
OPERATIONS = sorted(api_document("http://localhost")["paths"])
ZONES = "zones-990101-2026-primary"


def demo_path_parameters(app, path: str) -> list[dict]:
    """Path parameters naming what the demo publishes, so that fuzzed queries reach real data too."""
    from enroll.districts.services import get_district
    from enroll.zoning.services import published_plan

    with app.app_context():
        zone = published_plan(get_district("990101").id, 2026, "primary").zones[0].id
    collections = [ZONES, "zones-990101-2026-junior", "schools", "districts"]
    return {
        "/api/v1/districts/{code}/results/{year}": [{"code": "990101", "year": 2026}],
        "/api/v1/schools/{school_id}/results/{year}": [{"school_id": 1, "year": 2026}],
        "/api/v1/lotteries/{lottery_id}": [{"lottery_id": 1}],
        "/ogcapi/collections/{collectionId}": [{"collectionId": c} for c in collections],
        "/ogcapi/collections/{collectionId}/items": [{"collectionId": c} for c in collections],
        "/ogcapi/collections/{collectionId}/items/{featureId}": [
            {"collectionId": ZONES, "featureId": str(zone)}, {"collectionId": "schools", "featureId": "1"},
            {"collectionId": "districts", "featureId": "990101"}],
    }.get(path, [])


@pytest.mark.parametrize("path", OPERATIONS)
def test_api_answers_as_described(demo_app, api_schema, path):
    operation = api_schema[path]["GET"]
    strategy = st.one_of(operation.as_strategy(), *(
        operation.as_strategy(path_parameters=real) for real in demo_path_parameters(demo_app, path)))
    statuses = []

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def answers_as_described(case):
        statuses.append(case.call_and_validate(checks=CHECKS).status_code)

    answers_as_described()
    assert 200 in statuses  # the data itself was checked, not only refusals
