"""The core's metric definitions. The formulas are documented in docs/metrics.md; keep both in step.

Cases or events (issue 14): a rate over a case's outcome counts each case once, by its latest
contributing event (``once_per_case``) — the last callback decides the satisfaction, the final
outcome the mediation success, the last close the on-time and settled-where rates, and a case
closed, reopened and closed again is one case closed. ``cases_received`` counts reported events
(one per case by construction) and ``escalations`` counts every escalation (a case escalated from
the community to the town and on to the county was escalated twice).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_

from suyuan_core.domain.areas import COMMUNITY_LEVELS, Level
from suyuan_core.domain.lifecycle import OPEN_STATUSES, Status
from suyuan_core.domain.metrics import EventFacts, EventRule, MetricDefinition

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


def _open(c: Any, at: dt.datetime) -> Any:
    return c.status.in_([s.value for s in OPEN_STATUSES])


def _overdue(c: Any, at: dt.datetime) -> Any:
    return and_(_open(c, at), c.deadline < at)


TOWN_AND_BELOW = frozenset(COMMUNITY_LEVELS | {Level.town})

CORE_METRICS = [
    MetricDefinition(
        key="cases_received", label=("受理案件数", "Cases received"), unit="count",
        numerator=EventRule({"reported"}, "reported events (a case is registered)")),
    MetricDefinition(
        key="cases_closed", label=("办结案件数", "Cases closed"), unit="count",
        numerator=EventRule({"close"}, "close events"),
        once_per_case=True),
    MetricDefinition(
        key="on_time_rate", label=("按时办结率", "On-time rate"), unit="percent",
        numerator=EventRule({"close"}, "close events at or before the case's deadline",
                            _closed_on_time),
        denominator=EventRule({"close"}, "close events of cases that had a deadline",
                              lambda f: f.deadline is not None),
        once_per_case=True),
    MetricDefinition(
        key="mediation_success_rate", label=("调解成功率", "Mediation success rate"),
        unit="percent",
        numerator=EventRule({"resolve"}, "resolve events of disputes (调解成功)", _dispute),
        denominator=EventRule({"resolve", "fail"},
                              "resolve and fail events of disputes (调解成功 + 调解不成)", _dispute),
        once_per_case=True),
    MetricDefinition(
        key="satisfaction_rate", label=("满意率", "Satisfaction rate"), unit="percent",
        numerator=EventRule({"callback"}, "callbacks rated satisfied or basically satisfied",
                            lambda f: f.data.get("satisfaction") in SATISFIED),
        denominator=EventRule({"callback"}, "callbacks with a rating",
                              lambda f: f.data.get("satisfaction") in RATED),
        once_per_case=True),
    MetricDefinition(
        key="settled_at_community_rate", label=("小事不出社区率", "Settled in the community"),
        unit="percent", numerator=_settled_at(frozenset(COMMUNITY_LEVELS)),
        denominator=EventRule({"close"}, "close events"),
        once_per_case=True),
    MetricDefinition(
        key="settled_in_town_rate", label=("大事不出镇街率", "Settled in the town"),
        unit="percent", numerator=_settled_at(TOWN_AND_BELOW),
        denominator=EventRule({"close"}, "close events"),
        once_per_case=True),
    MetricDefinition(
        key="escalations", label=("上报升级数", "Escalations"), unit="count",
        numerator=EventRule({"escalate"}, "escalate events")),
    MetricDefinition(
        key="overdue_now", label=("当前超期数", "Overdue now"), unit="count", gauge_where=_overdue,
        gauge_doc="open cases (reported, accepted, assigned, in progress) whose deadline has passed",
        dimensions=frozenset({"area"})),
    MetricDefinition(
        key="open_now", label=("在办案件数", "Open now"), unit="count", gauge_where=_open,
        gauge_doc="open cases (reported, accepted, assigned, in progress)", dimensions=frozenset({"area"})),
]
