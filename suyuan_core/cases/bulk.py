"""Bulk intake: many cases (each optionally with its later events) in one transaction.

Every row goes through the same checks as the per-case path (registries, area tree, lifecycle,
``suyuan_case_validate``, ``suyuan_case_before_transition``, deadlines) but the writes are
executemany batches and the rollup increments of the batch are summed before they are written.
All-or-nothing: a bad row raises :class:`ImportFailed` naming its line and field, and nothing of
the batch is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import select, tuple_

from suyuan_core import timeutil
from suyuan_core.cases.service import NewCase, case_columns, event_row, facts_of
from suyuan_core.domain.cases import Case, CaseEvent
from suyuan_core.domain.metrics import EventFacts
from suyuan_core.errors import ImportFailed, SuyuanError
from suyuan_core.storage import tables

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment


@attrs.frozen
class EventSpec:
    """A later event of an imported case (e.g. its history from another system)."""

    kind: str
    occurred_at: dt.datetime
    actor: str = "import"
    data: dict[str, Any] = attrs.Factory(dict)
    reason: str | None = None


@attrs.frozen
class CaseRecord:
    """One case to import: the intake fields, its later events, and the line it came from."""

    case: NewCase
    events: Sequence[EventSpec] = ()
    actor: str = "import"
    line: int = 0


@attrs.frozen
class BulkResult:
    created: int
    skipped: int
    ids: list[int]


class BulkWriter:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def write(self, records: Sequence[CaseRecord]) -> BulkResult:
        d = self.d
        tree = d.areas.tree
        observe = bool(d.hook.suyuan_case_after_transition.get_hookimpls())
        with d.transaction() as s:
            seen = self._existing(s, records)
            case_rows: list[dict[str, Any]] = []
            histories: list[list[tuple[CaseEvent, Case | None, Case]]] = []
            skipped = 0
            now = timeutil.now()
            for record in records:
                new = record.case
                if new.source_ref is not None:
                    key = (new.source, new.source_ref)
                    if key in seen:
                        skipped += 1
                        continue
                    seen.add(key)
                try:
                    history = self._history(s, record)
                except SuyuanError as exc:
                    raise ImportFailed(record.line, exc.field, exc.message) from None
                final = history[-1][2]
                case_rows.append(case_columns(final, tree.path(final.area_code), now))
                histories.append(history)
            if not case_rows:
                return BulkResult(0, skipped, [])
            ids = list(s.execute(tables.cases.insert().returning(
                tables.cases.c.id, sort_by_parameter_order=True), case_rows).scalars())
            event_rows: list[dict[str, Any]] = []
            facts: list[EventFacts] = []
            for case_id, history in zip(ids, histories, strict=True):
                path = tree.path(history[0][2].area_code)
                for event, before, after in history:
                    event = attrs.evolve(event, case_id=case_id)
                    event_rows.append(event_row(event, before, after, path, now))
                    facts.append(facts_of(event, before, after))
            s.execute(tables.case_events.insert(), event_rows)
            d.rollup.write(s, d.rollup.increments(facts, tree))
            if observe:
                for case_id, history in zip(ids, histories, strict=True):
                    for event, _, after in history:
                        d.hook.suyuan_case_after_transition(
                            case=attrs.evolve(after, id=case_id),
                            event=attrs.evolve(event, case_id=case_id), deployment=d, session=s)
            return BulkResult(len(ids), skipped, ids)

    def _existing(self, s: Any, records: Sequence[CaseRecord]) -> set[tuple[str, str]]:
        keys = {(r.case.source, r.case.source_ref) for r in records if r.case.source_ref}
        if not keys:
            return set()
        c = tables.cases.c
        found: set[tuple[str, str]] = set()
        ordered = sorted(keys)
        for i in range(0, len(ordered), 500):
            chunk = ordered[i:i + 500]
            found.update(s.execute(select(c.source, c.source_ref)
                                   .where(tuple_(c.source, c.source_ref).in_(chunk))).tuples())
        return found

    def _history(self, s: Any, record: CaseRecord) -> list[tuple[CaseEvent, Case | None, Case]]:
        cases = self.d.cases
        case = cases.prepare(record.case, s)
        first = cases.reported_event(case, 0, record.actor)
        current = attrs.evolve(case, version=1)
        history: list[tuple[CaseEvent, Case | None, Case]] = [(first, None, current)]
        last = first.occurred_at
        for spec in record.events:
            event, after = cases.plan(s, current, spec.kind, actor=spec.actor,
                                      data=dict(spec.data), reason=spec.reason,
                                      at=spec.occurred_at, after_time=last)
            history.append((event, current, after))
            current, last = after, spec.occurred_at
        return history
