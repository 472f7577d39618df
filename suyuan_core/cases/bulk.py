"""Bulk intake: many cases (each optionally with its later events) in one transaction.

Every row goes through the same checks as the per-case path (registries, area tree, lifecycle,
``suyuan_case_validate``, ``suyuan_case_before_transition``, deadlines) but the writes are
executemany batches and the rollup increments of the batch are summed before they are written.
All-or-nothing: a bad row raises :class:`ImportFailed` naming its line and field, and nothing of
the batch is written.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from sqlalchemy import JSON, DateTime, func, select, text
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.orm import Session

from suyuan_core import integrity, times
from suyuan_core.cases.service import (
    MERGE_KINDS,
    NewCase,
    case_columns,
    event_row,
    facts_of,
)
from suyuan_core.domain.cases import Case, CaseEvent
from suyuan_core.domain.metrics import EventFacts
from suyuan_core.errors import ImportFailed, SuyuanError, ValidationError
from suyuan_core.storage import tables

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment


T = TypeVar("T")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one batch.

    A batch allocates hundreds of thousands of small objects that all stay alive until it is
    written, so the collector ran again and again over the growing heap and found nothing: a
    quarter of a bulk import's time. Reference counting still frees everything as usual; the
    collector resumes (and catches up) as soon as the batch is done, so memory stays flat."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


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


def _sqlite_datetime(value: Any) -> Any:
    """SQLAlchemy's SQLite DATETIME text (``2026-05-03 01:30:00.000000``), without its slower
    general-purpose formatting; anything but a naive datetime goes through SQLAlchemy's own."""
    if type(value) is dt.datetime and value.tzinfo is None:
        return value.isoformat(" ", "microseconds")
    if value is None:
        return None
    return _SQLITE_DATETIME(value)


_SQLITE_DATETIME: Any = DateTime().dialect_impl(sqlite_dialect()).bind_processor(sqlite_dialect())


def _empty_json(process: Any) -> Any:
    """A JSON column's processor that writes empty lists and objects (most cases' parties,
    assignees and data) without a trip through the JSON encoder: the same text."""
    if process is None:
        return None

    def fast(value: Any) -> Any:
        if not value:
            if type(value) is list:
                return "[]"
            if type(value) is dict:
                return "{}"
        return process(value)
    return fast


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
    processors = [_sqlite_datetime if isinstance(c.type, DateTime)
                  else _empty_json(c.type._cached_bind_processor(dialect))
                  if isinstance(c.type, JSON) else c.type._cached_bind_processor(dialect)
                  for c in columns]
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
    #: when the event was first recorded (a restore keeps it); None: now.
    recorded_at: dt.datetime | None = None


@attrs.frozen
class CaseRecord:
    """One case to import: the intake fields, its later events, and the line it came from."""

    case: NewCase
    events: Sequence[EventSpec] = ()
    actor: str = "import"
    line: int = 0
    #: the id the case must get (a restore: ``cases import --keep-ids``); None: the next one.
    #: Only with it may the history hold ``merge`` / ``unmerge`` events (their ids stay right).
    case_id: int | None = None
    #: when the case was first recorded (a restore keeps it); None: now.
    recorded_at: dt.datetime | None = None


@attrs.frozen
class BulkResult:
    created: int
    skipped: int
    ids: list[int]


