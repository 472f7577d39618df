"""Property-based over the pillar's routes: no request the OpenAPI document allows — or nearly
allows — makes a 500, and every 4xx carries message, rule and hint. Signed in with every role the
pillar's routes need, over registers, an agreement, a referral and a selection."""

from __future__ import annotations

import pytest
from suyuan_virtue.guardianship import Guardianships
from suyuan_virtue.registers import Registers
from suyuan_virtue.selection import Selections
from test_vt_families import agreement
from vt_testkit import access, correction, deployment_with_keys, user

from suyuan_core.testing.fuzz import MODES, fuzz
from suyuan_core.testing.http import ApiClient

EXAMPLES = 12
PREFIX = "/api/v1/virtue/"
ROLES = ("correction_officer", "resettlement_officer", "privacy_officer", "civil_affairs_officer",
         "counsellor", "official")


@pytest.fixture
def api(make_deployment, tmp_path):
    d = deployment_with_keys(make_deployment, tmp_path)
    who = access(d, "seed", ("correction_officer", "C"), ("civil_affairs_officer", "C"))
    Registers(d).add(who, correction())
    Guardianships(d).add(who, agreement())
    Selections(d).create(user(d, "off", ("official", "C")), kind="moral_model", title="t",
                         year=2026, area_code="C")
    with ApiClient(d) as client:
        yield client


@pytest.mark.parametrize("mode", MODES)
def test_no_request_to_the_pillar_makes_a_server_error(api, mode):
    headers = api.as_role(ROLES[0], "C", *[(r, "C") for r in ROLES[1:]], username="fuzz")
    fuzz(api, headers, mode, prefixes=(PREFIX,), examples=EXAMPLES, min_operations=20)
