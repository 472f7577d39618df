"""Reading, adding and importing roster members (all-or-nothing, idempotent on external_id)."""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from suyuan_core import imports
from suyuan_core.domain.registry_items import Problem
from suyuan_core.domain.roster import Organisation, Person
from suyuan_core.errors import ImportFailed, NotFound, SuyuanError, ValidationError
from suyuan_core.sql import chunks
from suyuan_core.storage import tables

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

CSV_FIELDS = ("external_id", "name", "roles", "areas", "gender", "employment", "specialities",
              "capacity", "phone", "organisation", "active_from", "active_to")
#: the columns of ``roster import-organisations`` (and of ``roster export-organisations``).
ORGANISATION_FIELDS = ("external_id", "name", "kind", "area_code")
#: rows read per query when exporting (keyset pages: memory stays flat however long the roster).
EXPORT_PAGE = 1000


def write_csv(path: Path, fields: Iterable[str], rows: Iterable[dict[str, Any]]) -> int:
    """Write ``rows`` to ``path`` as CSV, streamed; the file appears only when complete (written
    beside it and renamed), so a failed export leaves nothing half-written. Returns the count."""
    if path.is_dir():
        raise ValidationError(f"{path} is a directory", field="path", rule="file",
                              hint="name the CSV file to write, e.g. roster.csv")
    part = path.with_name(path.name + ".part")
    count = 0
    try:
        with part.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(fields))
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
                count += 1
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return count


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def person_from_row(row: dict[str, Any]) -> Person:
    """A Person from a CSV/JSON row; list fields may be ``;``-separated text."""
    values: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()
              if k in CSV_FIELDS and v not in (None, "")}
    if "capacity" in values:
        try:
            values["capacity"] = int(values["capacity"])
        except ValueError:
            raise ValidationError(f"{values['capacity']!r} is not a whole number",
                                  field="Person.capacity", rule="integer") from None
    for key in ("active_from", "active_to"):
        if key in values and isinstance(values[key], str):
            try:
                values[key] = _date(values[key])
            except ValueError:
                raise ValidationError(f"{values[key]!r} is not a date (YYYY-MM-DD)",
                                      field=f"Person.{key}", rule="date") from None
    for required in ("external_id", "name", "roles"):
        if required not in values:
            raise ValidationError("is required", field=f"Person.{required}", rule="required")
    return Person(**values)


