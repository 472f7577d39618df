"""Rules that hold in a core-only deployment, whichever plugins are (not) enabled: a merged
duplicate's lifecycle stops, merge events come only from the merge service, every gauge drills
down to exactly the cases it counts, and one callback rule for every path."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from sqlalchemy import func, select

from suyuan_core import (
    MetricDefinition,
    Period,
    PluginSpec,
    TransitionRefused,
    ValidationError,
    hookimpl,
)
from suyuan_core.metrics.verify import verify
from suyuan_core.tables import case_events
from suyuan_core.testing.http import ApiClient

AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
YEAR = Period.containing("year", AT.date())


def _events(d) -> int:
    with d.reading() as s:
        return int(s.scalar(select(func.count()).select_from(case_events)) or 0)


def test_a_core_only_deployment_refuses_actions_on_a_merged_case(deployment, factories):
    d = deployment
    assert [p.name for p in d.plugins] == ["suyuan_core"]
    parent, child = factories.case("accepted", at=AT), factories.case("accepted", at=AT)
    d.merges.merge(child.id, parent.id, actor="t", occurred_at=AT + dt.timedelta(hours=1))
    written = _events(d)
    with pytest.raises(TransitionRefused, match=f"merged into case {parent.id}") as refused:
        d.cases.act(child.id, "assign", actor="t", data={"assignees": ["person:M1"]})
    assert refused.value.rule == "not_merged"
    assert _events(d) == written and d.cases.get(child.id).status.value == "accepted"
    # records still go on (every caller of a merged appeal gets a callback), and unmerge works
    d.cases.note(child.id, "同一诉求的第二位来电人", actor="t")
    d.merges.unmerge(child.id, actor="t", reason="不是同一诉求")
    assert d.cases.act(child.id, "assign", actor="t",
                       data={"assignees": ["person:M1"]}).status.value == "assigned"


def test_merge_events_come_only_from_the_merge_service(deployment, factories):
    d = deployment
    parent, child = factories.case("closed", at=AT), factories.case("closed", at=AT)
    written = _events(d)
    for kind, data in (("merge", {"into": parent.id}), ("unmerge", {"from": parent.id})):
        with pytest.raises(ValidationError, match="written by the merge service only") as err:
            d.cases.record(child.id, kind, actor="t", data=data)
        assert err.value.field == "kind" and "deployment.merges" in (err.value.hint or "")
    assert _events(d) == written and d.cases.get(child.id).merged_into is None
    assert verify(d)[1] == []  # the rollups were never touched


def test_merge_events_are_refused_by_the_bulk_writer_too(deployment, factories):
    from suyuan_core import CaseRecord, EventSpec, NewCase, SuyuanError

    d = deployment
    parent = factories.case("closed", at=AT)
    written = _events(d)
    record = CaseRecord(NewCase(title="重复", category="neighbour", source="walk_in",
                                area_code="C.T1.C1", occurred_at=AT),
                        events=[EventSpec("merge", AT + dt.timedelta(hours=1),
                                          data={"into": parent.id})], line=2)
    with pytest.raises(SuyuanError, match="merge service only"):
        d.bulk.write([record])
    assert _events(d) == written and verify(d)[1] == []


def _gauge_plugin() -> types.ModuleType:
    mod = types.ModuleType("suyuan_gauge_demo")
    mod.plugin = PluginSpec(label=("量表", "Gauge demo"))  # type: ignore[attr-defined]
    mod.suyuan_register_metrics = hookimpl(lambda: [MetricDefinition(  # type: ignore[attr-defined]
        key="paused_now", label=("暂停中", "Paused now"), unit="count",
        gauge_where=lambda c, at: c.status == "in_progress",
        gauge_doc="cases in progress", dimensions={"area"})])
    return mod


def test_every_gauge_drills_to_exactly_what_it_counts(make_deployment):
    from suyuan_core.testing import Factories

    d = make_deployment(extra_plugins={"gauge": _gauge_plugin()})
    f = Factories(d)
    f.case("accepted", at=AT)
    f.case("assigned", at=AT)
    # nothing in progress: the plugin's gauge shows 0 and drills to nothing (not to open cases)
    assert d.metric_service.figure("paused_now", "C", YEAR).num == 0
    assert d.metric_service.drill("paused_now", "C", YEAR) == []
    busy = f.case("in_progress", at=AT)
    dup = f.case("in_progress", at=AT)
    d.merges.merge(dup.id, busy.id, actor="t")  # a merged duplicate counts nowhere
    assert d.metric_service.figure("paused_now", "C", YEAR).num == 1
    assert d.metric_service.drill("paused_now", "C", YEAR) == [busy.id]
    for key in ("open_now", "overdue_now", "paused_now"):
        figure = d.metric_service.figure(key, "C", YEAR, at=AT + dt.timedelta(days=400))
        drilled = d.metric_service.drill(key, "C", YEAR, at=AT + dt.timedelta(days=400))
        assert figure.num == len(drilled), key


def test_a_gauge_function_without_a_drill_is_refused_at_definition():
    with pytest.raises(ValidationError, match="must drill down to the cases it counts") as err:
        MetricDefinition(key="x_now", label=("x", "x"), unit="count", gauge=lambda *a: 0)
    assert "gauge_where" in (err.value.hint or "")
    ok = MetricDefinition(key="x_now", label=("x", "x"), unit="count", gauge=lambda *a: 0,
                          drill=lambda *a: [])
    assert ok.is_gauge


@pytest.mark.parametrize("data", [{"reached": False, "satisfaction": "satisfied"},
                                  {"reached": False, "satisfaction": None, "resolved": True},
                                  {"reached": True, "satisfaction": "so-so"}])
def test_one_callback_rule_for_every_path(deployment, factories, data):
    d = deployment
    case = factories.case("closed", at=AT)
    written = _events(d)
    with pytest.raises(ValidationError, match=r"not a rating|not reached"):
        d.cases.record(case.id, "callback", actor="t", data=data)  # a plugin's own path
    if "resolved" not in data:
        with pytest.raises(ValidationError, match=r"not a rating|not reached"):
            d.cases.callback(case.id, actor="t", reached=data["reached"],
                             satisfaction=data["satisfaction"])
        with ApiClient(d, base_url="https://testserver.local") as api:
            r = api.post(f"/api/v1/cases/{case.id}/callback",
                         headers=api.as_role("supervisor", "C"),
                         json={"reached": data["reached"], "satisfaction": data["satisfaction"]})
        assert r.status_code in (400, 422) and r.json()["field"] == "satisfaction"
    assert _events(d) == written
