"""The OpenAPI document is exact: schemathesis, with every one of its checks (documented status
codes, response and content-type conformance, valid data accepted, invalid data refused, auth),
over every operation of a deployment with every plugin of the repository enabled, signed in with
a token the test makes, finds nothing; and the document says what the server really answers.

Strict: no status is accepted for a request the document allows beyond schemathesis' own list
(``accept=()``; ``DOMAIN_REFUSAL`` is empty). A 422 to such a request used to count as fine; it
meant the document allowed what the domain refuses. Now the document states the domain's ranges
(the deployment's area, category, source and role codes as enums; every code-valued field from
the tuple the service checks; exact period and cursor patterns; each body field's declared
range) and a refusal that depends on a record's state is a documented 409."""

from __future__ import annotations

import pytest

from suyuan_core.testing.fuzz import check_document
from suyuan_core.testing.http import ApiClient

PLUGINS = ["self_governance", "smart", "rule_of_law", "virtue", "co_governance"]
SMART = {"units": [{"code": "CG", "name": "县城管局", "categories": ["urban_management"],
                    "areas": ["C"]}],
         "default_area": "C.T1.C1", "open311_api_keys": ["k1"]}
EXAMPLES = 4


@pytest.fixture
def api(make_deployment):
    from suyuan_core.testing.factories import Factories

    d = make_deployment(plugins=PLUGINS, config={"plugins": {"smart": SMART}})
    make = Factories(d)
    for status in ("reported", "in_progress", "closed"):
        make.case(status)
    # not entered as a context manager: schemathesis drives the app (and its lifespan) itself
    return ApiClient(d)


def test_schemathesis_with_every_check_finds_nothing(api):
    headers = api.as_role("supervisor", "C", ("admin", "C"), username="exact")
    check_document(api, headers, examples=EXAMPLES, min_operations=150, accept=())


def test_errors_are_documented_in_the_core_shape(api):
    doc = api.get("/api/v1/schema/openapi.json").json()
    error = doc["components"]["schemas"]["ErrorBody"]
    assert {"message", "rule", "hint", "field"} <= set(error["properties"])
    case = doc["paths"]["/api/v1/cases/{case_id}"]["get"]["responses"]
    assert {"200", "400", "401", "403", "404", "422"} <= set(case)
    assert case["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"}
    # what a real 404 says validates against it
    got = api.get("/api/v1/cases/999999", headers=api.as_role("supervisor", "C")).json()
    assert set(error["required"]) <= set(got)


def test_public_routes_say_so_and_figures_are_numbers(api):
    doc = api.get("/api/v1/schema/openapi.json").json()
    for path in ("/api/v1/health", "/open311/v2/services.json", "/open311/v2/requests.json"):
        assert doc["paths"][path]["get"]["security"] == [], path
    assert doc["paths"]["/api/v1/auth/login"]["post"]["security"] == []
    assert doc["paths"]["/api/v1/cases"]["get"]["security"] == [{"bearer": []}, {"session": []}]
    text = str(doc)
    assert "{'type': 'integer'}, {'type': 'number'}" not in text
    xml = doc["paths"]["/open311/v2/services.xml"]["get"]["responses"]["200"]["content"]
    assert "text/xml" in xml and "application/json" in xml
