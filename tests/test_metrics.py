"""Metrics: rollups kept in the writing transaction equal a recomputation from events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suyuan_core import NewCase, Period, SuyuanError
from suyuan_core.metrics.verify import verify
from suyuan_core.testing import DeploymentFactory, run_cli, standard_areas

T0 = dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.UTC)
LEAVES = [a.code for a in standard_areas() if a.level.name in ("micro_grid", "grid", "community")]
TOWNS = ["C.T1", "C.T2"]
ACTIONS = ["accept", "assign", "start", "resolve", "fail", "refer", "close", "withdraw",
           "reopen", "escalate", "callback", "note"]


def run_stream(d, steps) -> list[int]:
    """Apply a random stream of (case index, action, minutes later); illegal ones are refused."""
    ids: list[int] = []
    at = T0
    for pick, action, minutes, area, category, source, rating in steps:
        at += dt.timedelta(minutes=minutes)
        if action == "new" or not ids:
            case = d.cases.create(NewCase(title="t", category=category, source=source,
                                          area_code=area, occurred_at=at), actor="h")
            ids.append(case.id)
            continue
        case_id = ids[pick % len(ids)]
        try:
            if action == "callback":
                d.cases.callback(case_id, actor="h", reached=True, satisfaction=rating,
                                 occurred_at=at)
            elif action == "note":
                d.cases.record(case_id, "note", actor="h", occurred_at=at)
            else:
                data = {"assignees": ["person:X"]} if action == "assign" else {}
                d.cases.act(case_id, action, actor="h", data=data, reason="r", occurred_at=at)
        except SuyuanError:
            pass  # refused: nothing written, which the comparison below also checks
    return ids


STEP = st.tuples(st.integers(0, 50), st.sampled_from(["new", *ACTIONS]),
                 st.integers(0, 60 * 24 * 20), st.sampled_from(LEAVES),
                 st.sampled_from(["neighbour", "labour", "contract"]),
                 st.sampled_from(["walk_in", "hotline_12345"]),
                 st.sampled_from(["satisfied", "basically_satisfied", "dissatisfied"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=60))
def test_property_rollup_equals_recompute(tmp_path_factory, steps):
    factory = DeploymentFactory(tmp_path_factory.mktemp("prop"))
    try:
        d = factory()
        ids = run_stream(d, steps)
        counts, diffs = verify(d)
        assert diffs == []
        assert counts["cases"] == len(ids)
        # county = sum of its towns, for every flow metric and several periods
        for m in d.metrics:
            if m.is_gauge:
                continue
            for grain in ("day", "week", "month", "quarter", "year"):
                p = Period.containing(grain, T0.date())
                county = d.metric_service.figure(m.key, "C", p)
                towns = [d.metric_service.figure(m.key, t, p) for t in TOWNS]
                assert county.num == sum(t.num for t in towns)
                assert county.den == sum(t.den for t in towns)
            # below the community, figures come from the events: they add up the same way
            p = Period.containing("year", T0.date())
            community = d.metric_service.figure(m.key, "C.T1.C1", p)
            grids = [d.metric_service.figure(m.key, g, p) for g in ("C.T1.C1.G1", "C.T1.C1.G2")]
            own = d.metric_service._from_events(m, "C.T1.C1", p, None, None)
            assert (community.num, community.den) == own
            assert community.num >= sum(g.num for g in grids)  # the community's own cases too
    finally:
        factory.close()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=40),
       split=st.sampled_from([(None, None), ("neighbour", None), (None, "hotline_12345"),
                              ("labour", "walk_in")]))
def test_property_every_figure_equals_its_events(tmp_path_factory, steps, split):
    """Whatever cells the rollups keep, a figure read from them equals the same figure counted
    from the events by the metric's formula, at every level, grain and filter; and a split
    equals its parts."""
    factory = DeploymentFactory(tmp_path_factory.mktemp("cells"))
    try:
        d = factory()
        run_stream(d, steps)
        svc = d.metric_service
        category, source = split
        for m in d.metrics:
            if m.is_gauge or m.is_computed:
                continue
            for grain in ("day", "week", "month", "quarter", "year"):
                p = Period.containing(grain, T0.date())
                for area in ("C", "C.T1", "C.T2", "C.T1.C1", "C.T2.C1", "C.T1.C1.G1"):
                    f = svc.figure(m.key, area, p, category=category, source=source)
                    own = svc._from_events(m, area, p, category, source)
                    assert (f.num, f.den) == own, (m.key, area, str(p), split)
                    if split == (None, None) and grain in ("day", "month"):
                        parts = svc.breakdown(m.key, area, p, "category")
                        assert sum(x.num for x in parts) == f.num
                        assert sum(x.den for x in parts) == f.den
                        for x in parts:
                            assert (x.num, x.den) == svc._from_events(m, area, p, x.category,
                                                                      None)
    finally:
        factory.close()


def test_figures_and_drill_down(deployment, factories):
    resolved = factories.case("closed", area_code="C.T1.C1.G1")
    failed = factories.case("unresolved", area_code="C.T2.C1")
    factories.case("reported", area_code="C.T2.C2")
    svc = deployment.metric_service
    p = Period.containing("month", dt.datetime.now(dt.UTC).date())
    assert svc.figure("cases_received", "C", p).value == 3
    rate = svc.figure("mediation_success_rate", "C", p)
    assert (rate.num, rate.den, rate.value) == (1, 2, 50.0)
    assert svc.drill("mediation_success_rate", "C", p) == [resolved.id]
    assert svc.drill("mediation_success_rate", "C", p, part="denominator") == sorted(
        [resolved.id, failed.id])
    assert svc.drill("mediation_success_rate", "C.T2", p, part="denominator") == [failed.id]
    community = svc.figure("settled_at_community_rate", "C", p)
    assert (community.num, community.den) == (1, 1)
    assert svc.figure("open_now", "C", p).value == 1  # unresolved is finished, awaiting close
    by_cat = svc.breakdown("cases_received", "C", p, "category")
    assert [(f.category, f.num) for f in by_cat] == [("neighbour", 3)]
    by_area = svc.breakdown("cases_received", "C", p, "area")
    assert [(f.area_code, f.num) for f in by_area] == [("C.T1", 1), ("C.T2", 2)]
    series = svc.breakdown("cases_received", "C", p, "period")
    assert len(series) == 12 and series[-1].num == 3


def test_on_time_and_overdue(deployment, factories):
    t = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    late = factories.case("resolved", at=t)
    deployment.cases.act(late.id, "close", actor="t", occurred_at=t + dt.timedelta(days=40))
    on_time = factories.case("resolved", at=t)
    deployment.cases.act(on_time.id, "close", actor="t", occurred_at=t + dt.timedelta(days=3))
    overdue = factories.case("in_progress", at=t)
    svc = deployment.metric_service
    rate = svc.figure("on_time_rate", "C", Period.containing("year", t.date()))
    assert (rate.num, rate.den) == (1, 2)
    assert svc.drill("on_time_rate", "C", Period.containing("year", t.date())) == [on_time.id]
    assert svc.figure("overdue_now", "C", Period.containing("year", t.date())).value == 1
    assert svc.drill("overdue_now", "C", Period.containing("year", t.date())) == [overdue.id]


def test_verify_cli_detects_tampering(deployment, factories):
    factories.case("closed")
    ok = run_cli(deployment, "metrics", "verify")
    assert ok.exit_code == 0 and "verify: ok" in ok.stdout
    from sqlalchemy import update

    from suyuan_core.tables import cases, metric_rollups

    with deployment.transaction() as s:
        s.execute(update(metric_rollups).where(metric_rollups.c.metric == "cases_closed")
                  .values(num=metric_rollups.c.num + 1))
        s.execute(update(cases).values(status="in_progress"))
    bad = run_cli(deployment, "metrics", "verify")
    assert bad.exit_code == 1
    assert "DIFFERENT rollup cases_closed" in bad.stderr
    assert "DIFFERENT case 1.status" in bad.stderr
    rebuilt = run_cli(deployment, "metrics", "rebuild")
    assert rebuilt.exit_code == 0


def test_metrics_cli_show_and_drill(deployment, factories):
    case = factories.case("closed")
    month = dt.datetime.now(dt.UTC).astimezone(deployment.metric_service.tz).strftime("%Y-%m")
    shown = run_cli(deployment, "metrics", "show", "--metric", "cases_closed", "--json",
                    "--period", month)
    assert shown.exit_code == 0 and '"num": 1' in shown.stdout
    drilled = run_cli(deployment, "metrics", "drill", "cases_closed", "--period", month, "--json")
    assert drilled.exit_code == 0 and str(case.id) in drilled.stdout
    bad = run_cli(deployment, "metrics", "show", "--period", "2026-13")
    assert bad.exit_code == 1 and "is not a period" in bad.stderr
    unknown = run_cli(deployment, "metrics", "drill", "nope")
    assert unknown.exit_code == 1 and "no metric 'nope'" in unknown.stderr


@pytest.mark.parametrize(("text", "grain", "start", "end"), [
    ("2026-05-03", "day", dt.date(2026, 5, 3), dt.date(2026, 5, 4)),
    ("2026-W18", "week", dt.date(2026, 4, 27), dt.date(2026, 5, 4)),
    ("2026-05", "month", dt.date(2026, 5, 1), dt.date(2026, 6, 1)),
    ("2026-Q4", "quarter", dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
    ("2026", "year", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
])
def test_periods(text, grain, start, end):
    from suyuan_core import parse_period

    p = parse_period(text)
    assert (p.grain, p.start, p.end, str(p)) == (grain, start, end, text)


# -- a computed figure drills down to the records it counts -----------------------------------

def _records_plugin() -> Any:
    import types

    from suyuan_core import MetricDefinition, PluginSpec, hookimpl

    mod = types.ModuleType("suyuan_halls")
    mod.plugin = PluginSpec(label=("服务大厅", "Service halls"))
    halls = {"C.T1": ["hall:1", "hall:2"], "C.T2": ["hall:3"]}

    def found(d: Any, area: str, period: Any) -> tuple[list[str], list[str]]:
        tree = d.areas.tree
        inside = [r for code, rs in halls.items() if code in tree.subtree(area) for r in rs]
        return inside[:1], inside

    @hookimpl
    def suyuan_register_metrics() -> list[MetricDefinition]:
        return [MetricDefinition(
            key="halls_equipped", label=("达标服务大厅", "Halls equipped"), unit="percent",
            compute=lambda d, a, p: tuple(len(x) for x in found(d, a, p)),
            records=lambda d, a, p, part: found(d, a, p)[part != "numerator"],
            dimensions=frozenset({"area", "period"}), compute_doc="halls equipped ÷ halls")]

    mod.suyuan_register_metrics = suyuan_register_metrics  # type: ignore[attr-defined]
    return mod


def test_a_computed_figure_lists_its_records_in_the_service_and_the_api(make_deployment):
    from suyuan_core import EventRule, MetricDefinition, ValidationError
    from suyuan_core.testing.http import ApiClient

    d = make_deployment(extra_plugins={"halls": _records_plugin()})
    svc = d.metric_service
    may = Period("month", dt.date(2026, 5, 1))
    figure = svc.figure("halls_equipped", "C", may)
    assert (figure.num, figure.den) == (1, 3)
    assert svc.records("halls_equipped", "C", may) == ["hall:1"]
    assert svc.records("halls_equipped", "C", may, part="denominator") == [
        "hall:1", "hall:2", "hall:3"]
    with pytest.raises(ValidationError) as err:
        svc.records("settled_at_community_rate", "C", may)
    assert err.value.rule == "drill"
    with pytest.raises(ValidationError) as err:
        MetricDefinition(key="x", label=("x", "x"), unit="count",
                         numerator=EventRule({"close"}, "closes"), records=lambda *a: [])
    assert err.value.field == "MetricDefinition.records"
    with ApiClient(d) as api:
        headers = api.as_role("supervisor", "C")
        r = api.get("/api/v1/metrics/halls_equipped/records?area=C&period=2026-05&part=denominator",
                    headers=headers)
        assert r.status_code == 200, r.text
        assert r.json() == {"metric": "halls_equipped", "area_code": "C", "period": "2026-05",
                            "part": "denominator", "count": 3,
                            "items": ["hall:1", "hall:2", "hall:3"]}
        bad = api.get("/api/v1/metrics/halls_equipped/records?part=both", headers=headers)
        assert bad.status_code == 422 and bad.json()["field"] == "part"
