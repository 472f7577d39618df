"""Fixtures for the co_governance tests: the core's ``make_deployment`` with this plugin enabled
and the Jintang code list (so land_transfer exists), plus responsible units."""

from __future__ import annotations

import pytest
from cg_testkit import CONFIG, UNITS
from suyuan_co_governance.service import CoGovernance, service


@pytest.fixture
def d(make_deployment):
    return make_deployment(plugins=["co_governance"], config=CONFIG)


@pytest.fixture
def cg(d) -> CoGovernance:
    found = service(d)
    found.forces.save_orgs(UNITS)
    return found
