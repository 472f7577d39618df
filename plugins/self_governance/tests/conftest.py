"""Fixtures for the self_governance tests: the core's ``make_deployment`` with this plugin enabled,
and a small roster on the standard test tree (C → C.T1/C.T2 → communities → grids → micro-grids)."""

from __future__ import annotations

import pytest
from sg_testkit import MEDIATORS, committee_input
from suyuan_self_governance.service import SelfGovernance, service


@pytest.fixture
def d(make_deployment):
    return make_deployment(plugins=["self_governance"])


@pytest.fixture
def sg(d) -> SelfGovernance:
    return service(d)


@pytest.fixture
def roster(sg) -> SelfGovernance:
    sg.roster.save_mediators(MEDIATORS)
    return sg


@pytest.fixture
def committee(roster) -> SelfGovernance:
    roster.roster.save_body(committee_input())
    return roster
