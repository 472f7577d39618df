"""Bulk intake: many cases (each optionally with its later events) in one transaction.

Every row goes through the same checks as the per-case path (registries, area tree, lifecycle,
``suyuan_case_validate``, ``suyuan_case_before_transition``, deadlines) but the writes are
executemany batches and the rollup increments of the batch are summed before they are written.
All-or-nothing: a bad row raises :class:`ImportFailed` naming its line and field, and nothing of
the batch is written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suyuan_core import timeutil
from suyuan_core.cases.service import NewCase, case_columns, event_row, facts_of
from suyuan_core.domain.cases import Case, CaseEvent
from suyuan_core.domain.metrics import EventFacts
from suyuan_core.errors import ImportFailed, SuyuanError
from suyuan_core.storage import tables

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment


T = TypeVar("T")


def _replace(inst: T, **changes: Any) -> T:
    """``attrs.evolve`` for an instance that was validated when it was built and whose changed
    fields are trusted (an id the database gave, the first version): the copy skips running the
    validators again, which was a tenth of a bulk import's time."""
    cls = type(inst)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in attrs.fields(cls))  # type: ignore[arg-type, misc]
    new = object.__new__(cls)
    for name in names:
        object.__setattr__(new, name, changes[name] if name in changes else getattr(inst, name))
    return new


_FIELDS: dict[type, tuple[str, ...]] = {}


def _insert_many(s: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """``s.execute(table.insert(), rows)``, faster on SQLite.

    On SQLite the rows go to the driver's executemany as tuples, each value passed through the
    bind processor of its column's SQLAlchemy type (so the stored text is exactly what
    SQLAlchemy writes: its date-time format, its JSON); that skips SQLAlchemy's per-row
    parameter handling, which cost as much as the insert itself. Columns missing from the first
    row (e.g. an autoincrement id) are left to the database."""
    if not rows:
        return
    conn = s.connection()
    dialect = conn.dialect
    if dialect.name != "sqlite":
        s.execute(table.insert(), rows)
        return
    columns = [c for c in table.columns if c.name in rows[0]]
    names = [c.name for c in columns]
    processors = [c.type._cached_bind_processor(dialect) for c in columns]
    converted = [(i, p) for i, p in enumerate(processors) if p is not None]
    tuples = []
    for row in rows:
        values = [row[name] for name in names]
        for i, process in converted:
            values[i] = process(values[i])
        tuples.append(tuple(values))
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
           f"VALUES ({', '.join('?' * len(names))})")
    conn.exec_driver_sql(sql, tuples)  # type: ignore[arg-type]


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
            ids = self._insert_cases(s, case_rows)
            event_rows: list[dict[str, Any]] = []
            facts: list[EventFacts] = []
            for case_id, history in zip(ids, histories, strict=True):
                path = tree.path(history[0][2].area_code)
                for event, before, after in history:
                    event_rows.append(event_row(event, before, after, path, now, case_id))
                    facts.append(facts_of(event, before, after, case_id))
            _insert_many(s, tables.case_events, event_rows)
            d.rollup.write(s, d.rollup.increments(facts, tree))
            if observe:
                for case_id, history in zip(ids, histories, strict=True):
                    for event, _, after in history:
                        d.hook.suyuan_case_after_transition(
                            case=_replace(after, id=case_id),
                            event=_replace(event, case_id=case_id), deployment=d, session=s)
            return BulkResult(len(ids), skipped, ids)

    @staticmethod
    def _insert_cases(s: Session, rows: list[dict[str, Any]]) -> list[int]:
        """Insert the batch's case rows and return their ids, in order.

        SQLite cannot return the ids of a multi-row insert in parameter order, so SQLAlchemy would
        fall back to one INSERT per row; there the ids are handed out here instead. That is safe:
        the write transaction began IMMEDIATE, so no other writer can insert until it commits,
        and it is the id SQLite itself would choose (the largest + 1)."""
        if s.get_bind().dialect.name != "sqlite":
            return list(s.execute(tables.cases.insert().returning(
                tables.cases.c.id, sort_by_parameter_order=True), rows).scalars())
        first = (s.scalar(select(func.max(tables.cases.c.id))) or 0) + 1
        ids = list(range(first, first + len(rows)))
        for case_id, row in zip(ids, rows, strict=True):
            row["id"] = case_id
        _insert_many(s, tables.cases, rows)
        return ids

    @staticmethod
    def _existing(s: Session, records: Sequence[CaseRecord]) -> set[tuple[str, str]]:
        """The batch's (source, source_ref) keys already in the database: one query per source
        and 500 refs, on the unique index."""
        refs: dict[str, set[str]] = defaultdict(set)
        for r in records:
            if r.case.source_ref is not None:
                refs[r.case.source].add(r.case.source_ref)
        c = tables.cases.c
        found: set[tuple[str, str]] = set()
        for source, wanted in refs.items():
            ordered = sorted(wanted)
            for i in range(0, len(ordered), 500):
                query = select(c.source_ref).where(c.source == source,
                                                   c.source_ref.in_(ordered[i:i + 500]))
                found.update((source, ref) for ref in s.scalars(query))
        return found

    def _history(self, s: Session, record: CaseRecord) -> list[tuple[CaseEvent, Case | None, Case]]:
        cases = self.d.cases
        case = cases.prepare(record.case, s)
        first = cases.reported_event(case, 0, record.actor)
        current = _replace(case, version=1)
        history: list[tuple[CaseEvent, Case | None, Case]] = [(first, None, current)]
        last = first.occurred_at
        for spec in record.events:
            event, after = cases.plan(s, current, spec.kind, actor=spec.actor,
                                      data=dict(spec.data), reason=spec.reason,
                                      at=spec.occurred_at, after_time=last)
            history.append((event, current, after))
            current, last = after, spec.occurred_at
        return history
