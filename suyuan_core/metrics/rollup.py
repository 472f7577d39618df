"""Rollups: running sums kept up to date in the same transaction as the events they count.

Grain: metric × area (the case's community, town and county — every area at community level or
above that contains the case) × day and month × category × source. A week is 7 day rows, a quarter
3 month rows and a year 12: a figure is always a short index range. Grids and micro-grids, with a
handful of cases each, are counted from their events on demand (see ``MetricService.figure``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session

from suyuan_core.areas.tree import AreaTree
from suyuan_core.domain.metrics import EventFacts, MetricDefinition
from suyuan_core.storage import tables

Key = tuple[str, str, str, dt.date, str, str]  # metric, area, grain, period_start, category, source


class Rollup:
    """Turns events into rollup increments for the flow metrics registered."""

    def __init__(self, metrics: Iterable[MetricDefinition], tz: str) -> None:
        self.by_kind: dict[str, list[MetricDefinition]] = defaultdict(list)
        for m in metrics:
            if not m.is_gauge:
                for kind in m.kinds:
                    self.by_kind[kind].append(m)
        self.tz = zoneinfo.ZoneInfo(tz)

    def local_day(self, at: dt.datetime) -> dt.date:
        return at.astimezone(self.tz).date()

    def increments(self, facts: Iterable[EventFacts], tree: AreaTree) -> dict[Key, list[int]]:
        """The rollup increments of ``facts``, summed per key. A hot loop of bulk import: names
        are bound locally and the two grains are spelled out rather than looped over."""
        out: dict[Key, list[int]] = {}
        by_kind, tz, ancestors, get = self.by_kind, self.tz, tree.rollup_areas, out.get
        for f in facts:
            metrics = by_kind.get(f.kind)
            if not metrics:
                continue
            day = f.occurred_at.astimezone(tz).date()
            month = day.replace(day=1)
            areas = ancestors(f.area_code)
            category, source = f.category, f.source
            for m in metrics:
                num, den = m.contribution(f)
                if not (num or den):
                    continue
                metric = m.key
                for area in areas:
                    for key in ((metric, area, "day", day, category, source),
                                (metric, area, "month", month, category, source)):
                        acc = get(key)
                        if acc is None:
                            out[key] = [num, den]
                        else:
                            acc[0] += num
                            acc[1] += den
        return out

    def sums(self, conn: Connection, metric: str, area_code: str, grain: str,
             first: dt.date, last: dt.date, category: str | None = None,
             source: str | None = None) -> tuple[int, int]:
        """A figure's numerator and denominator: the sum of its rollup rows (a short range of the
        primary key). The statements are built once and reused with new parameters, and run on
        a plain connection: building the query and the ORM session cost more than the read."""
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

    def write(self, session: Session | Connection, increments: Mapping[Key, Sequence[int]]) -> None:
        """Add ``increments`` to the stored sums (an upsert per key, one executemany).

        The statement goes to the driver as plain SQL with positional parameters: SQLAlchemy's
        per-row parameter processing was most of the cost of a bulk import's rollups. Keys are
        written sorted, a stable lock order on PostgreSQL and index order on SQLite."""
        if not increments:
            return
        conn = session.connection() if isinstance(session, Session) else session
        dialect = conn.dialect
        rows: list[tuple[Any, ...]]
        if dialect.name == "sqlite":
            # SQLAlchemy's SQLite Date type stores ISO text; write exactly what it would.
            rows = [(m, a, g, p.isoformat(), c, s, num, den)
                    for (m, a, g, p, c, s), (num, den) in increments.items()]
        else:
            rows = [(m, a, g, p, c, s, num, den)
                    for (m, a, g, p, c, s), (num, den) in increments.items()]
        rows.sort()
        conn.exec_driver_sql(_upsert_sql(dialect.paramstyle), rows)  # type: ignore[arg-type]


_SUMS: dict[tuple[bool, bool], Any] = {}  # prepared SELECTs, by (category?, source?)
_COLUMNS = ("metric", "area_code", "grain", "period_start", "category", "source")


def _upsert_sql(paramstyle: str) -> str:
    mark = "?" if paramstyle == "qmark" else "%s"
    table = "metric_rollups"  # storage.tables.metric_rollups
    return (f"INSERT INTO {table} ({', '.join(_COLUMNS)}, num, den) "
            f"VALUES ({', '.join([mark] * (len(_COLUMNS) + 2))}) "
            f"ON CONFLICT ({', '.join(_COLUMNS)}) DO UPDATE SET "
            f"num = {table}.num + excluded.num, den = {table}.den + excluded.den")
