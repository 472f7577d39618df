"""Writing cases: every change is an event appended in the same transaction as the case row it
projects to, the rollups it moves, and whatever the plugins' hooks write."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from suyuan_core import bounds, integrity, times
from suyuan_core.cases.projection import apply, created, parse_time
from suyuan_core.domain.areas import Level
from suyuan_core.domain.cases import Case, CaseEvent, Party, check_callback
from suyuan_core.domain.lifecycle import (
    RECORD_KINDS,
    TRANSITIONS,
    Status,
    allowed_actions,
    target,
)
from suyuan_core.domain.metrics import EventFacts
from suyuan_core.domain.registry_items import Problem, Refusal
from suyuan_core.errors import (
    ConcurrentUpdate,
    IllegalTransition,
    NotFound,
    TransitionRefused,
    ValidationError,
)
from suyuan_core.storage import tables

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

#: written only by :class:`~suyuan_core.cases.merging.MergeService`, which keeps the rollups right.
MERGE_KINDS = frozenset({"merge", "unmerge"})


def row_to_case(r: Any) -> Case:
    m = r._mapping if hasattr(r, "_mapping") else r
    return Case(
        id=m["id"], kind=m["kind"], title=m["title"], category=m["category"], source=m["source"],
        area_code=m["area_code"], level=m["level"], handling_area_code=m["handling_area_code"],
        status=m["status"], version=m["version"], description=m["description"] or "",
        source_ref=m["source_ref"], parties=m["parties"] or (),
        deadline=times.from_db(m["deadline"]), reported_at=times.from_db(m["reported_at"]),
        closed_at=times.from_db(m["closed_at"]), outcome=m["outcome"],
        satisfaction=m["satisfaction"], assignees=tuple(m["assignees"] or ()),
        data=m["data"] or {}, merged_into=m.get("merged_into"))


def case_columns(case: Case, area_path: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "kind": case.kind, "title": case.title, "description": case.description,
        "category": case.category, "source": case.source, "source_ref": case.source_ref,
        "area_code": case.area_code, "area_path": area_path, "level": case.level.name,
        "handling_area_code": case.handling_area_code, "status": case.status.value,
        "version": case.version, "deadline": times.to_db(case.deadline),
        "reported_at": times.to_db(case.reported_at), "closed_at": times.to_db(case.closed_at),
        "outcome": case.outcome, "satisfaction": case.satisfaction,
        "parties": [p.as_dict() for p in case.parties], "assignees": list(case.assignees),
        "data": case.data, "updated_at": times.to_db(now), "merged_into": case.merged_into}


def event_row(event: CaseEvent, before: Case | None, after: Case, area_path: str,
              recorded_at: dt.datetime) -> dict[str, Any]:
    return {
        "case_id": event.case_id, "seq": event.seq, "kind": event.kind, "actor": event.actor,
        "occurred_at": times.to_db(event.occurred_at), "recorded_at": times.to_db(recorded_at),
        "data": event.data, "reason": event.reason,
        "status_before": before.status.value if before else None,
        "status_after": after.status.value, "level_before": before.level.name if before else None,
        "level": after.level.name, "area_code": after.area_code, "area_path": area_path,
        "category": after.category, "source": after.source, "case_kind": after.kind,
        "deadline": times.to_db(after.deadline)}


def facts_of(event: CaseEvent, before: Case | None, after: Case) -> EventFacts:
    return EventFacts(
        case_id=event.case_id, kind=event.kind, occurred_at=event.occurred_at, data=event.data,
        status_before=before.status if before else None, status_after=after.status,
        level_before=before.level if before else None, level=after.level,
        area_code=after.area_code, category=after.category, source=after.source,
        case_kind=after.kind, deadline=after.deadline, merged=after.merged_into is not None,
        seq=event.seq)


@attrs.frozen
class NewCase:
    """What intake needs to register a case; the service fills in the rest. Without an
    ``area_code`` the case is located from its point (``lat``, ``long``) or its ``address``
    (:meth:`AreaService.place`), and the rule that located it is recorded on the event."""

    title: str
    category: str
    source: str
    area_code: str | None = None
    kind: str | None = None
    level: str | None = None
    description: str = ""
    source_ref: str | None = None
    parties: Sequence[Party | dict[str, Any]] = ()
    occurred_at: dt.datetime | None = None
    data: dict[str, Any] = attrs.Factory(dict)
    #: where it happened (WGS 84), kept as ``data["location"]``; a point outside every area's
    #: boundary is refused.
    lat: float | None = None
    long: float | None = None
    #: the address given, kept as ``data["address"]``.
    address: str | None = None


def _point(new: NewCase) -> tuple[float, float] | None:
    """The new case's point: ``lat``/``long``, or a ``data["location"]`` an import carried."""
    lat, lon = new.lat, new.long
    if lat is None and lon is None and isinstance(new.data.get("location"), dict):
        lat, lon = new.data["location"].get("lat"), new.data["location"].get("long")
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise ValidationError("give both lat and long", field="lat" if lat is None else "long",
                              rule="required", hint="e.g. lat 30.86, long 104.42 (WGS 84)")
    for name, value, limit in (("lat", lat, 90), ("long", lon, 180)):
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value) or not -limit <= value <= limit:
            raise ValidationError(f"{name} {str(value)[:40]} is not a coordinate", field=name,
                                  rule="range", hint=f"a number from -{limit} to {limit} "
                                                     "(WGS 84 degrees)")
    return float(lat), float(lon)


