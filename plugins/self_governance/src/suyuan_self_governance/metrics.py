"""The pillar's metrics. Flow metrics are formulas over case events (the talk-and-reason
resolve/fail events, the plugin's own ``self_governance.*`` events, the cases its activities open);
patrol coverage and Citizens' Sunday attendance are computed from the pillar's own tables."""

from __future__ import annotations

from typing import Any

from suyuan_core import Deployment, EventFacts, EventRule, MetricDefinition, Period

SATISFIED = frozenset({"satisfied", "basically_satisfied"})
RATED = SATISFIED | {"dissatisfied"}
AREA_PERIOD: Any = frozenset({"area", "period"})  # MetricDefinition converts it


def _via(name: str):  # type: ignore[no-untyped-def]
    def where(f: EventFacts) -> bool:
        return f.data.get("via") == name
    return where


def _source(name: str):  # type: ignore[no-untyped-def]
    def where(f: EventFacts) -> bool:
        return f.source == name
    return where


def _patrol_coverage(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_self_governance.patrols import Patrols

    return Patrols(deployment).coverage(area_code, period)


def _patrol_coverage_many(deployment: Deployment, area_codes: list[str],
                          period: Period) -> dict[str, tuple[int, int]]:
    from suyuan_self_governance.patrols import Patrols

    return Patrols(deployment).coverage_many(area_codes, period)


def _sunday_attendance(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_self_governance.sunday import CitizensSunday

    totals = CitizensSunday(deployment).totals(area_code, period)
    return totals["attendance"], totals["events"]


def _sunday_events(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_self_governance.sunday import CitizensSunday

    return CitizensSunday(deployment).totals(area_code, period)["events"], 0


METRICS = [
    MetricDefinition(
        key="talk_and_reason_sessions", label=("说事评理场次", "Talk-and-reason sessions"),
        unit="count",
        numerator=EventRule({"self_governance.session"}, "self_governance.session events")),
    MetricDefinition(
        key="talk_and_reason_success_rate", label=("说事评理调解成功率",
                                                   "Talk-and-reason success rate"),
        unit="percent",
        numerator=EventRule({"resolve"}, "resolve events via talk_and_reason",
                            _via("talk_and_reason")),
        denominator=EventRule({"resolve", "fail"}, "resolve and fail events via talk_and_reason",
                              _via("talk_and_reason")),
        once_per_case=True),  # a case's final outcome decides, as in mediation_success_rate
    MetricDefinition(
        key="mediation_agreements", label=("生效调解协议数", "Mediation agreements in effect"),
        unit="count",
        numerator=EventRule({"self_governance.agreement_effective"},
                            "self_governance.agreement_effective events")),
    MetricDefinition(
        key="agreement_performance_rate", label=("调解协议履行率", "Agreements performed"),
        unit="percent",
        numerator=EventRule({"self_governance.performance"}, "follow-ups finding it performed",
                            lambda f: f.data.get("result") == "performed"),
        denominator=EventRule({"self_governance.performance"},
                              "follow-ups finding it performed or not performed",
                              lambda f: f.data.get("result") in ("performed", "not_performed"))),
    MetricDefinition(
        key="patrol_hazard_cases", label=("巡查发现隐患数", "Hazards found on patrol"), unit="count",
        numerator=EventRule({"reported"}, "reported events of cases opened by a patrol",
                            _source("patrol"))),
    MetricDefinition(
        key="patrol_coverage_rate", label=("网格巡查覆盖率(周)", "Patrol coverage per grid-week"),
        unit="percent", compute=_patrol_coverage, compute_many=_patrol_coverage_many,
        dimensions=AREA_PERIOD,
        compute_doc="grid-weeks with at least one patrol ÷ grid-weeks (grids in the area × "
                    "Monday–Sunday weeks of the period)"),
    MetricDefinition(
        key="courtyard_matters", label=("院落互助联盟化解小事数", "Courtyard alliance matters"),
        unit="count",
        numerator=EventRule({"reported"}, "reported events of courtyard_alliance cases",
                            _source("courtyard_alliance"))),
    MetricDefinition(
        key="courtyard_satisfaction_rate", label=("院落互助满意率",
                                                  "Courtyard alliance satisfaction"),
        unit="percent",
        numerator=EventRule({"callback"}, "callbacks on courtyard_alliance cases rated satisfied "
                            "or basically satisfied",
                            lambda f: f.source == "courtyard_alliance"
                            and f.data.get("satisfaction") in SATISFIED),
        denominator=EventRule({"callback"}, "rated callbacks on courtyard_alliance cases",
                              lambda f: f.source == "courtyard_alliance"
                              and f.data.get("satisfaction") in RATED),
        once_per_case=True),  # the last callback decides, as in satisfaction_rate
    MetricDefinition(
        key="citizens_sunday_matters", label=("百姓星期天收集诉求数", "Matters raised on Citizens' Sunday"),
        unit="count",
        numerator=EventRule({"reported"}, "reported events of citizens_sunday cases",
                            _source("citizens_sunday"))),
    MetricDefinition(
        key="citizens_sunday_events", label=("百姓星期天活动场次", "Citizens' Sunday events"),
        unit="count", compute=_sunday_events, dimensions=AREA_PERIOD,
        compute_doc="Citizens' Sunday events held in the area in the period"),
    MetricDefinition(
        key="citizens_sunday_attendance", label=("百姓星期天参与人次", "Citizens' Sunday attendance"),
        unit="count", compute=_sunday_attendance, dimensions=AREA_PERIOD,
        compute_doc="people attending Citizens' Sunday events in the area in the period"),
]
