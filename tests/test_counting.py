"""Counting that cannot be gamed (issue 14 point 4): repeated actions that would double count
are refused, assignment names someone on the roster, the login throttle holds under parallel
attempts, and a figure that counts cases counts each case once, by its latest event, so that it
equals its drill-down whatever the history."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suyuan_core import Period, SuyuanError
from suyuan_core.errors import NotAuthenticated, TooManyAttempts, ValidationError
from suyuan_core.testing import DeploymentFactory, run_cli
from suyuan_core.testing.factories import Factories


def test_forty_parallel_wrong_passwords_check_exactly_the_limit(deployment: Any) -> None:
    d = deployment
    d.accounts.add_user("target", "Target", "right-password-1", actor="test")
    limit = d.config.core.web.login_max_failures

    def attempt(_: int) -> str:
        try:
            d.accounts.login("target", "wrong", ip="10.0.0.9")
        except TooManyAttempts:
            return "throttled"
        except NotAuthenticated:
            return "checked"
        return "signed in"

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(40)))
    assert results.count("checked") == limit
    assert results.count("throttled") == 40 - limit
    assert len(d.audit.search(action="login.failed")) == limit
    with pytest.raises(TooManyAttempts):  # the right password waits for the window too
        d.accounts.login("target", "right-password-1", ip="10.0.0.9")


def test_a_right_password_clears_the_count(deployment: Any) -> None:
    d = deployment
    d.accounts.add_user("u1", "U1", "right-password-1", actor="test")
    for _ in range(d.config.core.web.login_max_failures - 1):
        with pytest.raises(NotAuthenticated):
            d.accounts.login("u1", "wrong", ip="10.0.0.1")
    d.accounts.login("u1", "right-password-1", ip="10.0.0.1")
    for _ in range(d.config.core.web.login_max_failures - 1):
        with pytest.raises(NotAuthenticated):
            d.accounts.login("u1", "wrong", ip="10.0.0.1")


def test_twenty_identical_assigns_write_one_event(api: Any, deployment: Any) -> None:
    f = Factories(deployment)
    f.person(external_id="M0001")
    case = f.case("accepted")
    h = api.as_role("supervisor", "C")
    codes = []
    version = case.version
    for _ in range(20):
        r = api.post(f"/api/v1/cases/{case.id}/actions/assign", headers=h,
                     json={"expected_version": version, "assignees": ["person:M0001"]})
        codes.append(r.status_code)
        if r.status_code == 200:
            version = r.json()["version"]
    assert codes.count(200) == 1 and codes.count(422) == 19
    kinds = [e.kind for e in deployment.cases.timeline(case.id)]
    assert kinds.count("assign") == 1


@pytest.mark.parametrize("handler", ["person:NOBODY' OR 1=1", "person:", "somebody",
                                     "organisation:NOPE"])
def test_assignment_off_the_roster_is_refused(api: Any, deployment: Any, handler: str) -> None:
    case = Factories(deployment).case("accepted")
    h = api.as_role("supervisor", "C")
    r = api.post(f"/api/v1/cases/{case.id}/actions/assign", headers=h,
                 json={"expected_version": case.version, "assignees": [handler]})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "assignees[0]"
    assert deployment.cases.get(case.id).version == case.version


def test_the_service_refuses_a_repeated_assign(deployment: Any) -> None:
    case = Factories(deployment).case("assigned")
    with pytest.raises(ValidationError) as info:
        deployment.cases.act(case.id, "assign", actor="t",
                             data={"assignees": list(case.assignees)})
    assert info.value.rule == "no_change"


# --- cases or events: a figure that counts cases counts each case once, by its latest event ---

T0 = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)
MARCH = Period("month", dt.date(2026, 3, 1))
APRIL = Period("month", dt.date(2026, 4, 1))
ONCE = ["cases_closed", "on_time_rate", "mediation_success_rate", "satisfaction_rate",
        "settled_at_community_rate", "settled_in_town_rate"]


def later(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def parts(d: Any, key: str, area: str, period: Period) -> tuple[int, int, list[int], list[int]]:
    """A figure's numerator and denominator beside the lengths' sources: its two drill-downs."""
    fig = d.metric_service.figure(key, area, period)
    return (fig.num, fig.den, d.metric_service.drill(key, area, period),
            d.metric_service.drill(key, area, period, part="denominator"))


def assert_clean(d: Any) -> None:
    counts, diffs = d.metric_service.verify()
    assert diffs == [], diffs[:5]
    assert counts["rollups"] > 0
    assert run_cli(d, "metrics", "verify").exit_code == 0


def test_the_core_rates_over_an_outcome_count_cases(deployment: Any) -> None:
    flagged = {m.key for m in deployment.metrics if m.once_per_case}
    assert set(ONCE) <= flagged
    assert "escalations" not in flagged and "cases_received" not in flagged
    docs = run_cli(deployment, "docs", "metrics").stdout
    assert "| `satisfaction_rate` | 满意率 Satisfaction rate | percent | cases |" in docs
    assert "| `escalations` | 上报升级数 Escalations | count | events |" in docs


def test_twenty_callbacks_on_one_case_count_one_case(deployment: Any) -> None:
    d = deployment
    case = Factories(d).case("closed", at=T0)
    for i in range(20):
        d.cases.callback(case.id, actor="t", reached=True, satisfaction="satisfied",
                         occurred_at=later(10 + i))
    for area in ("C", "C.T1", "C.T1.C1", "C.T1.C1.G1"):  # rolled up, and counted from events
        assert parts(d, "satisfaction_rate", area, MARCH) == (1, 1, [case.id], [case.id])
    assert d.metric_service.figure("satisfaction_rate", "C", MARCH).value == 100.0
    # the last callback decides: a 21st, dissatisfied, leaves the case rated, but not satisfied
    d.cases.callback(case.id, actor="t", reached=True, satisfaction="dissatisfied",
                     occurred_at=later(40))
    for area in ("C", "C.T1.C1.G1"):
        assert parts(d, "satisfaction_rate", area, MARCH) == (0, 1, [], [case.id])
    # a callback without a rating does not count, so it does not move the case either
    d.cases.callback(case.id, actor="t", reached=False, satisfaction=None, occurred_at=later(50))
    assert parts(d, "satisfaction_rate", "C", MARCH) == (0, 1, [], [case.id])
    assert_clean(d)


def test_failed_reopened_resolved_counts_once_as_resolved(deployment: Any) -> None:
    d = deployment
    f = Factories(d)
    twice = f.case("in_progress", at=T0)
    assert twice.kind == "dispute"
    d.cases.act(twice.id, "fail", actor="t", occurred_at=later(5))
    failed_only = f.case("unresolved", at=later(6))
    assert parts(d, "mediation_success_rate", "C", MARCH) == (
        0, 2, [], sorted([twice.id, failed_only.id]))
    d.cases.act(twice.id, "reopen", actor="t", reason="再调", occurred_at=later(10))
    d.cases.act(twice.id, "resolve", actor="t", occurred_at=later(20))
    for area in ("C", "C.T1", "C.T1.C1.G1"):
        assert parts(d, "mediation_success_rate", area, MARCH) == (
            1, 2, [twice.id], sorted([twice.id, failed_only.id]))
    # closed, reopened and closed again: one case closed
    d.cases.act(twice.id, "close", actor="t", occurred_at=later(30))
    d.cases.act(twice.id, "reopen", actor="t", reason="r", occurred_at=later(40))
    d.cases.act(twice.id, "resolve", actor="t", occurred_at=later(50))
    d.cases.act(twice.id, "close", actor="t", occurred_at=later(60))
    assert parts(d, "cases_closed", "C", MARCH)[:3] == (1, 0, [twice.id])
    assert parts(d, "settled_at_community_rate", "C", MARCH) == (1, 1, [twice.id], [twice.id])
    assert d.metric_service.figure("mediation_success_rate", "C", MARCH).den == 2
    assert_clean(d)


def test_a_later_callback_moves_the_case_to_its_month(deployment: Any) -> None:
    d = deployment
    case = Factories(d).case("closed", at=T0)
    d.cases.callback(case.id, actor="t", reached=True, satisfaction="satisfied",
                     occurred_at=later(10))
    assert parts(d, "satisfaction_rate", "C", MARCH) == (1, 1, [case.id], [case.id])
    april = dt.datetime(2026, 4, 20, 3, 0, tzinfo=dt.UTC)
    d.cases.callback(case.id, actor="t", reached=True, satisfaction="dissatisfied",
                     occurred_at=april)
    for area in ("C", "C.T1.C1.G1"):
        assert parts(d, "satisfaction_rate", area, MARCH) == (0, 0, [], [])
        assert parts(d, "satisfaction_rate", area, APRIL) == (0, 1, [], [case.id])
    year = Period("year", dt.date(2026, 1, 1))
    assert parts(d, "satisfaction_rate", "C", year) == (0, 1, [], [case.id])
    assert_clean(d)


def test_the_events_counted_still_count_every_event(deployment: Any) -> None:
    """escalations counts events: a case escalated twice counts twice (its drill lists it once)."""
    d = deployment
    case = Factories(d).case("accepted", at=T0)
    d.cases.act(case.id, "escalate", actor="t", reason="r", occurred_at=later(1))
    d.cases.act(case.id, "escalate", actor="t", reason="r", occurred_at=later(2))
    assert d.metric_service.figure("escalations", "C", MARCH).num == 2
    assert d.metric_service.drill("escalations", "C", MARCH) == [case.id]
    assert_clean(d)


def _history(i: int) -> list[tuple[str, dict[str, Any], dt.datetime]]:
    """Case ``i``'s later events: resolved (or failed, reopened and resolved), closed, and 1–4
    callbacks spread over March and April."""
    steps: list[tuple[str, dict[str, Any]]] = [("accept", {}), ("assign", {"assignees": ["person:X"]}),
                                              ("start", {})]
    if i % 3 == 0:
        steps += [("fail", {}), ("reopen", {})]
    steps += [("resolve", {}), ("close", {})]
    ratings = ["satisfied", "dissatisfied", "basically_satisfied", "satisfied"]
    steps += [("callback", {"reached": True, "satisfaction": ratings[(i + k) % 4]})
              for k in range(1 + i % 4)]
    out = []
    for k, (kind, data) in enumerate(steps):
        out.append((kind, data, T0 + dt.timedelta(days=3 * k + i % 5, minutes=i)))
    return out


def test_bulk_import_of_histories_with_callbacks_equals_the_single_event_path(
        make_deployment: Any) -> None:
    from suyuan_core import NewCase
    from suyuan_core.cases.bulk import CaseRecord, EventSpec

    one, bulk = make_deployment(), make_deployment()
    from suyuan_core.testing import Factories

    Factories(bulk).person(external_id="X")  # the assignee is on the roster
    records = []
    for i in range(12):
        new = NewCase(title=f"t{i}", category="neighbour", source="walk_in",
                      area_code=["C.T1.C1.G1", "C.T2.C1.G2", "C.T1.C2"][i % 3], occurred_at=T0)
        case = one.cases.create(new, actor="t")
        events = []
        for kind, data, at in _history(i):
            if kind == "callback":
                one.cases.record(case.id, "callback", actor="t", data=data, occurred_at=at)
            else:
                one.cases.act(case.id, kind, actor="t", data=data, reason="r", occurred_at=at)
            events.append(EventSpec(kind, at, data=data, reason="r"))
        records.append(CaseRecord(new, events))
    bulk.bulk.write(records)
    assert bulk.metric_service.stored() == one.metric_service.stored()
    assert bulk.metric_service.figure("satisfaction_rate", "C", APRIL).den == len(
        bulk.metric_service.drill("satisfaction_rate", "C", APRIL, part="denominator"))
    for d in (one, bulk):
        assert_clean(d)
        total = sum(d.metric_service.figure("satisfaction_rate", "C", p).den
                    for p in (MARCH, APRIL, Period("month", dt.date(2026, 5, 1))))
        assert total == 12  # every case rated once, by its last callback


def test_merging_a_child_with_callbacks_leaves_verify_clean(deployment: Any) -> None:
    d = deployment
    f = Factories(d)
    parent, child = f.case("closed", at=T0), f.case("closed", at=T0)
    for i in range(3):
        for case in (parent, child):
            d.cases.callback(case.id, actor="t", reached=True,
                             satisfaction=["satisfied", "dissatisfied"][(i + case.id) % 2],
                             occurred_at=later(10 + i))
    # the last callbacks: the parent's dissatisfied, the child's satisfied
    both = sorted([parent.id, child.id])
    assert parts(d, "satisfaction_rate", "C", MARCH) == (1, 2, [child.id], both)
    d.merges.merge(child.id, parent.id, actor="t", reason="同一诉求", occurred_at=later(20))
    assert parts(d, "satisfaction_rate", "C", MARCH) == (0, 1, [], [parent.id])
    assert_clean(d)
    # a callback on the merged child counts nowhere; the unmerge puts its last one back
    d.cases.callback(child.id, actor="t", reached=True, satisfaction="satisfied",
                     occurred_at=later(30))
    assert d.metric_service.figure("satisfaction_rate", "C", MARCH).den == 1
    assert_clean(d)
    d.merges.unmerge(child.id, actor="t", occurred_at=later(40))
    assert parts(d, "satisfaction_rate", "C", MARCH) == (1, 2, [child.id], both)
    assert_clean(d)
    d.cases.callback(child.id, actor="t", reached=True, satisfaction="dissatisfied",
                     occurred_at=later(50))
    assert parts(d, "satisfaction_rate", "C", MARCH) == (0, 2, [], both)
    assert_clean(d)


ACTIONS = ["accept", "assign", "start", "resolve", "fail", "close", "reopen", "callback",
           "callback", "escalate"]
STEP = st.tuples(st.integers(0, 8), st.sampled_from(["new", *ACTIONS]),
                 st.integers(0, 60 * 24 * 12),
                 st.sampled_from(["C.T1.C1.G1", "C.T1.C1.G2", "C.T2.C1", "C.T1.C2.G1.M1"]),
                 st.sampled_from(["satisfied", "basically_satisfied", "dissatisfied", None]))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=45))
def test_property_a_case_figure_equals_its_drill_down(tmp_path_factory: Any, steps: Any) -> None:
    factory = DeploymentFactory(tmp_path_factory.mktemp("once"))
    try:
        d = factory()
        ids: list[int] = []
        at = T0
        for pick, action, minutes, area, rating in steps:
            at += dt.timedelta(minutes=minutes)
            try:
                if action == "new" or not ids:
                    ids.append(Factories(d).case("reported", at=at, area_code=area).id)
                elif action == "callback":
                    d.cases.callback(ids[pick % len(ids)], actor="h", reached=rating is not None,
                                     satisfaction=rating, occurred_at=at)
                else:
                    data = {"assignees": ["person:X"]} if action == "assign" else {}
                    d.cases.act(ids[pick % len(ids)], action, actor="h", data=data, reason="r",
                                occurred_at=at)
            except SuyuanError:
                pass
        assert d.metric_service.verify()[1] == []
        periods = [Period.containing(g, (at - dt.timedelta(days=k)).astimezone(
            d.metric_service.tz).date()) for g in ("month", "week") for k in (0, 10)]
        for key in ONCE:
            for area in ("C", "C.T1", "C.T1.C1", "C.T1.C1.G1"):
                for p in periods:
                    num, den, drill_num, drill_den = parts(d, key, area, p)
                    assert num == len(drill_num)
                    if key != "cases_closed":
                        assert den == len(drill_den)
                        assert set(drill_num) <= set(drill_den)
    finally:
        factory.close()
