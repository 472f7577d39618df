"""Property-based, like the core's own test: no request the OpenAPI document allows for the
pillar's routes — or nearly allows — makes a 500, and every 4xx carries message, rule and hint.
Signed in as a county supervisor (every permission of the pillar) over a deployment with a
roster, a committee, a settled case with its agreement and a procedure under way."""

from __future__ import annotations

import pytest
from sg_testkit import MEDIATORS, committee_input, new_case, session_input
from suyuan_self_governance.service import service
from test_sg_agreements import agreement_input

from suyuan_core.testing.fuzz import MODES, fuzz
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


@pytest.mark.parametrize("mode", MODES)
def test_no_request_to_the_pillar_makes_a_server_error(api, mode):
    headers = api.as_role("supervisor", "C", username="fuzz")
    fuzz(api, headers, mode, prefixes=(PREFIX,), examples=EXAMPLES, min_operations=30)
