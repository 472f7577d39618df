"""Tested exactly as a third party would: through the fixtures suyuan ships."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from suyuan_labour_arbitration import referrals

from suyuan_core import PluginError, TransitionRefused
from suyuan_core.testing import run_cli


@pytest.fixture
def d(make_deployment):
    return make_deployment(plugins=["labour_arbitration"])


def test_registers_category_source_metric(d):
    assert d.categories["wage_arrears"].provider == "labour_arbitration"
    assert "labour_inspection" in d.sources
    assert d.metrics["labour_referrals"].provider == "labour_arbitration"


def test_refer_without_commission_is_refused_and_nothing_written(d):
    case = d.cases.create(d_new(d), actor="t")
    d.cases.act(case.id, "accept", actor="t")
    with pytest.raises(TransitionRefused, match="仲裁委员会"):
        d.cases.act(case.id, "refer", actor="t")
    assert d.cases.get(case.id).status.value == "accepted"
    with d.reading() as s:
        assert s.execute(select(referrals)).all() == []


def test_referral_is_recorded_in_the_plugins_table_and_counted(d):
    case = d.cases.create(d_new(d), actor="t")
    d.cases.act(case.id, "accept", actor="t")
    d.cases.act(case.id, "refer", actor="t", data={"commission": "金堂县劳动人事争议仲裁委员会"})
    with d.reading() as s:
        rows = s.execute(select(referrals)).all()
    assert [(r.case_id, r.commission) for r in rows] == [(case.id, "金堂县劳动人事争议仲裁委员会")]
    result = run_cli(d, "labour", "referrals")
    assert result.exit_code == 0 and "金堂县劳动人事争议仲裁委员会" in result.stdout
    ids = d.metric_service.drill("labour_referrals", "C",
                                 __import__("suyuan_core").Period.containing(
                                     "year", case.reported_at.date()))
    assert ids == [case.id]


def test_settings_are_validated(make_deployment):
    with pytest.raises(PluginError, match=r"plugins\.labour_arbitration"):
        make_deployment(plugins=["labour_arbitration"],
                        config={"plugins": {"labour_arbitration": {"require_commission": "maybe",
                                                                   "colour": 1}}})


def d_new(d):
    from suyuan_core import NewCase

    return NewCase(title="拖欠工资", category="wage_arrears", source="labour_inspection",
                   area_code="C.T1.C1")


def test_routing_proposes_the_labour_mediation_committee(d):
    case = d.cases.create(d_new(d), actor="t")
    best = d.routing.propose(case)[0]
    assert (best.handler_kind, best.handler_id, best.provider) == (
        "organisation", "labour_mediation_committee", "labour_arbitration")


def test_the_referrals_route_needs_its_permission_in_the_area(d):
    from suyuan_core.testing.http import ApiClient

    case = d.cases.create(d_new(d), actor="t")
    d.cases.act(case.id, "accept", actor="t")
    d.cases.act(case.id, "refer", actor="t", data={"commission": "县仲裁委"})
    url = "/api/v1/labour_arbitration/referrals"
    with ApiClient(d) as api:
        assert api.get(url).status_code == 401
        r = api.get(url, headers=api.as_role("mediator", "C"))
        assert r.status_code == 403 and r.json()["rule"] == "labour_arbitration.referrals.read"
        assert api.get(url, headers=api.as_role("official", "C.T2")).json() == []
        assert api.get(url, headers=api.as_role("official", "C.T1")).json() == [
            {"case_id": case.id, "commission": "县仲裁委"}]
