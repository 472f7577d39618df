"""The pillar's figures. Participation is counted from the ``co_governance.participation`` case
events (so it drills down to the cases, like every core figure); the ledger, the committees'
caseload, the Party groups and the service hours are computed from the pillar's own records,
and each drills down to the records it counts (``MetricDefinition.records``: ``suyuan
metrics drill``, ``GET /api/v1/metrics/{key}/records``). A standing figure (bodies with a Party
group, issues overdue) is taken on the period's last day, so last May's figure stays last May's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from suyuan_core import Deployment, EventFacts, EventRule, MetricDefinition, Period, times

AREA_PERIOD: Any = frozenset({"area", "period"})  # MetricDefinition converts it
EVENT = "co_governance.participation"


def _first_party(f: EventFacts) -> bool:
    return bool(f.data.get("first_party"))


def _party(f: EventFacts) -> bool:
    return f.data.get("force") == "party_member"


def _social(f: EventFacts) -> bool:
    return f.data.get("force") not in (None, "party_member")


def _first_social(f: EventFacts) -> bool:
    return _social(f) and bool(f.data.get("first_of_force"))


as_of = times.standing_day


Records = tuple[list[str], list[str]]


def _count(records: Callable[[Deployment, str, Period], Records]) -> Any:
    """compute= from a records function: the figure is the number of records behind it."""
    return lambda d, area, period: tuple(len(x) for x in records(d, area, period))


def _drill(records: Callable[[Deployment, str, Period], Records]) -> Any:
    """records= from the same function, so a figure and its drill-down cannot disagree."""
    return lambda d, area, period, part: records(d, area, period)[part != "numerator"]


def _bodies(d: Deployment, area_code: str, period: Period) -> Records:
    from suyuan_co_governance.party import Party

    found = Party(d).bodies(area_code, on=as_of(d, period))
    return ([f"organisation:{b['external_id']}" for b in found if b["party_group"]],
            [f"organisation:{b['external_id']}" for b in found])


def _branches(d: Deployment, area_code: str, period: Period) -> Records:
    from suyuan_co_governance.party import branch_coverage

    have, communities = branch_coverage(d, area_code, on=as_of(d, period))
    return [f"area:{c}" for c in have], [f"area:{c}" for c in communities]


def _within_trade(d: Deployment, area_code: str, period: Period) -> Records:
    from suyuan_co_governance.ledger import Ledger

    closed = Ledger(d).closed_in(area_code, period)
    return ([f"ledger:{i}" for i, lawsuit in closed if not lawsuit],
            [f"ledger:{i}" for i, _ in closed])


def _overdue(d: Deployment, area_code: str, period: Period) -> Records:
    from suyuan_co_governance.ledger import Ledger

    return [f"ledger:{i}" for i in Ledger(d).overdue_on(area_code, as_of(d, period))], []


def _caseload(d: Deployment, area_code: str, period: Period) -> Records:
    from suyuan_co_governance.committees import Committees

    return [f"case:{r.case_id}" for r in Committees(d).received(area_code, period)], []


def _committee_success(d: Deployment, area_code: str, period: Period) -> Records:
    from suyuan_co_governance.committees import Committees

    rows = Committees(d).received(area_code, period)
    return ([f"case:{r.case_id}" for r in rows if r.result == "resolved"],
            [f"case:{r.case_id}" for r in rows if r.result in ("resolved", "unresolved")])


def _hours(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_co_governance.social import SocialForces

    return SocialForces(deployment).hours_total(area_code, period)


def _hours_entries(d: Deployment, area_code: str, period: Period, part: str) -> list[str]:
    """The hours entries summed (numerator) and counted (denominator)."""
    from suyuan_co_governance.social import SocialForces

    return [f"hours:{i}" for i in SocialForces(d).hours_entries(area_code, period)]


METRICS = [
    MetricDefinition(
        key="cases_with_party_participation", label=("党员参与化解案件数",
                                                     "Cases with Party-member participation"),
        unit="count",
        numerator=EventRule({EVENT}, "the first co_governance.participation event of a Party "
                            "member in each case", _first_party)),
    MetricDefinition(
        key="party_member_participations", label=("党员参与人次", "Party-member participations"),
        unit="count",
        numerator=EventRule({EVENT}, "co_governance.participation events of Party members",
                            _party)),
    MetricDefinition(
        key="mediation_bodies_with_party_group", label=("建立党组织的调解组织占比",
                                                        "Mediation bodies with a Party group"),
        unit="percent", compute=_count(_bodies), records=_drill(_bodies),
        dimensions=AREA_PERIOD,
        compute_doc="mediation bodies (settings.mediation_body_kinds) in the area with a Party "
                    "group hosted in them ÷ mediation bodies in the area, on the period's last day (today "
                    "while it runs)"),
    MetricDefinition(
        key="communities_with_party_org", label=("村(社区)党组织覆盖率",
                                                 "Communities with a Party organisation"),
        unit="percent", compute=_count(_branches), records=_drill(_branches),
        dimensions=AREA_PERIOD,
        compute_doc="villages/communities in the area with a Party organisation (branch) ÷ "
                    "villages/communities in the area, on the period's last day (today while "
                    "it runs)"),
    MetricDefinition(
        key="social_force_participations", label=("社会力量参与人次",
                                                  "Social-force participations"),
        unit="count",
        numerator=EventRule({EVENT}, "co_governance.participation events of social forces "
                            "(everyone but Party members)", _social)),
    MetricDefinition(
        key="cases_with_social_participation", label=("社会力量参与案件数",
                                                      "Cases with social-force participation"),
        unit="count",
        numerator=EventRule({EVENT}, "the first co_governance.participation event of each "
                            "social force in each case", _first_social)),
    MetricDefinition(
        key="volunteer_service_hours", label=("志愿服务时长(小时)", "Volunteer service hours"),
        unit="count", compute=_hours, records=_hours_entries, dimensions=AREA_PERIOD,
        compute_doc="whole hours of volunteer service entries served in the area in the period "
                    "(the denominator is the number of entries)"),
    MetricDefinition(
        key="industry_committee_caseload", label=("行业调解委员会受理案件数",
                                                  "Cases taken by industry committees"),
        unit="count", compute=_count(_caseload), records=_drill(_caseload),
        dimensions=AREA_PERIOD,
        compute_doc="cases in the area assigned to an industry committee in the period"),
    MetricDefinition(
        key="industry_committee_success_rate", label=("行业调解成功率",
                                                      "Industry committee success rate"),
        unit="percent", compute=_count(_committee_success), records=_drill(_committee_success),
        dimensions=AREA_PERIOD,
        compute_doc="of the cases assigned to industry committees in the period, resolved ÷ "
                    "(resolved + unresolved)"),
    MetricDefinition(
        key="land_ledger_settled_within_trade", label=("征地拆迁止诉于行业率",
                                                       "Land issues settled within the trade"),
        unit="percent", compute=_count(_within_trade), records=_drill(_within_trade),
        dimensions=AREA_PERIOD,
        compute_doc="land-ledger issues closed out (销号) in the period without a lawsuit ÷ "
                    "issues closed out in the period"),
    MetricDefinition(
        key="land_ledger_overdue", label=("征地拆迁台账逾期未销号", "Land ledger issues overdue"),
        unit="count", compute=_count(_overdue), records=_drill(_overdue),
        dimensions=AREA_PERIOD,
        compute_doc="land-ledger issues in the area open and past their deadline on the "
                    "period's last day (today while it runs)"),
]
