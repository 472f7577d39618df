"""Property-based, with the core's testing kit (suyuan_core.testing.fuzz): no request the
OpenAPI document allows for the pillar's routes — or nearly allows — makes a 500, and every 4xx
carries message, rule and hint. Signed in as a county supervisor (every permission of the
pillar) over a deployment with units, people, a committee, a ledger issue and a case."""

from __future__ import annotations

import pytest
from cg_testkit import CONFIG, ORGS, PEOPLE, UNITS, health_committee, new_case, register_input
from suyuan_co_governance.service import service

from suyuan_core.testing.fuzz import MODES, document_failures, fuzz
from suyuan_core.testing.http import ApiClient

EXAMPLES = 12
PREFIX = "/api/v1/co_governance/"


@pytest.fixture
def api(make_deployment):
    d = make_deployment(plugins=["co_governance"], config=CONFIG)
    cg = service(d)
    cg.forces.save_orgs([*UNITS, *ORGS])
    cg.forces.save_people(PEOPLE)
    cg.committees.save(health_committee())
    cg.ledger.register(register_input(), actor="t")
    new_case(d, category="medical")
    with ApiClient(d) as client:
        yield client


@pytest.mark.parametrize("mode", MODES)
def test_no_request_to_the_pillar_makes_a_server_error(api, mode):
    headers = api.as_role("supervisor", "C", username="fuzz")
    fuzz(api, headers, mode, prefixes=(PREFIX,), examples=EXAMPLES, min_operations=25)


#: the pillar's operations whose document is not exact yet, and why (tests/test_openapi_exact.py
#: lists the same for every plugin); every other operation must give no failure at all.
NOT_EXACT_YET = {
    # found by this test (more examples than the all-plugins one), not fixed yet
    "POST /api/v1/co_governance/ledger": "deadline on or after the registration day",
    "POST /api/v1/co_governance/ledger/{issue_id}/close-out": "evidence required (min items)",
    "GET /api/v1/co_governance/committees/figures": "an empty period is taken as none",
    "GET /api/v1/co_governance/ledger/units": "an empty period is taken as none",
}


def test_the_document_is_exact(api):
    """Every schemathesis check over the pillar's operations, signed in as the county's
    supervisor and admin: what the document allows is accepted (a 404/409 aside), what it
    forbids is refused, and every answer is documented."""
    headers = api.as_role("supervisor", "C", ("admin", "C"), username="exact")
    count, failures = document_failures(api, headers, prefixes=(PREFIX,), examples=EXAMPLES)
    assert count >= 25, count
    new = [f for f in failures if f.split(":", 1)[0] not in NOT_EXACT_YET]
    assert not new, f"{len(new)} failures:\n" + "\n".join(new)


def _body(api, path):
    doc = api.get("/api/v1/schema/openapi.json").json()
    return doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]


def test_hours_state_the_deployments_own_upper_limit(make_deployment):
    """``opt[FIELD_BOUNDS]``: the served document's maximum is the deployment's
    ``max_hours_per_entry`` (here 8), the very bound the service refuses above."""
    d = make_deployment(plugins=["co_governance"], config={
        **CONFIG, "plugins": {"co_governance": {"max_hours_per_entry": 8}}})
    service(d).forces.save_people(PEOPLE)
    with ApiClient(d) as api:
        hours = _body(api, f"{PREFIX}hours")["properties"]["hours"]
        assert (hours["minimum"], hours["maximum"]) == (1 / 60, 8)
        sup = api.as_role("supervisor", "C")
        entry = {"volunteer": "V1", "served_on": "2026-03-02", "activity": "陪同调解"}
        assert api.post(f"{PREFIX}hours", json={**entry, "hours": 8}, headers=sup).status_code == 201
        r = api.post(f"{PREFIX}hours", json={**entry, "hours": 8.5}, headers=sup)
        assert r.status_code == 422 and r.json()["field"] == "hours"
        # a roster member who is no volunteer: the roster's state, a 409
        r = api.post(f"{PREFIX}hours", json={**entry, "volunteer": "PM1", "hours": 1}, headers=sup)
        assert r.status_code == 409 and r.json()["rule"] == "role"


