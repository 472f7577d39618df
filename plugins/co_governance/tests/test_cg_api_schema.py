"""Property-based, like the core's own test: no request the OpenAPI document allows for the
pillar's routes — or nearly allows — makes a 500, and every 4xx carries message, rule and hint.
Signed in as a county supervisor (every permission of the pillar) over a deployment with units,
people, a committee, a ledger issue and a case."""

from __future__ import annotations

import pytest
import schemathesis
from cg_testkit import CONFIG, ORGS, PEOPLE, UNITS, health_committee, new_case, register_input
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from suyuan_co_governance.service import service

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


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_to_the_pillar_makes_a_server_error(api, mode):
    schema = schemathesis.openapi.from_asgi("/api/v1/schema/openapi.json", api.app)
    headers = api.as_role("supervisor", "C", username="fuzz")
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith(PREFIX)]
    assert len(operations) >= 25
    failures: list[str] = []

    def checker(operation):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(headers={**(case.headers or {}), **headers})
            assert response.status_code < 500, (operation.label, case.as_curl_command(),
                                                response.text)
            if response.status_code >= 400:
                body = response.json()
                assert body["message"] and body["rule"] and body["hint"], (operation.label, body)

        return check

    for operation in operations:
        try:
            checker(operation)()
        except AssertionError as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n".join(failures)
