"""The core's metric definitions. The formulas are documented in docs/metrics.md; keep both in step."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from suyuan_core.domain.areas import COMMUNITY_LEVELS, Level
from suyuan_core.domain.lifecycle import OPEN_STATUSES, Status
from suyuan_core.domain.metrics import EventFacts, EventRule, MetricDefinition
from suyuan_core.storage import tables
from suyuan_core.storage.paths import under

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

SATISFIED = frozenset({"satisfied", "basically_satisfied"})
RATED = SATISFIED | {"dissatisfied"}


def _dispute(f: EventFacts) -> bool:
    """Mediation is for disputes; an appeal (12345 order) that is resolved was handled, not mediated."""
    return f.case_kind == "dispute"


def _closed_on_time(f: EventFacts) -> bool:
    return f.deadline is not None and f.occurred_at <= f.deadline


def _settled_at(levels: frozenset[Level]) -> EventRule:
    def where(f: EventFacts) -> bool:
        return f.status_before is Status.resolved and f.level in levels
    names = ", ".join(sorted(level.name for level in levels))
    return EventRule({"close"}, f"close events of cases resolved while handled at {names}", where)


def _open_cases(deployment: Deployment, area_code: str, at: dt.datetime,
                overdue: bool) -> int:
    c = tables.cases.c
    query = select(func.count()).where(under(c.area_path, deployment.areas.tree.path(area_code)),
                                       c.status.in_([s.value for s in OPEN_STATUSES]),
                                       c.merged_into.is_(None))
    if overdue:
        query = query.where(c.deadline < at.astimezone(dt.UTC).replace(tzinfo=None))
    with deployment.reading() as session:
        return int(session.scalar(query) or 0)


def overdue_now(deployment: Deployment, area_code: str, at: dt.datetime) -> int:
    return _open_cases(deployment, area_code, at, overdue=True)


def open_now(deployment: Deployment, area_code: str, at: dt.datetime) -> int:
    return _open_cases(deployment, area_code, at, overdue=False)


TOWN_AND_BELOW = frozenset(COMMUNITY_LEVELS | {Level.town})

CORE_METRICS = [
    MetricDefinition(
        key="cases_received", label=("受理案件数", "Cases received"), unit="count",
        numerator=EventRule({"reported"}, "reported events (a case is registered)")),
    MetricDefinition(
        key="cases_closed", label=("办结案件数", "Cases closed"), unit="count",
        numerator=EventRule({"close"}, "close events")),
    MetricDefinition(
        key="on_time_rate", label=("按时办结率", "On-time rate"), unit="percent",
        numerator=EventRule({"close"}, "close events at or before the case's deadline",
                            _closed_on_time),
        denominator=EventRule({"close"}, "close events of cases that had a deadline",
                              lambda f: f.deadline is not None)),
    MetricDefinition(
        key="mediation_success_rate", label=("调解成功率", "Mediation success rate"),
        unit="percent",
        numerator=EventRule({"resolve"}, "resolve events of disputes (调解成功)", _dispute),
        denominator=EventRule({"resolve", "fail"},
                              "resolve and fail events of disputes (调解成功 + 调解不成)", _dispute)),
    MetricDefinition(
        key="satisfaction_rate", label=("满意率", "Satisfaction rate"), unit="percent",
        numerator=EventRule({"callback"}, "callbacks rated satisfied or basically satisfied",
                            lambda f: f.data.get("satisfaction") in SATISFIED),
        denominator=EventRule({"callback"}, "callbacks with a rating",
                              lambda f: f.data.get("satisfaction") in RATED)),
    MetricDefinition(
        key="settled_at_community_rate", label=("小事不出社区率", "Settled in the community"),
        unit="percent", numerator=_settled_at(frozenset(COMMUNITY_LEVELS)),
        denominator=EventRule({"close"}, "close events")),
    MetricDefinition(
        key="settled_in_town_rate", label=("大事不出镇街率", "Settled in the town"),
        unit="percent", numerator=_settled_at(TOWN_AND_BELOW),
        denominator=EventRule({"close"}, "close events")),
    MetricDefinition(
        key="escalations", label=("上报升级数", "Escalations"), unit="count",
        numerator=EventRule({"escalate"}, "escalate events")),
    MetricDefinition(
        key="overdue_now", label=("当前超期数", "Overdue now"), unit="count", gauge=overdue_now,
        gauge_doc="open cases (reported, accepted, assigned, in progress) whose deadline has passed",
        dimensions=frozenset({"area"})),
    MetricDefinition(
        key="open_now", label=("在办案件数", "Open now"), unit="count", gauge=open_now,
        gauge_doc="open cases (reported, accepted, assigned, in progress)", dimensions=frozenset({"area"})),
]
