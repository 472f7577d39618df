"""Rollups: running sums kept up to date in the same transaction as the events they count.

Grain: metric × area (the case's area and every area above it) × day and month × category × source.
A week is 7 day rows, a quarter 3 month rows and a year 12: a figure is always a short index range.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
        out: dict[Key, list[int]] = {}
        for f in facts:
            metrics = self.by_kind.get(f.kind)
            if not metrics:
                continue
            day = self.local_day(f.occurred_at)
            month = day.replace(day=1)
            areas = tree.ancestors(f.area_code)
            for m in metrics:
                num, den = m.contribution(f)
                if not (num or den):
                    continue
                for area in areas:
                    for grain, start in (("day", day), ("month", month)):
                        key = (m.key, area, grain, start, f.category, f.source)
                        acc = out.get(key)
                        if acc is None:
                            out[key] = [num, den]
                        else:
                            acc[0] += num
                            acc[1] += den
        return out

    def write(self, session: Session | Connection, increments: Mapping[Key, Sequence[int]]) -> None:
        if not increments:
            return
        rows = [{"metric": k[0], "area_code": k[1], "grain": k[2], "period_start": k[3],
                 "category": k[4], "source": k[5], "num": v[0], "den": v[1]}
                for k, v in sorted(increments.items())]  # sorted: a stable lock order on PostgreSQL
        dialect = session.get_bind().dialect.name if isinstance(session, Session) else \
            session.dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(tables.metric_rollups)
        stmt = stmt.on_conflict_do_update(
            index_elements=["metric", "area_code", "grain", "period_start", "category", "source"],
            set_={"num": tables.metric_rollups.c.num + stmt.excluded.num,
                  "den": tables.metric_rollups.c.den + stmt.excluded.den})
        session.execute(stmt, rows)
