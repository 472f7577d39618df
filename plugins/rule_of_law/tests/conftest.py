"""Fixtures for the rule_of_law tests: the core's ``make_deployment`` with this plugin and a
keeper of mediation agreements (through the hooks), plus a small roster."""

from __future__ import annotations

import pytest
from rol_testkit import keeper_plugin, people
from suyuan_rule_of_law.service import RuleOfLaw, service


@pytest.fixture
def keeper():
    return keeper_plugin()


@pytest.fixture
def d(make_deployment, keeper):
    deployment = make_deployment(plugins=["rule_of_law"], extra_plugins={"keeper": keeper},
                                 config={"plugins": {"rule_of_law": {}}})
    people(deployment)
    return deployment


@pytest.fixture
def rol(d) -> RuleOfLaw:
    return service(d)