class BulkWriter:
    """Bulk intake (``deployment.bulk``): many cases with their events in one all-or-nothing
    transaction, through the same checks, hooks and rollups as :class:`CaseService`, several
    times faster."""

    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def write(self, records: Sequence[CaseRecord]) -> BulkResult:
        """Write ``records`` (each a :class:`CaseRecord`: a new case and its later events);
        nothing is written when any is refused."""
        with paused_gc():
            return self._write(records)

    def _write(self, records: Sequence[CaseRecord]) -> BulkResult:
        d = self.d
        self._check_assignees(records)
        tree = d.areas.tree
        observe = bool(d.hook.suyuan_case_after_transition.get_hookimpls())
        with d.transaction() as s:
            seen = self._existing(s, records)
            todo: list[CaseRecord] = []
            skipped = 0
            for record in records:
                new = record.case
                if new.source_ref is not None:
                    key = (new.source, new.source_ref)
                    if key in seen:
                        skipped += 1
                        continue
                    seen.add(key)
                todo.append(record)
            if not todo:
                return BulkResult(0, skipped, [])
            # With the ids known up front, every case and event is built with its own id once.
            ids = self._ids(s, todo)
            now = times.now()
            case_rows: list[dict[str, Any]] = []
            event_rows: list[dict[str, Any]] = []
            facts: list[EventFacts] = []
            histories: list[list[tuple[CaseEvent, Case | None, Case]]] = []
            for case_id, record in zip(ids, todo, strict=True):
                try:
                    history = self._history(s, record, case_id)
                except SuyuanError as exc:
                    raise ImportFailed(record.line, exc.field, exc.message) from None
                final = history[-1][2]
                path = tree.path(final.area_code)
                stamps = [record.recorded_at or now,
                          *(spec.recorded_at or now for spec in record.events)]
                row = case_columns(final, path, stamps[-1])
                row["id"] = case_id
                case_rows.append(row)
                rows_of_case = [event_row(event, before, after, path, stamp)
                                for (event, before, after), stamp in zip(history, stamps,
                                                                         strict=True)]
                integrity.chain_events(rows_of_case)  # a new case: its chain starts here
                event_rows.extend(rows_of_case)
                merged = final.merged_into is not None  # as the merge service leaves it:
                for event, before, after in history:  # a merged case counts nowhere
                    fact = facts_of(event, before, after)
                    facts.append(fact if fact.merged == merged else _replace(fact, merged=merged))
                histories.append(history)
            _insert_many(s, tables.cases, case_rows)
            _insert_many(s, tables.case_events, event_rows)
            d.rollup.write(s, d.rollup.increments(facts, tree))
            if observe:
                for history in histories:
                    for event, _, after in history:
                        d.hook.suyuan_case_after_transition(case=after, event=event, deployment=d,
                                                            session=s)
            return BulkResult(len(ids), skipped, ids)

    def _check_assignees(self, records: Sequence[CaseRecord]) -> None:
        """Every handler the batch assigns to is on the roster (as the API and the forms
        require): one query per kind for the whole batch; the first line naming someone who is
        not fails, before anything is written."""
        first_seen: dict[str, tuple[int, str]] = {}
        for record in records:
            for i, spec in enumerate(record.events):
                assignees = spec.data.get("assignees")
                if assignees is None:
                    continue
                where = f"events[{i}].data.assignees"
                if not isinstance(assignees, list):
                    raise ImportFailed(record.line, where, "must be a list of handlers, e.g. "
                                       '["person:M0001", "organisation:U01"]')
                for handler in assignees:
                    first_seen.setdefault(str(handler), (record.line, where))
        if not first_seen:
            return
        missing = self.d.roster.missing_handlers(first_seen)
        if missing:
            handler = min(missing, key=lambda h: first_seen[h])
            line, where = first_seen[handler]
            raise ImportFailed(line, where, f"{handler[:60]!r} is not on the roster (import "
                               "it first with `suyuan roster import` or `roster "
                               "import-organisations`, or write person:<id> / "
                               "organisation:<id>)")

    def _ids(self, s: Session, todo: list[CaseRecord]) -> list[int]:
        """The records' own ids when they carry them (refused when one is taken), else new."""
        wanted = [r.case_id for r in todo]
        if all(i is None for i in wanted):
            return self._allocate_ids(s, len(todo))
        if any(i is None for i in wanted):
            line = next(r.line for r in todo if r.case_id is None)
            raise ImportFailed(line, "id", "either every row keeps its id or none does")
        ids = [int(i) for i in wanted if i is not None]
        taken = set(s.scalars(select(tables.cases.c.id).where(tables.cases.c.id.in_(ids))))
        seen: set[int] = set()
        for record, i in zip(todo, ids, strict=True):
            if i in taken or i in seen:
                raise ImportFailed(record.line, "id", f"case {i} is already there (keeping "
                                   "ids restores into a fresh deployment)")
            seen.add(i)
        if s.get_bind().dialect.name == "postgresql":  # later inserts go on after the largest
            s.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), "
                           "GREATEST(:m, (SELECT COALESCE(MAX(id), 1) FROM cases)))"),
                      {"m": max(ids)})
        return ids

    @staticmethod
    def _allocate_ids(s: Session, count: int) -> list[int]:
        """``count`` new case ids, reserved inside the write transaction.

        SQLite: the largest id + 1 onwards, the ids SQLite itself would choose; safe because the
        write transaction began IMMEDIATE, so no other writer can insert before it commits.
        PostgreSQL: drawn from the id column's own sequence, as an INSERT would."""
        if s.get_bind().dialect.name == "sqlite":
            first = (s.scalar(select(func.max(tables.cases.c.id))) or 0) + 1
            return list(range(first, first + count))
        return sorted(s.scalars(text(
            "SELECT nextval(pg_get_serial_sequence('cases', 'id')) "
            "FROM generate_series(1, :n)"), {"n": count}))

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

    def _history(self, s: Session, record: CaseRecord, case_id: int
                 ) -> list[tuple[CaseEvent, Case | None, Case]]:
        cases = self.d.cases
        case = cases.prepare(record.case, s)
        first = cases.reported_event(case, case_id, record.actor)
        current = _replace(case, version=1, id=case_id)
        history: list[tuple[CaseEvent, Case | None, Case]] = [(first, None, current)]
        last = first.occurred_at
        for spec in record.events:
            merging = spec.kind in MERGE_KINDS
            if merging and record.case_id is None:
                raise ValidationError(f"{spec.kind!r} events are written by the merge service "
                                      "only; an import carries them only when restoring with "
                                      "--keep-ids (they name another case by its id)",
                                      field="kind", rule="merge_service",
                                      hint="import the export with --keep-ids into a fresh "
                                           "deployment, or merge after importing")
            event, after = cases.plan(s, current, spec.kind, actor=spec.actor,
                                      data=dict(spec.data), reason=spec.reason,
                                      at=spec.occurred_at, after_time=last, merging=merging)
            history.append((event, current, after))
            current, last = after, spec.occurred_at
        return history
