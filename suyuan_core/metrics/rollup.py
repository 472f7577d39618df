"""Rollups: running sums kept up to date in the same transaction as the events they count.

Which cells are stored (``Rollup.keys``) — a bounded number per area and year, not per case, so
the table stays a small fraction of the events, yet every dashboard figure is one primary-key row
(or a short range of them):

* **every area from the community up**: its month cell summed over every category and source
  (``category = source = "*"``): a plain month, quarter or year figure is 1, 3 or 12 rows;
* **towns and the county**: also a plain day cell (a day or week figure) and month cells per
  category × source (split and filtered month, quarter and year figures, the by-category chart).

Everything else — a community's day or week, a community split or filtered by category or
source, a filtered day or week, any grid — is counted from the area's own events on demand (an
indexed area-path range and time range, see ``MetricService.figure``): one community, or one
short period. County = Σ towns holds cell by cell: every cell is a sum over the same events.

Why this grain: cells per community × day × category × source held about one case each (20 rows
a case, half the database, the cost of bulk import). The cells are now bounded per area and year
(about 10 towns × 12 months × categories × sources per metric at most), so rows per case fall as
a county's cases grow. Keeping the towns' split months only at the county was tried (2.7 instead
of 4.9 rows a case at 20,000 cases) and dropped: a town's by-category figure counted from its
events took 120–140 ms and grows with the town's history. A cell per metric stays (rather than
one row per event kind holding several metrics' sums) so that a read is a primary-key range and
an upsert plain SQL on both databases: sums inside a JSON value would need a read-modify-write
per row.

A ``once_per_case`` metric counts a case by its latest contributing event only: when a newer one
arrives, :meth:`Rollup.event_increments` takes the earlier one's contribution back (at its own
day, month, areas, category and source) and adds the new one, in the event's transaction; every
reader of events (recompute, verify, drill-downs, small-area figures) skips the superseded ones,
looked up per batch with :meth:`Rollup.latest`.

Writes: the increments of a transaction are summed per cell and upserted in key order (a stable
lock order, no deadlocks between writers): one executemany on SQLite, one ``INSERT … SELECT FROM
unnest(…) ON CONFLICT`` statement on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, bindparam, event, func, select
from sqlalchemy.orm import Session

from suyuan_core import times
from suyuan_core.areas.tree import ROLLUP_LEVEL, AreaTree
from suyuan_core.domain.areas import Level
from suyuan_core.domain.lifecycle import Status
from suyuan_core.domain.metrics import EventFacts, Latest, MetricDefinition, latest_counted
from suyuan_core.storage import tables

Key = tuple[str, str, str, dt.date, str, str]  # metric, area, grain, period_start, category, source
#: the category and source of a cell summed over every category or source
ALL = "*"


def facts_from_row(r: Row[Any] | Mapping[str, Any]) -> EventFacts:
    """An event row (:data:`FACT_COLUMNS`) as a metric formula sees it (``merged=False``)."""
    m: Mapping[str, Any] = r._mapping if isinstance(r, Row) else r  # type: ignore[assignment]
    return EventFacts(
        case_id=m["case_id"], kind=m["kind"], occurred_at=times.from_db(m["occurred_at"]),  # type: ignore[arg-type]
        data=m["data"] or {}, status_before=Status(m["status_before"]) if m["status_before"] else None,
        status_after=Status(m["status_after"]) if m["status_after"] else None,
        level_before=Level[m["level_before"]] if m["level_before"] else None,
        level=Level[m["level"]], area_code=m["area_code"], category=m["category"],
        source=m["source"], case_kind=m["case_kind"], deadline=times.from_db(m["deadline"]),
        seq=m["seq"])


FACT_COLUMNS = [tables.case_events.c[n] for n in (
    "case_id", "seq", "kind", "occurred_at", "data", "status_before", "status_after",
    "level_before", "level", "area_code", "category", "source", "case_kind", "deadline")]


class Rollup:
    """Turns events into rollup increments for the flow metrics registered."""

    def __init__(self, metrics: Iterable[MetricDefinition], tz: str) -> None:
        self.by_kind: dict[str, list[MetricDefinition]] = defaultdict(list)
        #: the metrics that count each case once, and the event kinds they look at
        self.once: list[MetricDefinition] = []
        for m in metrics:
            if not m.is_gauge and not m.is_computed:
                for kind in m.kinds:
                    self.by_kind[kind].append(m)
                if m.once_per_case:
                    self.once.append(m)
        self.once_kinds = frozenset(k for m in self.once for k in m.kinds)
        self.tz = zoneinfo.ZoneInfo(tz)
        self._tree: AreaTree | None = None
        self._plans: dict[str, tuple[tuple[str, int], ...]] = {}

    def local_day(self, at: dt.datetime) -> dt.date:
        return at.astimezone(self.tz).date()

    def served(self, level: Level, grain: str, category: str | None,
               source: str | None) -> bool:
        """Whether a figure of an area at ``level`` over ``grain`` cells (``day`` or ``month``,
        see ``Period.rollup_keys``), optionally filtered, is stored (else it is counted from the
        area's events)."""
        if level < ROLLUP_LEVEL:
            return False
        if level < Level.town:
            return grain == "month" and category is None and source is None
        return grain == "month" or (category is None and source is None)

    def _plan(self, tree: AreaTree, code: str) -> tuple[tuple[str, int], ...]:
        """The rollup areas of an event in ``code``, each with the cells it keeps: 0 the plain
        month (a community), 2 also the plain day and the split months (a town, the county)."""
        if tree is not self._tree:
            self._tree, self._plans = tree, {}
        found = self._plans.get(code)
        if found is None:
            found = self._plans[code] = tuple(
                (a, 2 if tree.areas[a].level >= Level.town else 0)
                for a in tree.rollup_areas(code))
        return found

    @staticmethod
    def keys(metric: str, plan: tuple[tuple[str, int], ...], day: dt.date, category: str,
             source: str) -> list[Key]:
        """The cells an event of ``day`` in an area with rollup ``plan`` adds to (see the
        module's docstring)."""
        month = day.replace(day=1)
        out: list[Key] = []
        for area, cells in plan:
            out.append((metric, area, "month", month, ALL, ALL))
            if cells:
                out.append((metric, area, "day", day, ALL, ALL))
                if cells > 1:
                    out.append((metric, area, "month", month, category, source))
        return out

    def increments(self, facts: Iterable[EventFacts], tree: AreaTree,
                   latest: Mapping[tuple[str, int], int] | None = None) -> dict[Key, list[int]]:
        """The rollup increments of ``facts``, summed per key. A hot loop of bulk import: names
        are bound locally.

        ``latest`` says which event of a case each ``once_per_case`` metric counts (see
        :meth:`latest`); without it ``facts`` must be whole histories of their cases (a bulk
        import, a merge) and it is worked out from them."""
        if latest is None and self.once:
            facts = list(facts)
            latest = latest_counted(self.once, facts)
        counted = latest or {}
        out: dict[Key, list[int]] = {}
        by_kind, tz, plan_of, keys, get = self.by_kind, self.tz, self._plan, self.keys, out.get
        for f in facts:
            metrics = by_kind.get(f.kind)
            if not metrics:
                continue
            day = f.occurred_at.astimezone(tz).date()
            plan = plan_of(tree, f.area_code)
            category, source = f.category, f.source
            for m in metrics:
                num, den = m.contribution(f)
                if not (num or den):
                    continue
                metric = m.key
                if m.once_per_case and counted.get((metric, f.case_id)) != f.seq:
                    continue  # superseded by a later event of the case
                for key in keys(metric, plan, day, category, source):
                    acc = get(key)
                    if acc is None:
                        out[key] = [num, den]
                    else:
                        acc[0] += num
                        acc[1] += den
        return out

    def event_increments(self, conn: Connection, facts: EventFacts,
                         tree: AreaTree) -> dict[Key, list[int]]:
        """The increments of one new event (the write path, in its transaction): its
        contributions, and for each ``once_per_case`` metric it contributes to, the case's
        previously counted event taken back at that event's own keys. Only such an event reads
        anything: the case's earlier events of those metrics' kinds (one indexed query)."""
        moving = [m for m in self.by_kind.get(facts.kind, ())
                  if m.once_per_case and any(m.contribution(facts))]
        out = self.increments([facts], tree, {(m.key, facts.case_id): facts.seq for m in moving})
        if not moving or facts.seq <= 1:
            return out
        kinds = frozenset(k for m in moving for k in m.kinds)
        stmt = _EARLIER.get(kinds)
        if stmt is None:
            e = tables.case_events.c
            stmt = _EARLIER[kinds] = select(*FACT_COLUMNS).where(
                e.case_id == bindparam("case_id"), e.seq < bindparam("seq"),
                e.kind.in_(sorted(kinds)))
        earlier = {f.seq: f for f in map(facts_from_row, conn.execute(
            stmt, {"case_id": facts.case_id, "seq": facts.seq}))}
        previous = latest_counted(moving, earlier.values())
        for m in moving:
            seq = previous.get((m.key, facts.case_id))
            if seq is None:
                continue
            old = earlier[seq]
            num, den = m.contribution(old)
            for key in self.keys(m.key, self._plan(tree, old.area_code),
                                 old.occurred_at.astimezone(self.tz).date(), old.category,
                                 old.source):
                acc = out.setdefault(key, [0, 0])
                acc[0] -= num
                acc[1] -= den
        # a move within the same day and keys nets out: nothing to write for it
        return {k: v for k, v in out.items() if v[0] or v[1]}

    def latest(self, conn: Connection, facts: Iterable[EventFacts]) -> Latest:
        """Which event each ``once_per_case`` metric counts, for the cases of ``facts`` (a batch
        of a stream of events) that have an event such a metric looks at: one query per 1000
        such cases, reading only their events of :attr:`once_kinds` — so a reader that streams
        events in batches stays bounded."""
        once_kinds = self.once_kinds
        if not once_kinds:
            return {}
        ids = sorted({f.case_id for f in facts if f.kind in once_kinds})
        e = tables.case_events.c
        found: Latest = {}
        for i in range(0, len(ids), 1000):
            query = select(*FACT_COLUMNS).where(e.case_id.in_(ids[i:i + 1000]),
                                                e.kind.in_(sorted(once_kinds)))
            found.update(latest_counted(self.once, (facts_from_row(r)
                                                    for r in conn.execute(query))))
        return found

    def sums(self, conn: Connection, metric: str, area_code: str, grain: str,
             first: dt.date, last: dt.date, category: str | None = None,
             source: str | None = None) -> tuple[int, int]:
        """A figure's numerator and denominator: the sum of its rollup rows (a short range of the
        primary key). The statements are built once and reused with new parameters, and run on
        a plain connection: building the query and the ORM session cost more than the read.

        Unfiltered, that is the ``*``/``*`` cells; filtered by one of category and source, the
        cells of that value (the ``*``/``*`` cells never match a real value). Only for what
        :meth:`served` says is stored."""
        if category is None and source is None:
            category = source = ALL
        stmt: Any = _SUMS.get((category is not None, source is not None))
        if stmt is None:
            r = tables.metric_rollups.c
            stmt = select(func.coalesce(func.sum(r.num), 0), func.coalesce(func.sum(r.den), 0)
                          ).where(r.metric == bindparam("metric"),
                                  r.area_code == bindparam("area_code"),
                                  r.grain == bindparam("grain"),
                                  r.period_start.between(bindparam("first"), bindparam("last")))
            if category is not None:
                stmt = stmt.where(r.category == bindparam("category"))
            if source is not None:
                stmt = stmt.where(r.source == bindparam("source"))
            _SUMS[(category is not None, source is not None)] = stmt
        params: dict[str, Any] = {"metric": metric, "area_code": area_code, "grain": grain,
                                  "first": first, "last": last}
        if category is not None:
            params["category"] = category
        if source is not None:
            params["source"] = source
        num, den = conn.execute(stmt, params).one()
        return int(num), int(den)

    def defer(self, session: Session, increments: Mapping[Key, Sequence[int]]) -> None:
        """Add ``increments`` to the ones of ``session``'s transaction, written together just
        before it commits (the write path's events): the hot rows (a town's or the county's day
        cell, which every writer of the day touches) are locked only from that one upsert to
        the commit, not for the rest of the transaction (its hooks, its audit entry), and
        several events of one transaction write each cell once. (A savepoint rolled back inside
        a committed transaction would not take its events' increments back: the core writes no
        case event inside one.)"""
        if not increments:
            return
        pending: dict[Key, list[int]] | None = session.info.get(_PENDING)
        if pending is None:
            pending = session.info[_PENDING] = {}
            event.listen(session, "before_commit", self._write_pending, once=True)
            event.listen(session, "after_rollback", _drop_pending, once=True)
        for key, (num, den) in increments.items():
            acc = pending.get(key)
            if acc is None:
                pending[key] = [num, den]
            else:
                acc[0] += num
                acc[1] += den

    def _write_pending(self, session: Session) -> None:
        pending = session.info.pop(_PENDING, None)
        if pending:
            self.write(session, {k: v for k, v in pending.items() if v[0] or v[1]})

    def write(self, session: Session | Connection, increments: Mapping[Key, Sequence[int]]) -> None:
        """Add ``increments`` to the stored sums, in key order (a stable lock order between
        writers on PostgreSQL, index order on SQLite).

        SQLite: one executemany of a plain-SQL upsert with positional parameters (SQLAlchemy's
        per-row parameter processing was most of the cost). PostgreSQL: one statement for the
        whole batch, ``INSERT … SELECT FROM unnest(arrays) ON CONFLICT`` (an executemany there
        is a round trip per row)."""
        if not increments:
            return
        conn = session.connection() if isinstance(session, Session) else session
        dialect = conn.dialect
        if dialect.name == "sqlite":
            # SQLAlchemy's SQLite Date type stores ISO text; write exactly what it would.
            rows = sorted((m, a, g, p.isoformat(), c, s, num, den)
                          for (m, a, g, p, c, s), (num, den) in increments.items())
            conn.exec_driver_sql(_SQLITE_UPSERT, rows)  # type: ignore[arg-type]
            return
        ordered = sorted(increments.items())
        columns = [list(col) for col in zip(*(k for k, _ in ordered), strict=True)]
        columns.append([v[0] for _, v in ordered])
        columns.append([v[1] for _, v in ordered])
        conn.exec_driver_sql(_PG_UPSERT, tuple(columns))


def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


_PENDING = "suyuan.rollup.pending"  # Session.info key of a transaction's deferred increments
_SUMS: dict[tuple[bool, bool], Any] = {}  # prepared SELECTs, by (category?, source?)
_EARLIER: dict[frozenset[str], Any] = {}  # a case's earlier events of these kinds
_COLUMNS = ("metric", "area_code", "grain", "period_start", "category", "source")
_TABLE = "metric_rollups"  # storage.tables.metric_rollups
_CONFLICT = (f"ON CONFLICT ({', '.join(_COLUMNS)}) DO UPDATE SET "
             f"num = {_TABLE}.num + excluded.num, den = {_TABLE}.den + excluded.den")
_SQLITE_UPSERT = (f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}, num, den) "
                  f"VALUES ({', '.join('?' * (len(_COLUMNS) + 2))}) {_CONFLICT}")
_PG_UPSERT = (f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}, num, den) "
              "SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::date[], "
              f"%s::varchar[], %s::varchar[], %s::bigint[], %s::bigint[]) {_CONFLICT}")