def test_a_participation_names_a_case_or_an_activity_and_who_as_its_force_requires(api):
    """The document's oneOf / if-then: what it admits is recorded, what it refuses is refused,
    and the time admitted is surely past."""
    import datetime as dt
    import re

    import jsonschema_rs

    schema = _body(api, f"{PREFIX}participations")
    pattern = schema["properties"]["occurred_at"]["pattern"]
    today = dt.datetime.now(dt.UTC).date()
    assert re.search(pattern, f"{today - dt.timedelta(days=3)}T10:00+08:00")
    assert not re.search(pattern, f"{today + dt.timedelta(days=1)}T10:00+08:00")
    valid = jsonschema_rs.Draft202012Validator(schema).is_valid
    sup = api.as_role("supervisor", "C")
    case_id = api.get("/api/v1/cases", headers=sup).json()["items"][0]["id"]
    good = [{"force": "party_member", "role": "mediator", "person": "PM1", "case_id": case_id},
            {"force": "social_org", "role": "adviser", "organisation": "SO-SW",
             "activity": "普法讲座", "area_code": "C.T1.C1",
             "occurred_at": "2026-03-04T10:00+08:00"}]
    bad = [{"force": "party_member", "role": "mediator", "person": "PM1"},
           {"force": "party_member", "role": "mediator", "person": "PM1", "case_id": case_id,
            "activity": "普法讲座", "area_code": "C"},
           {"force": "party_member", "role": "mediator", "person": "PM1", "activity": "讲座"},
           {"force": "social_org", "role": "adviser", "person": "PM1", "case_id": case_id},
           {"force": "party_member", "role": "mediator", "organisation": "SO-SW",
            "case_id": case_id}]
    for body in good:
        assert valid(body), body
        assert api.post(f"{PREFIX}participations", json=body, headers=sup).status_code == 201
    for body in bad:
        assert not valid(body), body
        r = api.post(f"{PREFIX}participations", json=body, headers=sup)
        assert r.status_code in (400, 422), (body, r.text)


def test_a_committees_coverage_is_documented_item_by_item(api):
    """Each coverage item is a declared object (category and area from the deployment's codes,
    a priority 1-99), listed once; another committee's claim is a 409."""
    coverage = _body(api, f"{PREFIX}committees")["properties"]["coverage"]
    item = coverage["items"]
    assert coverage["uniqueItems"] is True and item["additionalProperties"] is False
    assert set(item["required"]) == {"category", "area_code"}
    assert "medical" in item["properties"]["category"]["enum"]
    assert "C.T1.C1" in item["properties"]["area_code"]["enum"]
    assert (item["properties"]["priority"]["minimum"], item["properties"]["priority"]["maximum"]) \
        == (1, 99)
    sup = api.as_role("supervisor", "C")
    other = {"external_id": "IC-2", "name": "另一个医调委", "area_code": "C", "sponsor": "县卫生健康局",
             "coverage": [{"category": "medical", "area_code": "C"}]}
    r = api.post(f"{PREFIX}committees", json=other, headers=sup)
    assert r.status_code == 409 and r.json()["rule"] == "coverage_conflict"
    other["coverage"][0]["priority"] = 2.0  # a JSON integer
    r = api.post(f"{PREFIX}committees", json=other, headers=sup)
    assert r.status_code == 409  # the held claim has no priority: still settles nothing
    r = api.post(f"{PREFIX}committees", json={**other, "coverage": [
        {"category": "medical", "area_code": "C", "extra": 1}]}, headers=sup)
    assert r.status_code in (400, 422) and r.json()["field"] == "coverage[0]"
