"""Property-based, like the core's own test: no request the OpenAPI document allows for the
pillar's routes — or nearly allows — makes a 500, and every 4xx carries message, rule and hint.
Signed in as a county supervisor (every permission of the pillar) over a deployment with a
roster, a committee, a settled case with its agreement and a procedure under way."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from sg_testkit import MEDIATORS, committee_input, new_case, session_input
from suyuan_self_governance.service import service
from test_sg_agreements import agreement_input

from suyuan_core.testing.http import ApiClient

EXAMPLES = 15
PREFIX = "/api/v1/self_governance/"


@pytest.fixture
def api(make_deployment):
    d = make_deployment(plugins=["self_governance"])
    sg = service(d)
    sg.roster.save_mediators(MEDIATORS)
    sg.roster.save_body(committee_input())
    case = new_case(d)
    sg.sessions.record(session_input(case.id), actor="t")
    sg.agreements.draft(agreement_input(case.id), actor="t")
    new_case(d)
    sg.procedures.open(area_code="C.T1.C1", title="修建村道", matter="collective_project",
                       proposed_on="2026-03-01", content="党支部提议", actor="t")
    with ApiClient(d) as client:
        yield client


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_to_the_pillar_makes_a_server_error(api, mode):
    schema = schemathesis.openapi.from_asgi("/api/v1/schema/openapi.json", api.app)
    headers = api.as_role("supervisor", "C", username="fuzz")
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith(PREFIX)]
    assert len(operations) >= 30
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
