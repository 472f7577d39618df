"""社区矫正 and 安置帮教: the people under each register, their terms, the responsible officer and
helpers, check-ins and help given, and the term's end.

Every method takes an :class:`~suyuan_virtue.protection.Access` (who, from where, why) and goes
through the :class:`~suyuan_virtue.protection.Guard`: the rules hold for the CLI, the HTTP API,
the pages and the demo alike.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Deployment, NotFound, ValidationError
from suyuan_virtue import models as m
from suyuan_virtue.protection import Access, Guard, audit_refusals, check_register
from suyuan_virtue.sensitive import COLUMNS, need_text, sealed, shown
from suyuan_virtue.times import need_date, now_db, strs, today

PERSON_REGISTERS = ("community_correction", "resettlement")
#: the encrypted fields of a record (declared to the core in :mod:`suyuan_virtue.sensitive`).
FIELDS = tuple(COLUMNS[m.register_records.name])
ENTRY_KINDS = {"check_in": ("报到", "Check-in"), "help": ("帮扶", "Help given"),
               "visit": ("走访", "Home visit"), "term_end": ("期满解除", "Term ended")}
ID_CHARS = set("0123456789Xx")


@attrs.frozen
class RecordInput:
    register: str
    area_code: str
    name: str
    id_number: str
    term_start: dt.date | str
    term_end: dt.date | str
    officer: str
    birth_date: dt.date | str | None = None
    minor: bool | None = None
    phone: str | None = None
    address: str | None = None
    offence: str | None = None
    notes: str | None = None
    helpers: tuple[str, ...] = attrs.field(default=(), converter=strs)


@attrs.frozen
class RecordView:
    """A record as one viewer may see it; ``masked`` says whether personal data is hidden."""

    id: int
    register: str
    area_code: str
    minor: bool
    term_start: dt.date
    term_end: dt.date
    status: str
    ended_on: dt.date | None
    officer: str
    helpers: tuple[str, ...]
    fields: dict[str, Any]
    masked: bool
    entries: tuple[dict[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        for key in ("term_start", "term_end", "ended_on"):
            out[key] = out[key].isoformat() if out[key] else None
        out["helpers"] = list(self.helpers)
        out["entries"] = list(self.entries)
        return out


def _minor(birth: dt.date | None, start: dt.date, flagged: bool | None) -> bool:
    """Under 18 on the day the term starts (the offence date is not always known; the earlier
    of the two is the safer test, so an explicit ``minor`` flag wins when it seals)."""
    if flagged:
        return True
    if birth is None:
        return bool(flagged)
    age = start.year - birth.year - ((start.month, start.day) < (birth.month, birth.day))
    return age < 18


def check_id_number(value: str, field: str = "id_number") -> str:
    v = need_text(value, field, 18)
    if len(v) != 18 or not set(v[:17]).issubset(set("0123456789")) or v[17] not in ID_CHARS:
        raise ValidationError("a resident ID number has 18 characters: 17 digits and a digit or X",
                              field=field, rule="id_number", hint="e.g. 510121199001011234")
    return v.upper()


class Registers:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self.guard = Guard(deployment)

    # -- write ----------------------------------------------------------------------------------
    @audit_refusals
    def add(self, access: Access, item: RecordInput, *, session: Session | None = None) -> int:
        register = check_register(item.register)
        if register not in PERSON_REGISTERS:
            raise ValidationError(f"{register} is not a register of persons", field="register",
                                  rule="one_of", hint="community_correction or resettlement")
        path = self.guard.require_write(access, register, item.area_code)
        start = need_date(item.term_start, "term_start")
        end = need_date(item.term_end, "term_end")
        if end < start:
            raise ValidationError("the term ends before it starts", field="term_end",
                                  rule="after_start")
        birth = need_date(item.birth_date, "birth_date") if item.birth_date else None
        if birth is not None and birth > start:
            raise ValidationError("born after the term starts", field="birth_date", rule="range")
        values = {"name": need_text(item.name, "name", 50),
                  "id_number": check_id_number(item.id_number),
                  "phone": item.phone, "address": item.address,
                  "birth_date": birth.isoformat() if birth else None,
                  "offence": item.offence, "notes": item.notes}
        if item.phone is not None and not (item.phone.isdigit() and 5 <= len(item.phone) <= 15):
            raise ValidationError("a phone number is 5-15 digits", field="phone", rule="phone")
        officer = need_text(item.officer, "officer", 64)
        columns = sealed(self.d, values)
        with self.d.transaction(session) as s:
            self.guard.require_pia(s, register, today(self.d))
            row = {"register": register, "area_code": item.area_code, "area_path": path,
                   "minor": _minor(birth, start, item.minor), "term_start": start,
                   "term_end": end, "status": "active", "officer": officer,
                   "helpers": [str(h) for h in item.helpers], "created_at": now_db(),
                   "created_by": access.principal.actor,
                   **columns}
            new_id = int(s.execute(m.register_records.insert().returning(
                m.register_records.c.id), row).scalar_one())
            self.guard.audit(s, access, "write", register, new_id, {"what": "registered"})
        return new_id

    @audit_refusals
    def add_entry(self, access: Access, record_id: int, kind: str, on: dt.date | str,
                  detail: str | None = None) -> None:
        """A check-in, help given, a home visit, or the end of the term (``term_end``)."""
        if kind not in ENTRY_KINDS:
            raise ValidationError(f"{kind!r} is not an entry kind", field="kind", rule="one_of",
                                  hint="use " + ", ".join(ENTRY_KINDS))
        day = need_date(on, "on")
        with self.d.transaction() as s:
            row = self._row(s, access, record_id)
            self.guard.require_write(access, row.register, row.area_code)
            if row.status != "active":
                raise ValidationError("the record's term has ended", field="id", rule="active")
            if day < row.term_start:
                raise ValidationError("before the term starts", field="on", rule="range")
            s.execute(m.register_entries.insert(), {
                "record_id": record_id, "kind": kind, "on_date": day,
                "by": access.principal.actor, "recorded_at": now_db(),
                **sealed(self.d, {"detail": detail})})
            if kind == "term_end":
                s.execute(m.register_records.update().where(m.register_records.c.id == record_id)
                          .values(status="ended", ended_on=day))
            self.guard.audit(s, access, "write", row.register, record_id, {"what": kind})

    # -- read -----------------------------------------------------------------------------------
    def _row(self, s: Session, access: Access, record_id: int) -> Any:
        row = s.execute(sa.select(m.register_records)
                        .where(m.register_records.c.id == record_id)).first()
        if row is None:
            raise NotFound(f"no register record {record_id}", field="id", rule="exists")
        self.guard.require_read(access, row.register, record_id, row.area_path, row.minor)
        return row

    @audit_refusals
    def get(self, access: Access, record_id: int, *, unmask: bool = False) -> RecordView:
        """One record: masked, or unmasked with the right and a reason. Audited either way."""
        with self.d.transaction() as s:
            row = self._row(s, access, record_id)
            reason = (self.guard.check_unmask(access, row.register, record_id, row.area_path)
                      if unmask else None)
            entries = s.execute(sa.select(m.register_entries)
                                .where(m.register_entries.c.record_id == record_id)
                                .order_by(m.register_entries.c.on_date,
                                          m.register_entries.c.id)).all()
            view = self._view(row, entries, reveal=unmask)
            if reason is not None:
                self.guard.unmasked(s, access, row.register, record_id, row.area_path, reason,
                                    {"fields": sorted(FIELDS)})
            else:
                self.guard.audit(s, access, "read", row.register, record_id, {"fields": []})
        return view

    @audit_refusals
    def list(self, access: Access, register: str, *, area: str | None = None,
             status: str | None = None, limit: int = 200) -> list[RecordView]:
        """The caller's records of ``register``, always masked (a list is never unmasked); sealed
        records appear only to those who may read them. One audit entry names every id shown."""
        check_register(register)
        scope = self.guard.scope(access.principal, register)
        if area is not None:
            path = self.guard.area_path(area, "area")
            scope = [p for p in scope if path.startswith(p)] and [path]
        r = m.register_records.c
        if not scope:
            return []
        query = (sa.select(m.register_records).where(r.register == register)
                 .where(sa.or_(*[r.area_path.startswith(p) for p in scope]))
                 .order_by(r.id).limit(max(1, min(limit, 1000))))
        if status:
            query = query.where(r.status == status)
        with self.d.transaction() as s:
            rows = [row for row in s.execute(query).all()
                    if self.guard.may_read(access.principal, register, row.area_path, row.minor)]
            views = [self._view(row, (), reveal=False) for row in rows]
            self.guard.audit(s, access, "list", register, None,
                             {"ids": [v.id for v in views], "count": len(views)})
        return views

    def _view(self, row: Any, entries: Any, reveal: bool) -> RecordView:
        fields = shown(self.d, m.register_records.name, row, reveal)
        items = tuple({"kind": e.kind, "on": e.on_date.isoformat(),
                       "detail": shown(self.d, m.register_entries.name, e, reveal)["detail"]}
                      for e in entries)
        return RecordView(id=row.id, register=row.register, area_code=row.area_code,
                          minor=row.minor, term_start=row.term_start, term_end=row.term_end,
                          status=row.status, ended_on=row.ended_on, officer=row.officer,
                          helpers=tuple(row.helpers or ()), fields=fields, masked=not reveal,
                          entries=items)

    # -- figures (counts only, small counts suppressed) -------------------------------------------
    def counts(self, area_code: str, *, on: dt.date | None = None) -> dict[str, int]:
        """Active records per register under ``area_code`` (raw; callers suppress)."""
        path = self.guard.area_path(area_code)
        r = m.register_records.c
        with self.d.reading() as s:
            rows = s.execute(sa.select(r.register, sa.func.count()).where(
                r.area_path.startswith(path), r.status == "active").group_by(r.register)).all()
        found = {reg: int(n) for reg, n in rows}
        return {reg: found.get(reg, 0) for reg in PERSON_REGISTERS}


def inputs(data: Mapping[str, Any]) -> RecordInput:
    known = {f.name for f in attrs.fields(RecordInput)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationError(f"unknown field(s) {', '.join(unknown)}", field="record",
                              rule="known_fields", hint="known: " + ", ".join(sorted(known)))
    try:
        return RecordInput(**dict(data))
    except TypeError as exc:
        raise ValidationError(str(exc), field="record", rule="required") from None


def dumps(view: RecordView) -> str:
    return json.dumps(view.as_dict(), ensure_ascii=False)
