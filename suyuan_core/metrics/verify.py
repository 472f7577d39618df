"""``suyuan metrics verify``: recompute everything from the events and compare.

Two checks: every case row equals the replay of its events (the projection), and every rollup
equals the sums recomputed from the events (the figures)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs
from sqlalchemy import select

from suyuan_core.cases.projection import apply
from suyuan_core.cases.service import row_to_case
from suyuan_core.domain.areas import Level
from suyuan_core.domain.cases import Case, CaseEvent
from suyuan_core.domain.lifecycle import Status
from suyuan_core.storage import tables
from suyuan_core.times import from_db

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


def _replayed(deployment: Deployment) -> Iterator[tuple[int, Case]]:
    e = tables.case_events.c
    query = select(tables.case_events).order_by(e.case_id, e.seq).execution_options(yield_per=5000)
    current: Case | None = None
    current_id: int | None = None
    with deployment.reading() as s:
        for r in s.execute(query):
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


def check_projection(deployment: Deployment, limit: int = 20) -> tuple[int, list[Difference]]:
    diffs: list[Difference] = []
    replayed = _replayed(deployment)
    checked = 0
    with deployment.reading() as s:
        rows = s.execute(select(tables.cases).order_by(tables.cases.c.id)
                         .execution_options(yield_per=5000))
        pending = next(replayed, None)
        for row in rows:
            stored = row_to_case(row)
            checked += 1
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


def check_rollups(deployment: Deployment, limit: int = 20) -> tuple[int, list[Difference]]:
    service = deployment.metric_service
    fresh = {k: v for k, v in service.recompute().items() if v[0] or v[1]}
    stored = service.stored()
    diffs = []
    for key in sorted(set(fresh) | set(stored), key=str):
        if fresh.get(key) != stored.get(key):
            diffs.append(Difference("rollup", "/".join(map(str, key)), stored.get(key),
                                    fresh.get(key)))
            if len(diffs) >= limit:
                break
    return len(fresh), diffs


def verify(deployment: Deployment) -> tuple[dict[str, int], list[Difference]]:
    cases, case_diffs = check_projection(deployment)
    rollups, rollup_diffs = check_rollups(deployment)
    return {"cases": cases, "rollups": rollups}, case_diffs + rollup_diffs