def check_new_case(new: NewCase) -> None:
    """A new case's fields against :mod:`suyuan_core.bounds` — the same check whether it came
    through the API, a web form, an import file or a plugin."""
    bounds.TITLE.check(new.title, "title")
    bounds.DESCRIPTION.check(new.description, "description")
    for name in ("category", "source"):
        bounds.CODE.check(getattr(new, name), name)
    if new.area_code is not None:
        bounds.CODE.check(new.area_code, "area_code")
    if new.address is not None:
        bounds.PARTY["address"].check(new.address, "address")
    if new.source_ref is not None:
        bounds.SOURCE_REF.check(new.source_ref, "source_ref")
    bounds.check_parties([p.as_dict() if isinstance(p, Party) else p for p in new.parties])
    bounds.check_time(new.occurred_at, "occurred_at")
    if new.data and bounds.json_depth(new.data) > bounds.MAX_JSON_DEPTH:
        raise ValidationError("nests too deeply", field="data", rule="json_depth")


class CaseService:
    """Writing and reading cases (``deployment.cases``). Every change is an event appended in
    the same transaction as the case row it projects to and the rollups it moves; plugins react
    through the ``suyuan_case_*`` hooks."""

    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    # -- reading ---------------------------------------------------------------------------
    def get(self, case_id: int, session: Session | None = None, *, lock: bool = False) -> Case:
        """The case's current state. ``lock`` (inside a write transaction) holds its row until
        the transaction ends, so writers to one case queue instead of failing on the version."""
        if not isinstance(case_id, int) or not 1 <= case_id <= bounds.MAX_ID:
            raise NotFound(f"no case with id {str(case_id)[:40]}", field="case_id",
                           rule="exists", hint=f"case ids lie between 1 and {bounds.MAX_ID}")
        query = select(tables.cases).where(tables.cases.c.id == case_id)
        if lock:
            query = query.with_for_update()
        if session is not None:
            row = session.execute(query).first()
        else:
            with self.d.reading() as s:
                row = s.execute(query).first()
        if row is None:
            raise NotFound(f"no case with id {case_id}", field="case_id", rule="exists")
        return row_to_case(row)

    def day_time(self, case_id: int, day: dt.date, session: Session) -> dt.datetime:
        """When to date an event someone reports only by its ``day``: noon, local — but never
        before the case's last event, since a case's timeline only moves forward."""
        at = times.local_time(self.d, day)
        e = tables.case_events.c
        last: dt.datetime | None = session.scalar(
            select(func.max(e.occurred_at)).where(e.case_id == case_id))
        if last is not None and times.from_db(last) > at:
            return times.from_db(last)
        return at

    def timeline(self, case_id: int, session: Session | None = None) -> list[CaseEvent]:
        """Every event of the case, oldest first (404 for an unknown case). With ``session``,
        read in that transaction (a case page reads the case and its timeline in one)."""
        e = tables.case_events.c
        query = select(tables.case_events).where(e.case_id == case_id).order_by(e.seq)
        if session is not None:
            rows = session.execute(query).all()
        else:
            with self.d.reading() as s:
                rows = s.execute(query).all()
        if not rows:  # every case has its `reported` event: none means no case (404)
            self.get(case_id, session)
        return [CaseEvent(case_id=r.case_id, seq=r.seq, kind=r.kind, actor=r.actor,
                          occurred_at=times.from_db(r.occurred_at),  # type: ignore[arg-type]
                          data=r.data or {},
                          status_before=Status(r.status_before) if r.status_before else None,
                          status_after=Status(r.status_after), level=Level[r.level],
                          reason=r.reason) for r in rows]

    def find_by_source(self, source: str, source_ref: str,
                       session: Session | None = None) -> Case | None:
        """The case an intake source knows as ``source_ref`` (e.g. a hotline's ticket number),
        or None: how an import or a webhook stays idempotent."""
        c = tables.cases.c
        query = select(tables.cases).where(c.source == source, c.source_ref == source_ref)
        if session is not None:
            row = session.execute(query).first()
        else:
            with self.d.reading() as s:
                row = s.execute(query).first()
        return row_to_case(row) if row else None

    def allowed(self, case: Case) -> list[str]:
        """The lifecycle actions allowed from the case's status now (no ``escalate`` above the
        county)."""
        actions = allowed_actions(case.status)
        if case.level is Level.court and "escalate" in actions:
            actions.remove("escalate")
        return actions

    # -- building a new case ---------------------------------------------------------------
    def prepare(self, new: NewCase, session: Session) -> Case:
        """Check a new case against the registries, the area tree and the plugins' validators."""
        d = self.d
        source = d.sources.get(new.source)
        if source is None:
            raise ValidationError(f"unknown source {new.source!r}", field="source", rule="exists",
                                  hint="known: " + ", ".join(d.sources.codes()))
        category = d.categories.get(new.category)
        if category is None:
            raise ValidationError(f"unknown category {new.category!r}", field="category",
                                  rule="exists", hint="see `suyuan categories` for the codes")
        check_new_case(new)
        at = new.occurred_at or times.now()
        if not category.valid_on(at.date()):
            raise ValidationError(f"category {new.category!r} is not valid on {at.date()}",
                                  field="category", rule="valid_period")
        area_code, data = self.place(new)
        area = d.areas.tree.get(area_code)
        level = Level.parse(new.level) if new.level else area.level
        if level is Level.court:
            raise ValidationError("a case cannot start at the court", field="level", rule="level")
        handling = d.areas.tree.parent_at(area.code, level) if level >= area.level else None
        if handling is None:
            raise ValidationError(f"level {level.name} is below the case's area {area.code} "
                                  f"({area.level.name})", field="level", rule="level",
                                  hint="use the area's level or one above it")
        case = Case(id=0, kind=new.kind or source.case_kind, title=new.title,
                    category=new.category, source=new.source, area_code=area.code, level=level,
                    handling_area_code=handling, description=new.description,
                    source_ref=new.source_ref, parties=tuple(new.parties), reported_at=at,
                    data=data)
        problems: list[Problem] = [p for found in d.hook.suyuan_case_validate(
            case=case, deployment=d, session=session) for p in (found or ())]
        if problems:
            first = problems[0]
            raise ValidationError("; ".join(p.message for p in problems), field=first.field,
                                  rule="suyuan_case_validate")
        return case

    def place(self, new: NewCase) -> tuple[str, dict[str, Any]]:
        """The new case's area and data: its point and address kept in the data (``location``,
        ``address``); without an ``area_code``, located from them with the rule in
        ``located_by``. A point outside every boundary is refused even with an area code (it
        is a mistake, e.g. lat and long swapped)."""
        data = dict(new.data)
        point = _point(new)
        if point is not None:
            data["location"] = {"lat": point[0], "long": point[1]}
        if new.address:
            data["address"] = new.address
        address = data.get("address") if isinstance(data.get("address"), str) else None
        if new.area_code:
            if point is not None:  # refuses a point outside every boundary
                self.d.areas.places.check_point(new.area_code, *point)
            return new.area_code, data
        lat, lon = point or (None, None)
        found = self.d.areas.place(lat, lon, address=address)
        if found is None:
            raise ValidationError(
                "cannot tell where the case is" + (f": no area's name occurs in the address "
                                                   f"{address[:40]!r}" if address else ""),
                field="area_code", rule="required",
                hint="give area_code, a point (lat, long) inside the county, or an address "
                     "naming its town or community")
        data["located_by"] = found.rule
        return found.code, data

    def reported_event(self, case: Case, case_id: int, actor: str) -> CaseEvent:
        """The ``reported`` event that opens a prepared case (the bulk writer's path; plugins
        use :meth:`create`)."""
        data: dict[str, Any] = {
            "kind": case.kind, "title": case.title, "category": case.category,
            "source": case.source, "area_code": case.area_code, "level": case.level.name,
            "handling_area_code": case.handling_area_code}
        if case.description:
            data["description"] = case.description
        if case.source_ref is not None:
            data["source_ref"] = case.source_ref
        if case.parties:
            data["parties"] = [p.as_dict() for p in case.parties]
        if case.data:
            data["case_data"] = case.data
        assert case.reported_at is not None
        return CaseEvent(case_id=case_id, seq=1, kind="reported", actor=actor,
                         occurred_at=case.reported_at, data=data)

    # -- writing ---------------------------------------------------------------------------
    def create(self, new: NewCase, *, actor: str, session: Session | None = None) -> Case:
        """Register a case (event ``reported``). Idempotent on ``(source, source_ref)``: the same
        work order twice returns the first case."""
        with self.d.transaction(session) as s:
            if new.source_ref is not None:
                existing = self.find_by_source(new.source, new.source_ref, s)
                if existing is not None:
                    return existing
            case = self.prepare(new, s)
            path = self.d.areas.tree.path(case.area_code)
            now = times.now()
            row = case_columns(attrs.evolve(case, version=1), path, now)
            case_id = s.execute(tables.cases.insert().returning(tables.cases.c.id), row).scalar_one()
            event = self.reported_event(case, case_id, actor)
            after = created(event)
            self._write_event(s, event, None, after, path, now)
            return after

    def act(self, case_id: int, action: str, *, actor: str, data: dict[str, Any] | None = None,
            reason: str | None = None, expected_version: int | None = None,
            occurred_at: dt.datetime | None = None, session: Session | None = None) -> Case:
        """Apply a lifecycle action (``accept``, ``assign``, ``escalate``, ``close`` …)."""
        if action not in TRANSITIONS:
            raise ValidationError(f"unknown action {action!r}", field="action", rule="one_of",
                                  hint="use one of " + ", ".join(TRANSITIONS))
        return self._append(case_id, action, actor=actor, data=dict(data or {}), reason=reason,
                            expected_version=expected_version, occurred_at=occurred_at,
                            session=session)

    def record(self, case_id: int, kind: str, *, actor: str, data: dict[str, Any] | None = None,
               reason: str | None = None, expected_version: int | None = None,
               occurred_at: dt.datetime | None = None, session: Session | None = None) -> Case:
        """Append an event that does not change the status: ``note``, ``callback``, ``deadline``,
        ``update``, ``attachment``, or a plugin's own kind (``<plugin>.<what>``)."""
        if kind in TRANSITIONS:
            raise ValidationError(f"{kind!r} is a lifecycle action", field="kind", rule="record",
                                  hint="use act() for lifecycle actions")
        return self._append(case_id, kind, actor=actor, data=dict(data or {}), reason=reason,
                            expected_version=expected_version, occurred_at=occurred_at,
                            session=session)

    def note(self, case_id: int, text: str, *, actor: str) -> Case:
        """Add a free-text note to the case's timeline (an event of kind ``note``)."""
        return self.record(case_id, "note", actor=actor, data={"text": text})

    def callback(self, case_id: int, *, actor: str, reached: bool, satisfaction: str | None,
                 reason: str | None = None, occurred_at: dt.datetime | None = None) -> Case:
        """回访: record whether the resident was reached and how satisfied they are (the rule is
        :func:`~suyuan_core.domain.cases.check_callback`, met by every callback event)."""
        return self.record(case_id, "callback", actor=actor, reason=reason,
                           data={"reached": reached, "satisfaction": satisfaction},
                           occurred_at=occurred_at)

    def _append(self, case_id: int, kind: str, *, actor: str, data: dict[str, Any],
                reason: str | None, expected_version: int | None,
                occurred_at: dt.datetime | None, session: Session | None,
                merging: bool = False) -> Case:
        attempts = 1 if (expected_version is not None or session is not None) else 3
        for attempt in range(attempts):
            try:
                with self.d.transaction(session) as s:
                    return self._append_in(s, case_id, kind, actor, data, reason,
                                           expected_version, occurred_at, merging)
            except ConcurrentUpdate:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def _append_in(self, s: Session, case_id: int, kind: str, actor: str, data: dict[str, Any],
                   reason: str | None, expected_version: int | None,
                   occurred_at: dt.datetime | None, merging: bool = False) -> Case:
        before = self.get(case_id, s, lock=True)
        if expected_version is not None and before.version != expected_version:
            raise ConcurrentUpdate(
                f"case {case_id} is at version {before.version}, not {expected_version}: someone "
                "changed it since you read it", field="expected_version", rule="optimistic_lock",
                hint="reload the case and try again")
        at = occurred_at or times.now()
        last = self._last_time(s, case_id)
        event, after = self.plan(s, before, kind, actor=actor, data=data, reason=reason, at=at,
                                 after_time=last, merging=merging)
        path = self.d.areas.tree.path(after.area_code)
        now = times.now()
        cols = case_columns(after, path, now)
        c = tables.cases.c
        updated = s.execute(tables.cases.update()  # type: ignore[attr-defined]
                            .where(c.id == case_id, c.version == before.version)
                            .values(**cols)).rowcount
        if updated != 1:
            raise ConcurrentUpdate(f"case {case_id} changed while this change was being written",
                                   field="version", rule="optimistic_lock",
                                   hint="reload the case and try again")
        self._write_event(s, event, before, after, path, now)
        return after

    def plan(self, s: Session, before: Case, kind: str, *, actor: str, data: dict[str, Any],
             reason: str | None, at: dt.datetime, after_time: dt.datetime | None,
             merging: bool = False) -> tuple[CaseEvent, Case]:
        """Check one event against the lifecycle, the core's rules and the plugins, and return it
        with the case it leads to. Nothing is written: the per-case path and the bulk path both
        build on this, so a rule here holds on every path (API, CLI, import, plugins)."""
        bounds.check_time(at, "occurred_at")
        bounds.REASON.check(reason, "reason")
        if kind == "note":
            bounds.NOTE.check(data.get("text"), "text")
        if after_time is not None and at < after_time:
            raise ValidationError(f"occurred_at {at.isoformat()} is before the case's last event "
                                  f"({after_time.isoformat()})", field="occurred_at",
                                  rule="monotonic")
        if kind == "reported" or (kind not in TRANSITIONS and kind not in RECORD_KINDS
                                  and "." not in kind):
            raise ValidationError(f"unknown event kind {kind!r}", field="kind", rule="one_of",
                                  hint="actions: " + ", ".join(TRANSITIONS) + "; records: "
                                  + ", ".join(sorted(RECORD_KINDS - {"reported"}))
                                  + "; plugin kinds are written <plugin>.<what>")
        if kind in MERGE_KINDS and not merging:
            raise ValidationError(f"{kind!r} events are written by the merge service only",
                                  field="kind", rule="merge_service",
                                  hint="call deployment.merges.merge(case_id, into, …) or "
                                       "deployment.merges.unmerge(case_id, …): they keep the "
                                       "figures right")
        if kind in TRANSITIONS and before.merged_into is not None:
            raise TransitionRefused(before.id or 0, kind, [
                f"案件已合并至 {before.merged_into}: the case is merged into case "
                f"{before.merged_into} and follows it; act on case {before.merged_into}, or "
                "unmerge this one first"], rule="not_merged")
        if kind in TRANSITIONS:
            data = self._transition_data(before, kind, data, reason, at)
            refusals = self._refusals(before, kind, data, actor, s)
            if refusals:
                raise TransitionRefused(before.id or 0, kind, [r.reason for r in refusals])
        elif kind == "callback":
            check_callback(data)
        event = CaseEvent(case_id=before.id or 0, seq=before.version + 1, kind=kind, actor=actor,
                          occurred_at=at, data=data, reason=reason)
        return event, apply(before, event)

    def _last_time(self, s: Session, case_id: int) -> dt.datetime:
        e = tables.case_events.c
        value = s.scalar(select(e.occurred_at).where(e.case_id == case_id)
                         .order_by(e.seq.desc()).limit(1))
        return times.from_db(value)  # type: ignore[return-value]

    def _transition_data(self, before: Case, action: str, data: dict[str, Any],
                         reason: str | None, at: dt.datetime) -> dict[str, Any]:
        if target(action, before.status) is None or (
                action == "escalate" and before.level is Level.court):
            raise IllegalTransition(before.id or 0, action, before.status.value,
                                    self.allowed(before))
        if action == "assign":
            bounds.check_assignees(data.get("assignees"))
            if (before.status is Status.assigned
                    and sorted(data["assignees"]) == sorted(before.assignees)):
                # a repeat would only add an event that counts twice (smart_dispatches …)
                raise ValidationError("the case is already assigned to exactly these handlers",
                                      field="assignees", rule="no_change",
                                      hint="assign someone else, or leave it as it is")
        if action == "escalate":
            if not reason:
                raise ValidationError("say why the case is escalated", field="reason",
                                      rule="required")
            data.update(self._escalation(before, reason))
        if data.get("deadline") is not None:
            try:
                given = parse_time(str(data["deadline"]))
            except ValueError:
                raise ValidationError(f"{str(data['deadline'])[:40]!r} is not a date and time",
                                      field="deadline", rule="datetime",
                                      hint="e.g. 2026-06-01T18:00:00+08:00") from None
            bounds.check_time(given, "deadline")
        if action in ("accept", "escalate", "reopen") and "deadline" not in data:
            deadline = self.d.hook.suyuan_case_deadline(case=before, action=action, now=at,
                                                        deployment=self.d)
            if deadline is None:
                deadline = at + dt.timedelta(days=self.d.config.core.cases.default_deadline_days)
            data["deadline"] = times.iso(deadline)
        elif "deadline" in data and parse_time(data["deadline"]) is None:
            data.pop("deadline")
        return data

    def _escalation(self, case: Case, reason: str) -> dict[str, Any]:
        found = self.d.hook.suyuan_case_escalation_target(case=case, reason=reason,
                                                          deployment=self.d)
        if found is not None:
            level = Level.parse(found.level)
            if level <= case.level:
                raise ValidationError(f"escalation target {level.name} is not above "
                                      f"{case.level.name}", field="level", rule="escalate")
            return {"level": level.name, "area_code": found.area_code, "by": found.reason}
        tree = self.d.areas.tree
        current = case.handling_area_code or case.area_code
        parent = tree.get(current).parent_code
        if parent is None:  # above the county: the court
            return {"level": Level.court.name, "area_code": None}
        return {"level": tree.get(parent).level.name, "area_code": parent}

    def _refusals(self, case: Case, action: str, data: dict[str, Any], actor: str,
                  s: Session) -> list[Refusal]:
        found: list[Refusal] = []
        for result in self.d.hook.suyuan_case_before_transition(
                case=case, action=action, data=data, actor=actor, deployment=self.d, session=s):
            if isinstance(result, Refusal):
                found.append(result)
            elif result:
                found.extend(result)
        return found

    def _write_event(self, s: Session, event: CaseEvent, before: Case | None, after: Case,
                     path: str, now: dt.datetime) -> None:
        row = event_row(event, before, after, path, now)
        previous = (integrity.last_event_digest(s.connection(), event.case_id, event.seq - 1)
                    if event.seq > 1 else None)
        row["digest"] = integrity.event_digest(previous, row)
        try:
            s.execute(tables.case_events.insert(), row)
        except IntegrityError:
            raise ConcurrentUpdate(f"case {event.case_id} already has an event {event.seq}",
                                   field="version", rule="optimistic_lock",
                                   hint="reload the case and try again") from None
        facts = facts_of(event, before, after)
        # (a metric that counts each case once moves the case's contribution to this event)
        rollup = self.d.rollup
        rollup.defer(s, rollup.event_increments(s.connection(), facts, self.d.areas.tree))
        self.d.hook.suyuan_case_after_transition(case=after, event=event, deployment=self.d,
                                                 session=s)