class RosterService:
    """The roster (``deployment.roster``): people and organisations, their roles and areas.
    Saves and imports are all-or-nothing and idempotent on ``external_id``."""

    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def check(self, person: Person, session: Session) -> None:
        """Refuse a person whose roles or areas are unknown, or whom a plugin's
        ``suyuan_validate_roster_member`` refuses."""
        for role in person.roles:
            if role not in self.d.roles:
                raise ValidationError(f"unknown role {role!r}", field="Person.roles",
                                      rule="exists", hint="known: " + ", ".join(self.d.roles.codes()))
        tree = self.d.areas.tree
        for area in person.areas:
            if area not in tree:
                raise ValidationError(f"unknown area {area!r}", field="Person.areas",
                                      rule="exists")
        problems: list[Problem] = [p for found in self.d.hook.suyuan_roster_validate_member(
            person=person, deployment=self.d, session=session) for p in (found or ())]
        if problems:
            raise ValidationError("; ".join(p.message for p in problems),
                                  field=problems[0].field, rule="suyuan_roster_validate_member")

    def _org_ids(self, session: Session, external_ids: Collection[str] | None = None
                 ) -> dict[str, int]:
        """Database ids by ``external_id``: of those given (one query per chunk, so a save costs
        what it writes, not what the roster already holds), or of every organisation."""
        o = tables.organisations.c
        if external_ids is None:
            return dict(session.execute(select(o.external_id, o.id)).all())
        found: dict[str, int] = {}
        for part in chunks(sorted(set(external_ids))):
            found.update(session.execute(select(o.external_id, o.id)
                                         .where(o.external_id.in_(part))).all())
        return found

    def save_organisations(self, orgs: Iterable[Organisation], *,
                           session: Session | None = None) -> int:
        """Add or update organisations (idempotent on ``external_id``). With ``session``, join the
        caller's transaction, so a plugin can write an organisation and its own rows atomically."""
        o = tables.organisations.c
        items = list(orgs)
        count = 0
        with self.d.transaction(session) as s:
            existing = self._org_ids(s, [org.external_id for org in items])
            added: list[dict[str, Any]] = []
            for org in items:
                self.d.areas.tree.get(org.area_code)
                values = {"external_id": org.external_id, "name": org.name, "kind": org.kind,
                          "area_code": org.area_code}
                if org.external_id in existing:
                    s.execute(tables.organisations.update().where(o.external_id == org.external_id)
                              .values(**values))
                else:
                    added.append(values)
                    existing[org.external_id] = 0  # a second row of the same id updates it
                count += 1
            pending: dict[str, dict[str, Any]] = {}
            for values in added:  # the last row of an id wins, as when written one by one
                pending[values["external_id"]] = values
            if pending:
                s.execute(tables.organisations.insert(), list(pending.values()))
        return count

    def save_declared(self) -> int:
        """Save the organisations plugins declare by configuration (hook
        ``suyuan_roster_organisations``) onto the roster; those whose area is not in the tree
        yet wait for the next call (``db upgrade`` and every area import call this)."""
        tree = self.d.areas.tree
        orgs = [o for found in self.d.hook.suyuan_roster_organisations(deployment=self.d)
                for o in (found or ()) if o.area_code in tree]
        return self.save_organisations(orgs) if orgs else 0

    def save(self, people: Iterable[Person], *, session: Session | None = None,
             line_of: dict[str, int] | None = None) -> tuple[int, int]:
        """Add or update people in one transaction; returns (added, updated).

        A bad member stops the whole batch: nothing of it is written.
        """
        added = updated = 0
        p = tables.persons.c
        seen: set[str] = set()
        items = list(people)
        with self.d.transaction(session) as s:
            orgs = self._org_ids(s, [x.organisation for x in items if x.organisation])
            ids: dict[str, int] = {}
            for part in chunks(sorted({x.external_id for x in items})):
                ids.update(s.execute(select(p.external_id, p.id)
                                     .where(p.external_id.in_(part))).all())
            new: list[tuple[Person, dict[str, Any]]] = []
            changed: list[tuple[Person, str]] = []
            for person in items:
                line = (line_of or {}).get(person.external_id, 0)
                try:
                    if person.external_id in seen:
                        raise ValidationError(f"{person.external_id!r} appears twice in this batch",
                                              field="Person.external_id", rule="unique",
                                              hint="each member once per import")
                    seen.add(person.external_id)
                    self.check(person, s)
                    if person.organisation and person.organisation not in orgs:
                        raise NotFound(f"unknown organisation {person.organisation!r}",
                                       field="Person.organisation", rule="exists",
                                       hint="import it first (suyuan roster "
                                            "import-organisations) or correct the code")
                except SuyuanError as exc:
                    if line_of is None:
                        raise
                    raise ImportFailed(line, exc.field, exc.message) from None
                values = {"external_id": person.external_id, "name": person.name,
                          "gender": person.gender, "employment": person.employment,
                          "phone": person.phone, "capacity": person.capacity,
                          "specialities": list(person.specialities),
                          "organisation_id": orgs.get(person.organisation or ""),
                          "active_from": person.active_from, "active_to": person.active_to}
                pid = ids.get(person.external_id)
                if pid is None:
                    new.append((person, values))
                    added += 1
                    changed.append((person, "added"))
                    continue
                s.execute(tables.persons.update().where(p.id == pid).values(**values))
                s.execute(delete(tables.person_roles).where(tables.person_roles.c.person_id == pid))
                s.execute(delete(tables.person_areas).where(tables.person_areas.c.person_id == pid))
                updated += 1
                changed.append((person, "updated"))
            # new members in multi-row inserts (ids back in the rows' order), then every
            # member's roles and areas in one insert each: a county roster in a few statements
            for batch in chunks(new, 500):
                rows = s.execute(tables.persons.insert().returning(
                    p.id, sort_by_parameter_order=True), [v for _, v in batch]).scalars().all()
                ids.update((person.external_id, pid)
                           for (person, _), pid in zip(batch, rows, strict=True))
            roles = [{"person_id": ids[x.external_id], "role": r}
                     for x in items for r in dict.fromkeys(x.roles)]
            areas = [{"person_id": ids[x.external_id], "area_code": a}
                     for x in items for a in dict.fromkeys(x.areas)]
            if roles:
                s.execute(tables.person_roles.insert(), roles)
            if areas:
                s.execute(tables.person_areas.insert(), areas)
            for person, change in changed:
                self.d.hook.suyuan_roster_member_changed(person=person, change=change,
                                                         deployment=self.d, session=s)
        return added, updated

    def import_organisations_csv(self, path: Path) -> int:
        """Organisations from CSV ``external_id,name,kind,area_code`` (all-or-nothing)."""
        def build(row: dict[str, str]) -> Organisation:
            org = Organisation(external_id=row.get("external_id", ""), name=row.get("name", ""),
                               kind=row.get("kind", ""), area_code=row.get("area_code", ""))
            if org.area_code not in self.d.areas.tree:
                raise ValidationError(f"unknown area {org.area_code!r}",
                                      field="Organisation.area_code", rule="exists")
            return org

        read = imports.read_csv(path, build, key=lambda o: o.external_id)
        return self.save_organisations(read.items)

    def import_csv(self, path: Path) -> tuple[int, int]:
        """People from CSV (columns :data:`CSV_FIELDS`), all-or-nothing; ``(added, updated)``.
        A bad line fails naming its number."""
        read = imports.read_csv(path, person_from_row, key=lambda p: p.external_id)
        return self.save(read.items, line_of=read.line_of)

    def export_organisations(self) -> Iterator[dict[str, str]]:
        """Every organisation as a row of :data:`ORGANISATION_FIELDS` (what
        ``roster import-organisations`` reads), those plugins made included; read in pages."""
        o = tables.organisations.c
        last = ""
        while True:
            with self.d.reading() as s:
                page = s.execute(select(o.external_id, o.name, o.kind, o.area_code)
                                 .where(o.external_id > last).order_by(o.external_id)
                                 .limit(EXPORT_PAGE)).all()
            for r in page:
                yield {"external_id": r.external_id, "name": r.name, "kind": r.kind,
                       "area_code": r.area_code}
            if len(page) < EXPORT_PAGE:
                return
            last = page[-1].external_id

    def export_people(self, *, reveal: bool) -> Iterator[dict[str, Any]]:
        """Every roster member as a row of :data:`CSV_FIELDS` (what ``roster import`` reads:
        lists ``;``-separated, dates ISO), read in pages of :data:`EXPORT_PAGE`. The columns
        declared sensitive for ``persons`` (the phone) are masked unless ``reveal``."""
        p, pr, pa = tables.persons.c, tables.person_roles.c, tables.person_areas.c
        o = tables.organisations.c
        last = ""
        while True:
            with self.d.reading() as s:
                page = s.execute(
                    select(tables.persons, o.external_id.label("organisation"))
                    .outerjoin(tables.organisations, o.id == p.organisation_id)
                    .where(p.external_id > last).order_by(p.external_id)
                    .limit(EXPORT_PAGE)).mappings().all()
                ids = [r["id"] for r in page]
                role_of: dict[int, list[str]] = {}
                area_of: dict[int, list[str]] = {}
                for part in chunks(ids):
                    for pid, role in s.execute(select(pr.person_id, pr.role)
                                               .where(pr.person_id.in_(part))):
                        role_of.setdefault(pid, []).append(role)
                    for pid, area in s.execute(select(pa.person_id, pa.area_code)
                                               .where(pa.person_id.in_(part))):
                        area_of.setdefault(pid, []).append(area)
            for r in page:
                shown = self.d.privacy.row("persons", dict(r), reveal)
                yield {"external_id": r["external_id"], "name": r["name"],
                       "roles": ";".join(sorted(role_of.get(r["id"], ()))),
                       "areas": ";".join(sorted(area_of.get(r["id"], ()))),
                       "gender": r["gender"], "employment": r["employment"],
                       "specialities": ";".join(r["specialities"] or ()),
                       "capacity": r["capacity"], "phone": shown["phone"] or "",
                       "organisation": r["organisation"] or "",
                       "active_from": r["active_from"].isoformat() if r["active_from"] else "",
                       "active_to": r["active_to"].isoformat() if r["active_to"] else ""}
            if len(page) < EXPORT_PAGE:
                return
            last = page[-1]["external_id"]

    def list(self, *, role: str | None = None, area_code: str | None = None,
             external_ids: Collection[str] | None = None,
             limit: int | None = None) -> Iterator[Person]:
        """Roster members, by ``external_id``: those holding ``role``, covering an area in
        ``area_code``'s subtree, or with the given ids."""
        yield from self.people(roles=[role] if role else None, area_code=area_code,
                               external_ids=external_ids, limit=limit)

    def people(self, session: Session | None = None, *,
               external_ids: Collection[str] | None = None, ids: Collection[int] | None = None,
               roles: Collection[str] | None = None, area_code: str | None = None,
               limit: int | None = None) -> tuple[Person, ...]:
        """Roster members with their roles and areas, by ``external_id``; read in ``session``
        (a plugin's own transaction, to see what it just wrote) or in a fresh read. Filters
        combine: ``external_ids`` / ``ids`` (database ids), holding any of ``roles``, covering an
        area in ``area_code``'s subtree. Roles and areas are fetched in chunks of
        :data:`suyuan_core.sql.CHUNK` ids, so a county-sized roster stays within SQLite's limit."""
        p, pr, pa = tables.persons.c, tables.person_roles.c, tables.person_areas.c
        o = tables.organisations.c
        query = (select(tables.persons, o.external_id.label("organisation"))
                 .outerjoin(tables.organisations, o.id == p.organisation_id)
                 .order_by(p.external_id))
        if external_ids is not None:
            query = query.where(p.external_id.in_(sorted(external_ids)))
        if ids is not None:
            query = query.where(p.id.in_(sorted(ids)))
        if roles is not None:
            query = query.where(p.id.in_(select(pr.person_id).where(pr.role.in_(sorted(roles)))))
        if area_code:
            codes = self.d.areas.tree.subtree(area_code)
            query = query.where(p.id.in_(select(pa.person_id).where(pa.area_code.in_(codes))))
        if limit:
            query = query.limit(limit)
        with self.d.transaction(session) if session is not None else self.d.reading() as s:
            rows = s.execute(query).all()
            role_of: dict[int, list[str]] = {}
            area_of: dict[int, list[str]] = {}
            for part in chunks([r.id for r in rows]):
                for pid, r in s.execute(select(pr.person_id, pr.role)
                                        .where(pr.person_id.in_(part))):
                    role_of.setdefault(pid, []).append(r)
                for pid, a in s.execute(select(pa.person_id, pa.area_code)
                                        .where(pa.person_id.in_(part))):
                    area_of.setdefault(pid, []).append(a)
        return tuple(Person(id=r.id, external_id=r.external_id, name=r.name,
                        roles=tuple(sorted(role_of.get(r.id, ()))),
                        areas=tuple(sorted(area_of.get(r.id, ()))), gender=r.gender,
                        employment=r.employment, specialities=tuple(r.specialities or ()),
                        capacity=r.capacity, phone=r.phone, organisation=r.organisation,
                        active_from=r.active_from, active_to=r.active_to) for r in rows)

    def organisations(self, *, area_codes: Collection[str] | None = None,
                      limit: int | None = None) -> tuple[Organisation, ...]:
        """Organisations on the roster, optionally only those in the given areas."""
        o = tables.organisations.c
        query = select(tables.organisations).order_by(o.external_id)
        if area_codes is not None:
            query = query.where(o.area_code.in_(sorted(area_codes)))
        if limit:
            query = query.limit(limit)
        with self.d.reading() as s:
            rows = s.execute(query).all()
        return tuple(Organisation(id=r.id, external_id=r.external_id, name=r.name, kind=r.kind,
                                  area_code=r.area_code) for r in rows)

    def check_handlers(self, handlers: Iterable[str], field: str = "assignees") -> None:
        """Refuse handlers that are not on the roster: ``person:<external_id>`` of a person,
        ``organisation:<external_id>`` of an organisation (what a person or a form may assign
        to; a typo or an injected string is never stored)."""
        items = [str(h) for h in handlers]
        for i, h in enumerate(items):
            kind, _, ref = h.partition(":")
            if kind not in ("person", "organisation") or not ref:
                raise ValidationError(f"{h[:60]!r} is not a handler", field=f"{field}[{i}]",
                                      rule="handler",
                                      hint="write person:<roster id> or organisation:<id>")
        missing = self.missing_handlers(items)
        for i, h in enumerate(items):
            if h in missing:
                raise ValidationError(f"{h[:60]!r} is not on the roster", field=f"{field}[{i}]",
                                      rule="on_roster",
                                      hint="see GET /api/v1/roster/people and /organisations")

    def missing_handlers(self, handlers: Iterable[str]) -> set[str]:
        """The ``person:…`` / ``organisation:…`` handlers among ``handlers`` that are not on the
        roster (anything else is not a handler at all, and missing too) — one query per kind
        and chunk, for a whole import at once."""
        wanted: dict[str, set[str]] = {"person": set(), "organisation": set()}
        bad: set[str] = set()
        for h in handlers:
            kind, _, ref = h.partition(":")
            if kind in wanted and ref:
                wanted[kind].add(ref)
            else:
                bad.add(h)
        columns = {"person": tables.persons.c.external_id,
                   "organisation": tables.organisations.c.external_id}
        with self.d.reading() as s:
            for kind, refs in wanted.items():
                found: set[str] = set()
                for part in chunks(sorted(refs)):
                    found.update(s.scalars(select(columns[kind]).where(columns[kind].in_(part))))
                bad.update(f"{kind}:{r}" for r in refs - found)
        return bad

    def organisation(self, external_id: str, *, kind: str | None = None,
                     session: Session | None = None, field: str = "organisation") -> Organisation:
        """One organisation by its ``external_id`` (and, when given, of ``kind``); 404 naming
        ``field`` otherwise."""
        o = tables.organisations.c
        query = select(tables.organisations).where(o.external_id == external_id)
        with self.d.transaction(session) if session is not None else self.d.reading() as s:
            r = s.execute(query).first()
        if r is None or (kind is not None and r.kind != kind):
            what = f"{kind} " if kind else ""
            raise NotFound(f"no {what}organisation {external_id!r}", field=field, rule="exists",
                           hint="add it with `suyuan roster import-organisations`")
        return Organisation(id=r.id, external_id=r.external_id, name=r.name, kind=r.kind,
                            area_code=r.area_code)

    def get(self, external_id: str, *, session: Session | None = None,
            field: str = "external_id") -> Person:
        """One roster member by ``external_id``; 404 naming ``field`` otherwise."""
        for person in self.people(session, external_ids=[external_id]):
            return person
        raise NotFound(f"no roster member {external_id!r}", field=field, rule="exists",
                       hint="add them with `suyuan roster import`")

    def count(self, role: str | None = None) -> int:
        """How many people are on the roster (holding ``role``, when given)."""
        with self.d.reading() as s:
            if role is None:
                return int(s.scalar(select(func.count()).select_from(tables.persons)) or 0)
            return int(s.scalar(select(func.count()).where(tables.person_roles.c.role == role))
                       or 0)
