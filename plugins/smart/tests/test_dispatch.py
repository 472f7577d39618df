"""Dispatch: proposals, lead and co-handling units, sign-off, returns (DOMAIN-RULES §3),
redispatch, urging and supervision, per-unit metrics and the ranking."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import local
from suyuan_smart import callbacks, dispatch

from suyuan_core import Conflict, NewCase, Period, ValidationError

T = local(2026, 9, 1, 9)


def appeal(d, category="urban_management", area="C.T1.C1"):
    return d.cases.create(NewCase(title="路灯不亮", category=category, source="hotline_12345",
                                  area_code=area, occurred_at=T), actor="t")


def test_route_proposes_units_by_category_and_area(d):
    case = appeal(d)
    proposals = d.routing.propose(case)
    orgs = [(p.handler_id, p.score) for p in proposals if p.handler_kind == "organisation"]
    assert orgs[0][0] == "CG" and {"CG", "T1"} <= {o for o, _ in orgs}
    assert "T2" not in {o for o, _ in orgs}
    assert "城管" in proposals[0].reason


def test_dispatch_sign_off_and_late_sign_off(d):
    case = appeal(d)
    got = dispatch.dispatch(d, case.id, "CG", ("T1",), actor="centre", at=T)
    assert got.status.value == "assigned"
    assert got.assignees == ("organisation:CG", "organisation:T1")
    assert got.deadline is not None  # accepted on the way, with the working-day deadline
    dispatch.sign_off(d, case.id, "CG", actor="cg", at=T + dt.timedelta(hours=2))
    late = dispatch.sign_off(d, case.id, "T1", actor="t1", at=local(2026, 9, 4, 9))
    assert late.data["smart_dispatch"]["signed"] == ["CG", "T1"]
    with pytest.raises(ValidationError, match="already signed"):
        dispatch.sign_off(d, case.id, "CG", actor="cg", at=local(2026, 9, 4, 10))
    with pytest.raises(ValidationError, match="not dispatched to RS"):
        dispatch.sign_off(d, case.id, "RS", actor="rs", at=local(2026, 9, 4, 10))
    month = Period.containing("month", T.date())
    ms = d.metric_service
    assert ms.figure("smart_late_sign_offs", "C", month).num == 1
    f = ms.figure("smart_response_rate", "C", month)
    assert (f.num, f.den) == (1, 1)


def test_return_rules_and_redispatch_until_the_centre_rules(d):
    case = appeal(d, category="labour", area="C.T2.C1")
    dispatch.dispatch(d, case.id, "T1", actor="centre", at=T)
    with pytest.raises(ValidationError, match="not a return reason"):
        dispatch.return_order(d, case.id, "T1", "too_busy", "—", actor="t1", at=T)
    with pytest.raises(ValidationError, match="basis"):
        dispatch.return_order(d, case.id, "T1", "wrong_locality", " ", actor="t1", at=T)
    with pytest.raises(ValidationError, match="return window"):
        dispatch.return_order(d, case.id, "T1", "wrong_locality", "属地在第2镇", actor="t1",
                              at=local(2026, 9, 8, 9))
    dispatch.return_order(d, case.id, "T1", "wrong_locality", "属地在第2镇", actor="t1",
                          at=T + dt.timedelta(hours=1))
    dispatch.dispatch(d, case.id, "T2", actor="centre", at=T + dt.timedelta(hours=2))
    dispatch.return_order(d, case.id, "T2", "not_our_duty", "欠薪属人社局职责", actor="t2",
                          at=T + dt.timedelta(hours=3))
    final = dispatch.dispatch(d, case.id, "RS", actor="centre", at=T + dt.timedelta(hours=4))
    assert final.data["smart_dispatch"]["final"] is True
    with pytest.raises(ValidationError, match="终审"):
        dispatch.return_order(d, case.id, "RS", "not_our_duty", "x", actor="rs",
                              at=T + dt.timedelta(hours=5))
    version = d.cases.get(case.id).version
    # first contact owns it: after signing, no return either
    other = appeal(d)
    dispatch.dispatch(d, other.id, "CG", actor="centre", at=T)
    dispatch.sign_off(d, other.id, "CG", actor="cg", at=T + dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="首接负责"):
        dispatch.return_order(d, other.id, "CG", "not_our_duty", "x", actor="cg",
                              at=T + dt.timedelta(hours=2))
    assert d.cases.get(case.id).version == version
    month = Period.containing("month", T.date())
    assert d.metric_service.figure("smart_returns", "C", month).num == 2
    dispatch.urge(d, case.id, "请加快办理", actor="centre", at=T + dt.timedelta(hours=6))
    sup = dispatch.supervise(d, case.id, "县督查室督办", actor="centre",
                             at=T + dt.timedelta(hours=7))
    kinds = [e.kind for e in d.cases.timeline(sup.id)]
    assert kinds.count("smart.return") == 2 and kinds[-2:] == ["smart.urge", "smart.supervise"]
    assert d.metric_service.figure("smart_urges", "C", month).num == 1


def _work(d, case_id, unit, at, rating, resolved=True):
    dispatch.sign_off(d, case_id, unit, actor=unit, at=at)
    for action in ("start", "resolve", "close"):
        d.cases.act(case_id, action, actor=unit, occurred_at=at)
    return callbacks.record(d, case_id, actor="callback", reached=True, satisfaction=rating,
                            resolved=resolved, reason="没修好" if rating == "dissatisfied" else None,
                            at=at + dt.timedelta(hours=1))


def test_ranking_on_the_three_rates(d):
    for rating in ("satisfied", "satisfied"):
        c = appeal(d)
        dispatch.dispatch(d, c.id, "CG", actor="centre", at=T)
        _work(d, c.id, "CG", T + dt.timedelta(hours=1), rating)
    c = appeal(d, area="C.T1.C2")
    dispatch.dispatch(d, c.id, "T1", actor="centre", at=T)
    _work(d, c.id, "T1", local(2026, 9, 7, 9), "dissatisfied", resolved=False)
    rows = dispatch.ranking(d, Period.containing("month", T.date()))
    assert [(r.unit, r.rank) for r in rows] == [("CG", 1), ("T1", 2)]
    cg, t1 = rows
    assert (cg.response_rate, cg.resolution_rate, cg.satisfaction_rate) == (100.0, 100.0, 100.0)
    assert (t1.response_rate, t1.resolution_rate, t1.satisfaction_rate) == (0.0, 0.0, 0.0)
    assert t1.late_sign_offs == 1
    f = d.metric_service.figure("smart_resolution_rate", "C", Period.containing("month", T.date()))
    assert (f.num, f.den) == (2, 3)


def test_dissatisfied_callback_reopens_and_feeds_satisfaction(d):
    c = appeal(d)
    dispatch.dispatch(d, c.id, "CG", actor="centre", at=T)
    with pytest.raises(Conflict, match="callbacks follow"):  # the case's state: 409
        callbacks.record(d, c.id, actor="cb", reached=True, satisfaction="satisfied", at=T)
    dispatch.sign_off(d, c.id, "CG", actor="cg", at=T)
    for action in ("start", "resolve"):
        d.cases.act(c.id, action, actor="cg", occurred_at=T)
    assert [x[0] for x in callbacks.due(d, at=local(2026, 9, 3, 9))] == [c.id]
    with pytest.raises(ValidationError, match="why"):
        callbacks.record(d, c.id, actor="cb", reached=True, satisfaction="dissatisfied", at=T)
    with pytest.raises(ValidationError, match="not reached"):
        callbacks.record(d, c.id, actor="cb", reached=False, satisfaction="satisfied", at=T)
    after = callbacks.record(d, c.id, actor="cb", reached=True, satisfaction="dissatisfied",
                             reason="路灯仍不亮", reopen=True, at=T + dt.timedelta(hours=1))
    assert after.status.value == "in_progress" and after.deadline is not None
    month = Period.containing("month", T.date())
    f = d.metric_service.figure("satisfaction_rate", "C", month)
    assert (f.num, f.den) == (0, 1)
    assert d.metric_service.figure("smart_reopened", "C", month).num == 1
    assert callbacks.due(d, at=local(2026, 9, 3, 9)) == []
