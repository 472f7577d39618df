"""Metric definitions: a formula over case events that the core computes, rolls up and drills down.

A *flow* metric counts events: ``numerator`` (and, for a rate, ``denominator``) are :class:`EventRule`s;
each event either counts 1 or 0 towards each. A *gauge* (e.g. overdue now) is a count over the current
case states instead, computed on demand: ``gauge_where`` is a condition on the ``cases`` table, and
the core both counts and drills down the cases that meet it (so the figure and its drill-down
cannot disagree). A *computed* metric is a period figure a plugin counts
from its own records (e.g. patrol coverage per grid per week): ``compute(deployment, area_code,
period)`` returns ``(numerator, denominator)``; it has no rollup and no case drill-down.

A flow metric counts either *events* (the default: a case escalated twice is two escalations) or,
with ``once_per_case``, *cases*: each case counts once, by its latest event that contributes to
either part (the last callback decides the satisfaction, the final outcome the mediation success),
in that event's period. So 20 callbacks on one case count one case, a case that failed, was
reopened and then resolved counts once, as resolved, and a figure equals the length of its
drill-down by construction (see :func:`latest_counted`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from suyuan_core.domain.areas import Level
from suyuan_core.domain.labels import Label, label
from suyuan_core.domain.lifecycle import Status
from suyuan_core.domain.rules import identifier, non_empty, one_of
from suyuan_core.errors import ValidationError

UNITS = frozenset({"count", "percent"})
DIMENSIONS = frozenset({"area", "period", "category", "source"})
PERIODS = ("day", "week", "month", "quarter", "year")


@attrs.frozen
class EventFacts:
    """What a metric formula sees of one event: the event plus the case as it was around it."""

    case_id: int
    kind: str
    occurred_at: dt.datetime
    data: dict[str, Any]
    status_before: Status | None
    status_after: Status | None
    level_before: Level | None
    level: Level
    area_code: str
    category: str
    source: str
    case_kind: str
    deadline: dt.datetime | None
    #: the case is merged into another as a duplicate (DOMAIN-RULES §3: merged children leave the
    #: denominators and numerators). Metrics ignore such events unless ``counts_merged``.
    merged: bool = False
    #: the event's number within its case (``case_events.seq``): which of a case's events is its
    #: latest, for the metrics that count each case once.
    seq: int = 0


def _kinds(value: str | Iterable[str]) -> frozenset[str]:
    return frozenset([value] if isinstance(value, str) else value)


@attrs.frozen
class EventRule:
    """Counts an event when its kind is in ``kinds`` and ``where`` (if any) holds.

    ``doc`` says the rule in words; it is what the metric reference prints.
    """

    kinds: frozenset[str] = attrs.field(converter=_kinds)
    doc: str = attrs.field(validator=non_empty)
    where: Callable[[EventFacts], bool] | None = None

    def counts(self, facts: EventFacts) -> bool:
        return facts.kind in self.kinds and (self.where is None or self.where(facts))


@attrs.frozen
class MetricDefinition:
    """A figure suyuan can show: key, bilingual label, unit, formula and the dimensions it splits by."""

    key: str = attrs.field(validator=identifier)
    label: Label = attrs.field(converter=label)
    unit: str = attrs.field(validator=one_of(UNITS))
    numerator: EventRule | None = None
    denominator: EventRule | None = None
    #: for gauges: ``(c, at) →`` a SQLAlchemy condition on ``suyuan_core.tables.cases.c``; ``at``
    #: is the moment asked about as stored (naive UTC, like ``c.deadline``). The core adds the
    #: area and leaves out merged duplicates; it counts the matching cases and drills down to
    #: exactly them. E.g. ``lambda c, at: c.status.in_(["assigned"]) & (c.deadline < at)``.
    gauge_where: Callable[[Any, dt.datetime], Any] | None = None
    #: a gauge counted by a function instead: ``(deployment, area_code, at) →`` the figure; it
    #: must come with ``drill``: ``(deployment, area_code, at) →`` the ids of the cases counted.
    gauge: Callable[..., int] | None = None
    drill: Callable[..., list[int]] | None = None
    gauge_doc: str = ""
    #: for computed metrics: (deployment, area_code, period) → (numerator, denominator), read from
    #: the provider's own tables on demand; split by area and period only.
    compute: Callable[..., tuple[int, int]] | None = None
    #: optionally, the same for many areas in one go: ``(deployment, area_codes, period) →``
    #: ``{area_code: (numerator, denominator)}`` — what a dashboard's table of areas ×
    #: metrics calls (:meth:`MetricService.figures`) instead of ``compute`` once per area.
    compute_many: Callable[..., Mapping[str, tuple[int, int]]] | None = None
    compute_doc: str = ""
    #: a computed metric's drill-down: ``(deployment, area_code, period, part) →`` the records
    #: its numerator (``part="numerator"``) or denominator counts, as references
    #: ``"<kind>:<id>"`` (e.g. ``"ledger:12"``) — exactly those, so a figure of 3 lists 3 records
    #: (for a sum, such as hours, the records summed). Served by ``MetricService.records``,
    #: ``GET /api/v1/metrics/{key}/records`` and ``suyuan metrics drill``.
    records: Callable[..., list[str]] | None = None
    dimensions: frozenset[str] = attrs.field(default=DIMENSIONS, converter=_kinds)
    provider: str = "suyuan_core"
    #: count events of cases merged into another (default: a merged duplicate counts nowhere).
    counts_merged: bool = False
    #: count cases, not events: each case counts once, by its latest event that contributes to
    #: the numerator or the denominator, in that event's period — so repeating an action (a
    #: second callback, a resolve after a fail and a reopen) moves the case's contribution instead
    #: of adding one. Default ``False``: every matching event counts (escalations, sessions).
    once_per_case: bool = False

    def __attrs_post_init__(self) -> None:
        formulas = [f for f in (self.numerator, self.gauge_where, self.gauge, self.compute)
                    if f is not None]
        if len(formulas) != 1:
            raise ValidationError(f"metric {self.key}: give exactly one of a numerator, a "
                                  "gauge_where, a gauge or a compute function",
                                  field="MetricDefinition.numerator", rule="formula")
        if self.gauge is not None and self.drill is None:
            raise ValidationError(f"metric {self.key}: a gauge must drill down to the cases it "
                                  "counts", field="MetricDefinition.drill", rule="drill",
                                  hint="declare gauge_where=lambda c, at: <condition on cases> "
                                       "(the core counts and drills it), or pass drill=")
        if self.compute_many is not None and self.compute is None:
            raise ValidationError(f"metric {self.key}: compute_many= is the batch form of "
                                  "compute=; give compute= too", field="MetricDefinition.compute",
                                  rule="formula")
        if self.records is not None and self.compute is None:
            raise ValidationError(f"metric {self.key}: records= drills down a computed metric; "
                                  "an event or gauge metric drills down to its cases by itself",
                                  field="MetricDefinition.records", rule="records",
                                  hint="drop records=, or give compute=")
        if self.compute is not None and set(self.dimensions) & {"category", "source"}:
            raise ValidationError(f"metric {self.key}: a computed metric splits by area and "
                                  "period only", field="MetricDefinition.dimensions",
                                  rule="dimension", hint='pass dimensions={"area", "period"}')
        if self.unit == "percent" and self.numerator is not None and self.denominator is None:
            raise ValidationError(f"metric {self.key}: a percent needs a denominator",
                                  field="MetricDefinition.denominator", rule="formula")
        unknown = set(self.dimensions) - DIMENSIONS
        if unknown:
            raise ValidationError(f"metric {self.key}: unknown dimensions {sorted(unknown)}",
                                  field="MetricDefinition.dimensions", rule="one_of")

    @property
    def is_gauge(self) -> bool:
        return self.gauge is not None or self.gauge_where is not None

    @property
    def is_computed(self) -> bool:
        return self.compute is not None

    @property
    def kinds(self) -> frozenset[str]:
        """Every event kind this metric looks at."""
        found: set[str] = set()
        for rule in (self.numerator, self.denominator):
            if rule is not None:
                found |= rule.kinds
        return frozenset(found)

    def contribution(self, facts: EventFacts) -> tuple[int, int]:
        if facts.merged and not self.counts_merged:
            return 0, 0
        num = 1 if self.numerator is not None and self.numerator.counts(facts) else 0
        den = 1 if self.denominator is not None and self.denominator.counts(facts) else 0
        return num, den

    def counted(self, facts: EventFacts, latest: Mapping[tuple[str, int], int]) -> tuple[int, int]:
        """``facts``' contribution as the figure counts it: for a ``once_per_case`` metric only
        the case's latest contributing event counts (``latest``: see :func:`latest_counted`)."""
        if self.once_per_case and latest.get((self.key, facts.case_id)) != facts.seq:
            return 0, 0
        return self.contribution(facts)

    def value(self, num: int, den: int) -> float | int | None:
        if self.unit == "count":
            return num
        return None if den == 0 else round(100.0 * num / den, 2)


#: ``(metric key, case id) →`` the ``seq`` of the case's event that the metric counts.
Latest = dict[tuple[str, int], int]


def latest_counted(metrics: Iterable[MetricDefinition], facts: Iterable[EventFacts]) -> Latest:
    """For each ``once_per_case`` metric and case in ``facts``, the seq of the case's latest event
    that contributes to it — the one event of the case the metric counts. ``facts`` must hold
    every event of those cases of the metrics' kinds (a case's whole history, or the rows read
    back for the cases of a batch), in any order."""
    once = [(m, m.kinds) for m in metrics if m.once_per_case]
    found: Latest = {}
    if not once:
        return found
    for f in facts:
        for m, kinds in once:
            if f.kind in kinds and any(m.contribution(f)):
                key = (m.key, f.case_id)
                if found.get(key, -1) < f.seq:
                    found[key] = f.seq
    return found
