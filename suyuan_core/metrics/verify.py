"""``suyuan metrics verify``: recompute everything from the events and compare.

Two checks: every case row equals the replay of its events (the projection), and every rollup
equals the sums recomputed from the events (the figures). Both stream — cases in id order, rollups
one local month at a time — so memory stays flat at any size, and either can be run on a slice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import Select, and_, func, or_, select

from suyuan_core.cases.projection import apply
from suyuan_core.cases.service import row_to_case
from suyuan_core.domain.areas import Level
from suyuan_core.domain.cases import Case, CaseEvent
from suyuan_core.domain.lifecycle import Status
from suyuan_core.metrics.periods import Period, month_start
from suyuan_core.metrics.rollup import Key
from suyuan_core.storage import tables
from suyuan_core.storage.paths import under
from suyuan_core.times import from_db

#: ``progress(stage, count)``: called as the check goes (the CLI shows it).
Progress = Callable[[str, int], None]

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment


@attrs.frozen
class Difference:
    what: str  # "case" | "rollup"
    key: str
    stored: object
    recomputed: object

    def __str__(self) -> str:
        return f"{self.what} {self.key}: stored {self.stored!r}, recomputed {self.recomputed!r}"


def _replayed(deployment: Deployment, cases: Select[Any] | None) -> Iterator[tuple[int, Case]]:
    e = tables.case_events.c
    # the columns a replay needs (not the digest: `suyuan integrity` checks that chain)
    query = select(*[c for c in tables.case_events.c if c.name != "digest"]).order_by(
        e.case_id, e.seq)
    if cases is not None:
        query = query.where(e.case_id.in_(cases))
    current: Case | None = None
    current_id: int | None = None
    with deployment.reading() as s:
        for r in s.execute(query.execution_options(yield_per=5000)):
            if r.case_id != current_id:
                if current is not None and current_id is not None:
                    yield current_id, current
                current, current_id = None, r.case_id
            event = CaseEvent(case_id=r.case_id, seq=r.seq, kind=r.kind, actor=r.actor,
                              occurred_at=from_db(r.occurred_at),  # type: ignore[arg-type]
                              data=r.data or {},
                              status_before=Status(r.status_before) if r.status_before else None,
                              status_after=Status(r.status_after), level=Level[r.level],
                              reason=r.reason)
            current = apply(current, event)
        if current is not None and current_id is not None:
            yield current_id, current


def check_projection(deployment: Deployment, limit: int = 20, *, area_code: str | None = None,
                     progress: Progress | None = None) -> tuple[int, list[Difference]]:
    """Every case row (in ``area_code``'s subtree, or all) equals the replay of its events.
    Both sides stream in id order, so memory stays flat at any size."""
    c = tables.cases.c
    ids: Select[Any] | None = None
    if area_code is not None:
        ids = select(c.id).where(under(c.area_path, deployment.areas.tree.path(area_code)))
    diffs: list[Difference] = []
    replayed = _replayed(deployment, ids)
    checked = 0
    query = select(tables.cases).order_by(c.id)
    if ids is not None:
        query = query.where(c.id.in_(ids))
    with deployment.reading() as s:
        rows = s.execute(query.execution_options(yield_per=5000))
        pending = next(replayed, None)
        for row in rows:
            stored = row_to_case(row)
            checked += 1
            if progress is not None and checked % 5000 == 0:
                progress("cases", checked)
            while pending is not None and pending[0] < stored.id:  # type: ignore[operator]
                diffs.append(Difference("case", str(pending[0]), None, "events without a case row"))
                pending = next(replayed, None)
            if pending is None or pending[0] != stored.id:
                diffs.append(Difference("case", str(stored.id), "row", "no events"))
                continue
            fresh = attrs.evolve(pending[1], id=stored.id)
            if fresh != stored:
                fields = [f.name for f in attrs.fields(Case)
                          if getattr(fresh, f.name) != getattr(stored, f.name)]
                diffs.append(Difference("case", f"{stored.id}.{','.join(fields)}",
                                        {f: getattr(stored, f) for f in fields},
                                        {f: getattr(fresh, f) for f in fields}))
            pending = next(replayed, None)
            if len(diffs) >= limit:
                break
    return checked, diffs


def _months(deployment: Deployment, period: Period | None) -> list[dt.date]:
    """The local months to check: those the events span (or that ``period`` touches)."""
    tz = deployment.metric_service.tz
    if period is not None:
        first, last = period.start, period.end - dt.timedelta(days=1)
    else:  # every month with an event or a stored cell (a cell without events is a difference)
        e, r = tables.case_events.c, tables.metric_rollups.c
        with deployment.reading() as s:
            low, high = s.execute(select(func.min(e.occurred_at), func.max(e.occurred_at))).one()
            cell_low, cell_high = s.execute(select(func.min(r.period_start),
                                                   func.max(r.period_start))).one()
        days = [from_db(x).astimezone(tz).date() for x in (low, high) if x is not None]  # type: ignore[union-attr]
        days += [x for x in (cell_low, cell_high) if x is not None]
        if not days:
            return []
        first, last = min(days), max(days)
    months, m = [], month_start(first)
    while m <= last:
        months.append(m)
        m = Period("month", m).end
    return months


def _stored(deployment: Deployment, month: Period, areas: frozenset[str] | None) -> dict[Key, list[int]]:
    r = tables.metric_rollups.c
    query = select(tables.metric_rollups).where(
        or_(and_(r.grain == "day", r.period_start >= month.start, r.period_start < month.end),
            and_(r.grain == "month", r.period_start == month.start)))
    with deployment.reading() as s:
        return {(x.metric, x.area_code, x.grain, x.period_start, x.category, x.source):
                [int(x.num), int(x.den)] for x in s.execute(query)
                if (x.num or x.den) and (areas is None or x.area_code in areas)}


def check_rollups(deployment: Deployment, limit: int = 20, *, area_code: str | None = None,
                  period: Period | None = None,
                  progress: Progress | None = None) -> tuple[int, list[Difference]]:
    """Every rollup cell equals a recomputation from the events, one local month at a time:
    a month's day and month cells get contributions from that month's events only, so each slice
    is checked alone and memory holds one month of cells, whatever the history's length. (Whether
    an event of a ``once_per_case`` metric is its case's counted one is read per batch, for the
    batch's cases only.)

    With ``area_code``, only the cells of that area and the areas below it are compared (they
    are made of that subtree's events alone); with ``period``, the months it touches."""
    service, rollup, tree = deployment.metric_service, deployment.rollup, deployment.areas.tree
    areas = frozenset(tree.subtree(area_code)) if area_code is not None else None
    kinds = frozenset(rollup.by_kind)
    diffs: list[Difference] = []
    cells = 0
    for month_start_ in _months(deployment, period):
        month = Period("month", month_start_)
        fresh: dict[Key, list[int]] = {}
        for batch, latest in service.counted_batches(
                service.events(kinds, area_code, month, merged=False), size=20000):
            for k, (n, d) in rollup.increments(batch, tree, latest).items():
                if areas is not None and k[1] not in areas:
                    continue
                acc = fresh.setdefault(k, [0, 0])
                acc[0] += n
                acc[1] += d
        fresh = {k: v for k, v in fresh.items() if v[0] or v[1]}
        stored = _stored(deployment, month, areas)
        cells += len(fresh)
        for key in sorted(set(fresh) | set(stored), key=str):
            if fresh.get(key) != stored.get(key):
                diffs.append(Difference("rollup", "/".join(map(str, key)), stored.get(key),
                                        fresh.get(key)))
                if len(diffs) >= limit:
                    return cells, diffs
        if progress is not None:
            progress(f"rollups {month_start_:%Y-%m}", cells)
    return cells, diffs


def verify(deployment: Deployment, *, area_code: str | None = None, period: Period | None = None,
           progress: Progress | None = None) -> tuple[dict[str, int], list[Difference]]:
    """Both checks, on the whole deployment or on a slice (an area's subtree, a period)."""
    cases, case_diffs = check_projection(deployment, area_code=area_code, progress=progress)
    rollups, rollup_diffs = check_rollups(deployment, area_code=area_code, period=period,
                                          progress=progress)
    return {"cases": cases, "rollups": rollups}, case_diffs + rollup_diffs
