"""Figures, breakdowns, series and drill-downs — all read from rollups or events."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import and_, exists, func, select, tuple_

from suyuan_core import times
from suyuan_core.domain.metrics import EventFacts, Latest, MetricDefinition
from suyuan_core.errors import NotFound, ValidationError
from suyuan_core.metrics.periods import Period
from suyuan_core.metrics.rollup import ALL, FACT_COLUMNS, Key, facts_from_row
from suyuan_core.storage import tables
from suyuan_core.storage.paths import under

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

BY = ("category", "source", "area", "period")


@attrs.frozen
class Figure:
    """One metric's figure for an area and period (and, when split, a category or source).

    ``num`` is the **numerator** (the events counted, or a gauge's count) and ``den`` the
    **denominator** of a rate (0 for a count); ``value`` is what is shown: the count, or
    ``num / den × 100`` for a rate (None when ``den`` is 0). The API's ``FigureOut`` carries the
    same names; :attr:`numerator` / :attr:`denominator` spell them out."""

    metric: str
    area_code: str
    period: str
    num: int
    den: int
    value: float | int | None
    category: str | None = None
    source: str | None = None

    @property
    def numerator(self) -> int:
        """``num``: what the metric's numerator rule counted."""
        return self.num

    @property
    def denominator(self) -> int:
        """``den``: what the denominator rule counted (0 for a count)."""
        return self.den

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


class MetricService:
    """Figures from the rollups, breakdowns, drill-downs to the cases counted, and verification
    against the events (``deployment.metric_service``)."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.tz = zoneinfo.ZoneInfo(deployment.config.core.deployment.timezone)

    def definition(self, key: str) -> MetricDefinition:
        """The registered metric ``key``; 404 listing the known keys."""
        found = self.deployment.metrics.get(key)
        if found is None:
            raise NotFound(f"no metric {key!r}", field="metric", rule="exists",
                           hint="known: " + ", ".join(self.deployment.metrics.codes()))
        return found

    def _check_dims(self, m: MetricDefinition, category: str | None, source: str | None) -> None:
        for name, value in (("category", category), ("source", source)):
            if value is not None and name not in m.dimensions:
                raise ValidationError(f"metric {m.key} cannot be split by {name}", field=name,
                                      rule="dimension")

    def figure(self, key: str, area_code: str, period: Period, *, category: str | None = None,
               source: str | None = None, at: dt.datetime | None = None) -> Figure:
        """One figure, read from the rollup (a flow metric) or the current cases (a gauge)."""
        m = self.definition(key)
        self.deployment.areas.tree.get(area_code)
        self._check_dims(m, category, source)
        if m.gauge_where is not None:
            query = select(func.count()).where(self._gauge_where(m, area_code, at))
            with self.deployment.reading() as session:
                value = int(session.scalar(query) or 0)
            return Figure(key, area_code, str(period), value, 0, value, category, source)
        if m.gauge is not None:
            value = m.gauge(self.deployment, area_code, at or times.now())
            return Figure(key, area_code, str(period), value, 0, value, category, source)
        if m.compute is not None:
            num, den = m.compute(self.deployment, area_code, period)
            return Figure(key, area_code, str(period), int(num), int(den),
                          m.value(int(num), int(den)))
        grain, starts = period.rollup_keys()
        if not self._stored(area_code, grain, category, source):
            num, den = self._from_events(m, area_code, period, category, source)
            return Figure(key, area_code, str(period), num, den, m.value(num, den),
                          category, source)
        with self.deployment.read_connection() as conn:
            num, den = self.deployment.rollup.sums(conn, key, area_code, grain, starts[0],
                                                   starts[-1], category, source)
        return Figure(key, area_code, str(period), int(num), int(den), m.value(int(num), int(den)),
                      category, source)

    def figures(self, keys: Sequence[str], area_codes: Sequence[str],
                period: Period) -> dict[tuple[str, str], Figure]:
        """Every ``(key, area_code)`` figure of a table of metrics × areas (a dashboard panel's
        row per child area), batched: the rollup lookups share one read connection, a computed
        metric with ``compute_many`` is asked once for all the areas; the rest (gauges, grids
        counted from their events) are read as :meth:`figure` does. Same values as
        :meth:`figure`, one by one."""
        tree = self.deployment.areas.tree
        for code in area_codes:
            tree.get(code)
        defs = [self.definition(k) for k in keys]
        out: dict[tuple[str, str], Figure] = {}
        grain, starts = period.rollup_keys()
        rolled = [(m, c) for m in defs if m.numerator is not None for c in area_codes
                  if self._stored(c, grain, None, None)]
        if rolled:
            with self.deployment.read_connection() as conn:
                for m, code in rolled:
                    num, den = self.deployment.rollup.sums(conn, m.key, code, grain, starts[0],
                                                           starts[-1], None, None)
                    out[(m.key, code)] = Figure(m.key, code, str(period), int(num), int(den),
                                                m.value(int(num), int(den)))
        for m in defs:
            if m.compute_many is not None and area_codes:
                many = m.compute_many(self.deployment, list(area_codes), period)
                for code in area_codes:
                    num, den = (int(x) for x in many.get(code, (0, 0)))
                    out[(m.key, code)] = Figure(m.key, code, str(period), num, den,
                                                m.value(num, den))
            for code in area_codes:
                if (m.key, code) not in out:
                    out[(m.key, code)] = self.figure(m.key, code, period)
        return out

    def _stored(self, area_code: str, grain: str, category: str | None,
                source: str | None) -> bool:
        """Whether the rollups hold this figure (see ``metrics/rollup.py``): else it is counted
        from the area's events, a small area or a short period."""
        level = self.deployment.areas.tree.get(area_code).level
        return self.deployment.rollup.served(level, grain, category, source)

    def _from_events(self, m: MetricDefinition, area_code: str, period: Period,
                     category: str | None, source: str | None) -> tuple[int, int]:
        """A grid's or micro-grid's figure, counted from its events by the metric's formula."""
        num = den = 0
        events = self.events(m.kinds, area_code, period, category, source, merged=False)
        for batch, latest in self.counted_batches(events, m):
            for f in batch:
                n, d = m.counted(f, latest)
                num, den = num + n, den + d
        return num, den

    def counted_batches(self, facts: Iterable[EventFacts], m: MetricDefinition | None = None,
                        size: int = 5000) -> Iterator[tuple[list[EventFacts], Latest]]:
        """``facts`` (a stream from :meth:`events`) in batches, each with which event of its
        cases every ``once_per_case`` metric counts, read per batch so memory stays bounded
        (nothing is read for ``m`` when it counts events). For a reader that sums a figure from
        events itself: ``m.counted(f, latest)`` is each event's contribution as the rollups
        count it."""
        need = m is None or m.once_per_case
        batch: list[EventFacts] = []
        for f in facts:
            batch.append(f)
            if len(batch) >= size:
                yield batch, self._latest(batch) if need else {}
                batch = []
        if batch:
            yield batch, self._latest(batch) if need else {}

    def _latest(self, batch: list[EventFacts]) -> Latest:
        with self.deployment.read_connection() as conn:
            return self.deployment.rollup.latest(conn, batch)

    def breakdown(self, key: str, area_code: str, period: Period, by: str) -> list[Figure]:
        """The figure split by category, source, child area, or the 12 periods up to this one."""
        m = self.definition(key)
        if by not in BY:
            raise ValidationError(f"cannot split by {by!r}", field="by", rule="one_of",
                                  hint="use " + ", ".join(BY))
        if by == "area":
            tree = self.deployment.areas.tree
            return [self.figure(key, child, period) for child in tree.children.get(area_code, [])]
        if by == "period":
            return [self.figure(key, area_code, period.previous(i)) for i in range(11, -1, -1)]
        if m.is_gauge:
            raise ValidationError(f"metric {key} is a current count; split it by area only",
                                  field="by", rule="dimension")
        if m.is_computed:
            raise ValidationError(f"metric {key} is computed from {m.provider}'s records; split it "
                                  "by area or period only", field="by", rule="dimension")
        grain, starts = period.rollup_keys()
        if not self._stored(area_code, grain, by if by == "category" else None,
                            by if by == "source" else None):  # a split is a filtered read
            split: dict[str, list[int]] = {}
            events = self.events(m.kinds, area_code, period, merged=False)
            for batch, latest in self.counted_batches(events, m):
                for f in batch:
                    n, d = m.counted(f, latest)
                    if n or d:
                        acc = split.setdefault(f.category if by == "category" else f.source,
                                               [0, 0])
                        acc[0], acc[1] = acc[0] + n, acc[1] + d
            return [Figure(key, area_code, str(period), n, d, m.value(n, d),
                           category=v if by == "category" else None,
                           source=v if by == "source" else None)
                    for v, (n, d) in sorted(split.items())]
        r = tables.metric_rollups.c
        column = r.category if by == "category" else r.source
        query = (select(column, func.sum(r.num), func.sum(r.den))
                 .where(r.metric == key, r.area_code == area_code, r.grain == grain,
                        r.period_start.between(starts[0], starts[-1]), column != ALL)
                 .group_by(column).order_by(column))
        with self.deployment.reading() as session:
            rows = session.execute(query).all()
        return [Figure(key, area_code, str(period), int(n), int(d), m.value(int(n), int(d)),
                       category=v if by == "category" else None,
                       source=v if by == "source" else None) for v, n, d in rows]

    def _utc_bounds(self, period: Period) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(period.start, dt.time(), self.tz)
        end = dt.datetime.combine(period.end, dt.time(), self.tz)
        return times.to_db(start), times.to_db(end)  # type: ignore[return-value]

    def events(self, kinds: frozenset[str] | None, area_code: str | None = None,
               period: Period | None = None, category: str | None = None,
               source: str | None = None, *, merged: bool = True) -> Iterator[EventFacts]:
        """Stream the events a formula looks at, oldest first. ``merged=False`` leaves out the
        events of cases merged into another right now (they count in no figure), in the query
        rather than in a set held in memory."""
        e = tables.case_events.c
        query = self._events_query(kinds, area_code, period, category, source, merged
                                   ).order_by(e.case_id, e.seq)
        with self.deployment.reading() as session:
            for row in session.execute(query.execution_options(yield_per=5000)):
                yield facts_from_row(row)

    def _events_query(self, kinds: frozenset[str] | None, area_code: str | None,
                      period: Period | None, category: str | None, source: str | None,
                      merged: bool) -> Any:
        e = tables.case_events.c
        query = select(*FACT_COLUMNS)
        if not merged:
            c = tables.cases.c
            query = query.where(~exists().where(c.id == e.case_id, c.merged_into.is_not(None)))
        if kinds is not None:
            query = query.where(e.kind.in_(sorted(kinds)))
        if area_code is not None:
            query = query.where(under(e.area_path, self.deployment.areas.tree.path(area_code)))
        if period is not None:
            start, end = self._utc_bounds(period)
            query = query.where(e.occurred_at >= start, e.occurred_at < end)
        if category is not None:
            query = query.where(e.category == category)
        if source is not None:
            query = query.where(e.source == source)
        return query

    def drill_page(self, key: str, area_code: str, period: Period, *,
                   category: str | None = None, source: str | None = None,
                   part: str = "numerator", before: int | None = None,
                   limit: int = 50) -> tuple[list[int], bool]:
        """One page of :meth:`drill`, newest case first: at most ``limit`` ids below ``before``,
        and whether more follow. The events are read backwards along their ``(case_id, seq)``
        index in chunks (keyset: each chunk starts below the last event read) until the page is
        full, so a page costs about its own cases' events — not the whole figure again."""
        m = self.definition(key)
        self._check_dims(m, category, source)
        rule = m.numerator if part == "numerator" else m.denominator
        if m.is_computed or part not in ("numerator", "denominator") or (
                m.gauge is not None):
            ids = sorted(self.drill(key, area_code, period, category=category, source=source,
                                    part=part), reverse=True)  # refuses, or a gauge's own drill
            below = [i for i in ids if before is None or i < before]
            return below[:limit], len(below) > limit
        if m.gauge_where is not None:
            c = tables.cases.c
            query = select(c.id).where(self._gauge_where(m, area_code, times.now()))
            if before is not None:
                query = query.where(c.id < before)
            with self.deployment.reading() as session:
                found = list(session.scalars(query.order_by(c.id.desc()).limit(limit + 1)))
            return found[:limit], len(found) > limit
        if rule is None:
            return [], False
        e = tables.case_events.c
        base = self._events_query(m.kinds, area_code, period, category, source, False)
        chunk = max(200, 8 * limit)
        position: tuple[int, int] | None = (before, 0) if before is not None else None
        found_ids: list[int] = []
        seen: set[int] = set()
        while len(found_ids) <= limit:
            query = base
            if position is not None:
                query = query.where(tuple_(e.case_id, e.seq) < tuple_(*position))
            with self.deployment.reading() as session:
                rows = session.execute(query.order_by(e.case_id.desc(), e.seq.desc())
                                       .limit(chunk)).all()
            if not rows:
                break
            position = (rows[-1].case_id, rows[-1].seq)
            facts = [facts_from_row(r) for r in rows]
            latest = self._latest(facts) if m.once_per_case else {}
            for f in facts:
                if f.case_id not in seen and rule.counts(f) and any(m.counted(f, latest)):
                    seen.add(f.case_id)
                    found_ids.append(f.case_id)
            if len(rows) < chunk:
                break
        found_ids.sort(reverse=True)
        return found_ids[:limit], len(found_ids) > limit

    def drill_count(self, key: str, area_code: str, period: Period, *,
                    category: str | None = None, source: str | None = None,
                    part: str = "numerator") -> int:
        """How many cases :meth:`drill` lists. Read from the figure when it counts each case
        once (``once_per_case``, or events that happen once a case such as ``reported``);
        otherwise the drill-down is counted once."""
        m = self.definition(key)
        rule = m.numerator if part == "numerator" else m.denominator
        once = m.once_per_case or (rule is not None and rule.kinds <= {"reported"})
        if once and not m.is_gauge and not m.is_computed and part in ("numerator",
                                                                       "denominator"):
            f = self.figure(key, area_code, period, category=category, source=source)
            return f.num if part == "numerator" else f.den
        return len(self.drill(key, area_code, period, category=category, source=source,
                              part=part))

    def drill(self, key: str, area_code: str, period: Period, *, category: str | None = None,
              source: str | None = None, part: str = "numerator",
              at: dt.datetime | None = None) -> list[int]:
        """The ids of the cases a figure counts (its numerator, or its denominator)."""
        m = self.definition(key)
        self._check_dims(m, category, source)
        if part not in ("numerator", "denominator"):
            raise ValidationError(f"{part!r} is not a part of a figure", field="part",
                                  rule="one_of", hint="use numerator or denominator")
        if m.is_gauge:
            return self._drill_gauge(m, area_code, at or times.now())
        if m.is_computed:
            raise ValidationError(f"metric {key} counts {m.compute_doc or 'records'}, not cases: it "
                                  "has no case drill-down", field="metric", rule="drill",
                                  hint=f"list its records: GET /api/v1/metrics/{key}/records or "
                                       f"`suyuan metrics drill {key}`")
        rule = m.numerator if part == "numerator" else m.denominator
        if rule is None:
            return []
        # the events of the metric's kinds, not only the rule's: whichever part's event a case
        # counts by, the drill-down lists exactly the cases whose counted event meets the rule
        ids: set[int] = set()
        events = self.events(m.kinds, area_code, period, category, source, merged=False)
        for batch, latest in self.counted_batches(events, m):
            ids.update(f.case_id for f in batch if rule.counts(f) and any(m.counted(f, latest)))
        return sorted(ids)

    def records(self, key: str, area_code: str, period: Period, *,
                part: str = "numerator") -> list[str]:
        """The records a computed figure counts (its numerator, or its denominator), as
        ``"<kind>:<id>"`` references — the drill-down of a figure that counts records, not
        cases (a Party group, a ledger issue, an hours entry)."""
        m = self.definition(key)
        if part not in ("numerator", "denominator"):
            raise ValidationError(f"{part!r} is not a part of a figure", field="part",
                                  rule="one_of", hint="use numerator or denominator")
        if not m.is_computed:
            raise ValidationError(f"metric {key} counts cases", field="metric", rule="drill",
                                  hint=f"drill down to its cases: GET /api/v1/metrics/{key}/drill")
        if m.records is None:
            raise ValidationError(f"metric {key} ({m.provider}) does not list its records",
                                  field="metric", rule="records",
                                  hint=f"see {m.provider}'s own commands for the records")
        self.deployment.areas.tree.get(area_code)
        return list(m.records(self.deployment, area_code, period, part))

    def merged_cases(self) -> frozenset[int]:
        """Cases merged into another right now: none of their events count (their earlier
        contributions were taken back when they were merged, see ``cases/merging.py``)."""
        c = tables.cases.c
        with self.deployment.reading() as session:
            return frozenset(session.scalars(select(c.id).where(c.merged_into.is_not(None))))

    def _gauge_where(self, m: MetricDefinition, area_code: str, at: dt.datetime | None) -> Any:
        """The gauge's own condition, in the area, without merged duplicates."""
        assert m.gauge_where is not None
        c = tables.cases.c
        moment = times.to_db(at or times.now())
        clauses = [under(c.area_path, self.deployment.areas.tree.path(area_code)),
                   m.gauge_where(c, moment)]  # type: ignore[arg-type]
        if not m.counts_merged:
            clauses.append(c.merged_into.is_(None))
        return and_(*clauses)

    def _drill_gauge(self, m: MetricDefinition, area_code: str, at: dt.datetime) -> list[int]:
        """Exactly the cases the gauge counts: its declared condition, or its drill function."""
        if m.gauge_where is None:
            assert m.drill is not None  # a gauge function without one is refused at definition
            return sorted(m.drill(self.deployment, area_code, at))
        query = select(tables.cases.c.id).where(self._gauge_where(m, area_code, at))
        with self.deployment.reading() as session:
            return list(session.scalars(query.order_by(tables.cases.c.id)))

    def recompute(self) -> dict[Key, list[int]]:
        """Every rollup value recomputed from the events alone."""
        rollup = self.deployment.rollup
        tree = self.deployment.areas.tree
        total: dict[Key, list[int]] = {}
        events = self.events(frozenset(rollup.by_kind), merged=False)
        for batch, latest in self.counted_batches(events, size=20000):
            for k, (n, d) in rollup.increments(batch, tree, latest).items():
                acc = total.setdefault(k, [0, 0])
                acc[0] += n
                acc[1] += d
        return total

    def stored(self) -> dict[Key, list[int]]:
        """Every stored rollup value (for verification)."""
        r = tables.metric_rollups
        with self.deployment.reading() as session:
            return {(x.metric, x.area_code, x.grain, x.period_start, x.category, x.source):
                    [int(x.num), int(x.den)]
                    for x in session.execute(select(r)) if x.num or x.den}

    def rebuild(self) -> int:
        """Replace every rollup with a recomputation from events (after enabling a metric)."""
        fresh = self.recompute()
        with self.deployment.transaction() as session:
            session.execute(tables.metric_rollups.delete())
            self.deployment.rollup.write(session, fresh)
        return len(fresh)

    def verify(self) -> tuple[dict[str, int], list[Any]]:
        """``suyuan metrics verify``: replay every case from its events and recompute every
        rollup; ``(counts checked, differences)`` — a plugin's tests assert no difference after
        writing through its own paths."""
        from suyuan_core.metrics.verify import verify

        return verify(self.deployment)
