"""Property-based, with the core's testing kit (suyuan_core.testing.fuzz): no request the
OpenAPI document allows for the pillar's routes — or nearly allows — makes a 500, and every 4xx
carries message, rule and hint. Signed in as a county supervisor (every permission of the
pillar) over a deployment with units, people, a committee, a ledger issue and a case."""

from __future__ import annotations

import pytest
from cg_testkit import CONFIG, ORGS, PEOPLE, UNITS, health_committee, new_case, register_input
from suyuan_co_governance.service import service

from suyuan_core.testing.fuzz import MODES, fuzz
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
