"""The pillar's figures. Participation is counted from the ``co_governance.participation`` case
events (so it drills down to the cases, like every core figure); the ledger, the committees'
caseload, the Party groups and the service hours are computed from the pillar's own records,
and each has its own list behind it (``suyuan co-governance … list``, the API and the pages)."""

from __future__ import annotations

from typing import Any

from suyuan_core import Deployment, EventFacts, EventRule, MetricDefinition, Period

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


def _bodies(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_co_governance.party import Party

    return Party(deployment).bodies_figure(area_code)


def _branches(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_co_governance.party import branch_coverage

    return branch_coverage(deployment, area_code)


def _within_trade(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_co_governance.ledger import Ledger

    return Ledger(deployment).closed_in(area_code, period)


def _overdue(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_co_governance.ledger import Ledger

    ledger = Ledger(deployment)
    path = deployment.areas.tree.path(area_code)
    return len(ledger.overdue([path])), 0


def _caseload(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_co_governance.committees import Committees

    return Committees(deployment).totals(area_code, period)[0], 0


def _committee_success(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_co_governance.committees import Committees

    _, resolved, settled = Committees(deployment).totals(area_code, period)
    return resolved, settled


def _hours(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_co_governance.social import SocialForces

    return SocialForces(deployment).hours_total(area_code, period)


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
        unit="percent", compute=_bodies, dimensions=AREA_PERIOD,
        compute_doc="mediation bodies (settings.mediation_body_kinds) in the area with a Party "
                    "group hosted in them ÷ mediation bodies in the area, as they stand now"),
    MetricDefinition(
        key="communities_with_party_org", label=("村(社区)党组织覆盖率",
                                                 "Communities with a Party organisation"),
        unit="percent", compute=_branches, dimensions=AREA_PERIOD,
        compute_doc="villages/communities in the area with a Party organisation (branch) ÷ "
                    "villages/communities in the area, as they stand now"),
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
        unit="count", compute=_hours, dimensions=AREA_PERIOD,
        compute_doc="whole hours of volunteer service entries served in the area in the period "
                    "(the denominator is the number of entries)"),
    MetricDefinition(
        key="industry_committee_caseload", label=("行业调解委员会受理案件数",
                                                  "Cases taken by industry committees"),
        unit="count", compute=_caseload, dimensions=AREA_PERIOD,
        compute_doc="cases in the area assigned to an industry committee in the period"),
    MetricDefinition(
        key="industry_committee_success_rate", label=("行业调解成功率",
                                                      "Industry committee success rate"),
        unit="percent", compute=_committee_success, dimensions=AREA_PERIOD,
        compute_doc="of the cases assigned to industry committees in the period, resolved ÷ "
                    "(resolved + unresolved)"),
    MetricDefinition(
        key="land_ledger_settled_within_trade", label=("征地拆迁止诉于行业率",
                                                       "Land issues settled within the trade"),
        unit="percent", compute=_within_trade, dimensions=AREA_PERIOD,
        compute_doc="land-ledger issues closed out (销号) in the period without a lawsuit ÷ "
                    "issues closed out in the period"),
    MetricDefinition(
        key="land_ledger_overdue", label=("征地拆迁台账逾期未销号", "Land ledger issues overdue"),
        unit="count", compute=_overdue, dimensions=AREA_PERIOD,
        compute_doc="open land-ledger issues in the area past their deadline today"),
]
