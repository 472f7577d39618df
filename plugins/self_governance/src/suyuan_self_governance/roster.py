"""The mediator roster and the bodies people sit on.

People are the core's roster members (``d.roster``); this adds a mediator's five-veterans
background and availability, and the bodies of self-governance with their members:

* 人民调解委员会 (People's Mediation Law Art 8–9): one per village/community, 3–9 members, exactly
  one chair, at least one woman (and a member of an ethnic minority in a mixed area), chosen by
  the villagers' assembly for a 3-year term;
* 调解室 (a named personal studio) with a lead and members, all mediators;
* 村(居)务监督委员会 (Organic Law Art 32), whose members may not be members of the villagers'
  committee or close relatives of one;
* 村(居)民委员会 and 院落互助联盟 (courtyard alliances).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import (
    GENDERS,
    Deployment,
    ImportFailed,
    Level,
    NotFound,
    Organisation,
    Person,
    ValidationError,
    imports,
    tables,
)
from suyuan_core.inputs import FILLED, NO_NUL, accepts
from suyuan_self_governance import models as m
from suyuan_self_governance.common import opt_date_conv
from suyuan_self_governance.vocab import BACKGROUNDS, BODY_KINDS, CLOSE_RELATIONS, INVERSE_RELATION, POSITIONS

#: Art 8: a mediation committee has three to nine members.
COMMITTEE_MIN, COMMITTEE_MAX = 3, 9
#: Art 9: each term is three years.
COMMITTEE_TERM_YEARS = 3

MEDIATOR_FIELDS = ("external_id", "name", "gender", "employment", "background", "areas",
                   "specialities", "capacity", "phone", "active_from", "active_to", "available")


def _split(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.replace("；", ";").split(";") if v.strip())
    return tuple(str(v) for v in value)


@attrs.frozen
class MediatorInput:
    """One people's mediator as the roster import reads her."""

    external_id: str = attrs.field(metadata=accepts(max_length=64, pattern=FILLED))
    name: str = attrs.field(metadata=accepts(max_length=100, pattern=FILLED))
    background: str = attrs.field(metadata=accepts(enum=BACKGROUNDS))
    areas: tuple[str, ...] = attrs.field(converter=_split, metadata=accepts(min_items=1))
    gender: str = attrs.field(default="unknown", metadata=accepts(enum=sorted(GENDERS)))
    employment: str = attrs.field(default="part_time",
                                  metadata=accepts(enum=("full_time", "part_time")))
    specialities: tuple[str, ...] = attrs.field(default=(), converter=_split)
    capacity: int = attrs.field(default=10, metadata=accepts(minimum=0, maximum=10000))
    phone: str | None = attrs.field(default=None, metadata=accepts(max_length=32,
                                                                     pattern=NO_NUL))
    active_from: dt.date | None = attrs.field(default=None, converter=opt_date_conv("active_from"))  # type: ignore[misc]
    active_to: dt.date | None = attrs.field(default=None, converter=opt_date_conv("active_to"))  # type: ignore[misc]
    available: bool = True

    def __attrs_post_init__(self) -> None:
        if self.background not in BACKGROUNDS:
            raise ValidationError(f"{self.background!r} is not one of {', '.join(BACKGROUNDS)}",
                                  field="background", rule="one_of")
        if not self.areas:
            raise ValidationError("a mediator covers at least one area", field="areas",
                                  rule="non_empty")

    def person(self) -> Person:
        roles = ("mediator", "lawyer") if self.background == "lawyer" else ("mediator",)
        return Person(external_id=self.external_id, name=self.name, roles=roles, areas=self.areas,
                      gender=self.gender, employment=self.employment,
                      specialities=self.specialities, capacity=self.capacity, phone=self.phone,
                      active_from=self.active_from, active_to=self.active_to)


def _mediator_from_row(row: dict[str, Any]) -> MediatorInput:
    values: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()
                              if k in MEDIATOR_FIELDS and v not in (None, "")}
    for required in ("external_id", "name", "background", "areas"):
        if required not in values:
            raise ValidationError("is required", field=required, rule="required")
    if "capacity" in values:
        try:
            values["capacity"] = int(values["capacity"])
        except ValueError:
            raise ValidationError(f"{values['capacity']!r} is not a whole number",
                                  field="capacity", rule="integer") from None
    if "available" in values and isinstance(values["available"], str):
        values["available"] = values["available"].lower() in ("1", "true", "yes", "是", "y")
    return MediatorInput(**values)


@attrs.frozen
class BodyMember:
    person: str = attrs.field(metadata=accepts(max_length=64, pattern=FILLED))
    position: str = attrs.field(default="member", metadata=accepts(enum=POSITIONS))
    minority: bool = False


def _members(value: Any) -> tuple[BodyMember, ...]:
    out = []
    for i, item in enumerate(value or ()):
        if isinstance(item, BodyMember):
            out.append(item)
        elif isinstance(item, str):
            out.append(BodyMember(person=item))
        elif isinstance(item, dict):
            unknown = set(item) - {"person", "position", "minority"}
            if unknown or "person" not in item:
                raise ValidationError("each member is {person, position, minority}",
                                      field=f"members[{i}]", rule="shape")
            out.append(BodyMember(**item))
        else:
            raise ValidationError("each member is {person, position, minority}",
                                  field=f"members[{i}]", rule="shape")
    return tuple(out)


@attrs.frozen
class BodyInput:
    """A committee, studio, supervision committee, villagers' committee or courtyard alliance."""

    external_id: str
    name: str
    kind: str = attrs.field(metadata=accepts(enum=BODY_KINDS))
    area_code: str
    members: tuple[BodyMember, ...] = attrs.field(converter=_members,
                                                  metadata=accepts(min_items=1))
    term_start: dt.date | None = attrs.field(default=None, converter=opt_date_conv("term_start"))  # type: ignore[misc]
    term_end: dt.date | None = attrs.field(default=None, converter=opt_date_conv("term_end"))  # type: ignore[misc]
    elected_by: str | None = None
    mixed_ethnic_area: bool = False


@attrs.frozen
class Body:
    id: int
    external_id: str
    name: str
    kind: str
    area_code: str
    term_start: dt.date | None
    term_end: dt.date | None
    elected_by: str | None
    mixed_ethnic_area: bool
    members: tuple[dict[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Roster:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    # -- mediators ---------------------------------------------------------------------------
    def save_mediators(self, items: Sequence[MediatorInput], *, session: Session | None = None,
                       line_of: dict[str, int] | None = None) -> tuple[int, int]:
        """Add or update mediators and their profiles in one transaction (all or nothing). A
        mediator listed twice is refused with both positions; nothing is written."""
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.external_id in seen:
                first = seen[item.external_id] + 1
                raise ValidationError(f"{item.external_id!r} is listed twice (entries {first} and "
                                      f"{i + 1})", field=f"mediators[{i}].external_id",
                                      rule="unique")
            seen[item.external_id] = i
        with self.d.transaction(session) as s:
            added, updated = self.d.roster.save([i.person() for i in items], session=s,
                                                line_of=line_of)
            ids = dict(s.execute(sa.select(tables.persons.c.external_id, tables.persons.c.id)
                                 .where(tables.persons.c.external_id.in_(
                                     [i.external_id for i in items]))).all())
            for item in items:
                pid = ids[item.external_id]
                s.execute(sa.delete(m.mediators).where(m.mediators.c.person_id == pid))
                s.execute(m.mediators.insert().values(person_id=pid, background=item.background,
                                                      available=item.available))
        return added, updated

    def import_csv(self, path: Path) -> tuple[int, int]:
        """Import a mediator roster. A member listed twice (the same ``external_id``, or the same
        name and phone under two ids) stops the import with both line numbers; nothing is written.
        Importing the same file again updates the members in place."""
        read = imports.read_csv(path, _mediator_from_row,
                                required=("external_id", "name", "background", "areas"),
                                key=lambda item: item.external_id)
        items, lines = read.items, read.line_of
        phones: dict[tuple[str, str], str] = {}
        for item in items:
            if item.phone:
                key = (item.name, item.phone)
                if key in phones:
                    other = phones[key]
                    raise ImportFailed(lines[item.external_id], "external_id",
                                       f"{item.name} ({item.phone}) is a duplicate of "
                                       f"{other!r} on line {lines[other]}")
                phones[key] = item.external_id
        with self.d.transaction() as s:
            p = tables.persons.c
            for item in items:
                if not item.phone:
                    continue
                clash = s.execute(sa.select(p.external_id).where(
                    p.name == item.name, p.phone == item.phone,
                    p.external_id != item.external_id)).scalar()
                if clash is not None:
                    raise ImportFailed(lines[item.external_id], "external_id",
                                       f"{item.name} ({item.phone}) is already on the roster as "
                                       f"{clash!r}")
            return self.save_mediators(items, session=s, line_of=lines)

    def set_availability(self, external_id: str, available: bool,
                         until: dt.date | None = None, *,
                         session: Session | None = None) -> None:
        with self.d.transaction(session) as s:
            who = self.d.roster.get(external_id, session=s, field="mediator")
            result = s.execute(m.mediators.update().where(m.mediators.c.person_id == who.id)
                               .values(available=available, unavailable_until=until))
            if not getattr(result, "rowcount", 0):
                raise NotFound(f"{external_id!r} has no mediator profile", field="mediator",
                               rule="exists")

    def mediators(self, area_code: str | None = None) -> list[dict[str, Any]]:
        with self.d.reading() as s:
            profiles = {r.person_id: r for r in s.execute(sa.select(m.mediators))}
            found = self.d.roster.people(s, ids=list(profiles))
        out = []
        for who in found:
            if area_code and not any(a in self.d.areas.tree.subtree(area_code) or
                                     area_code in self.d.areas.tree.ancestors(a)
                                     for a in who.areas if a in self.d.areas.tree):
                continue
            prof = profiles[who.id]
            out.append({"external_id": who.external_id, "name": who.name, "gender": who.gender,
                        "employment": who.employment, "background": prof.background,
                        "areas": list(who.areas), "specialities": list(who.specialities),
                        "capacity": who.capacity, "available": prof.available,
                        "unavailable_until": prof.unavailable_until})
        return out

    def counts(self) -> dict[str, int]:
        with self.d.reading() as s:
            total = s.scalar(sa.select(sa.func.count()).select_from(m.mediators)) or 0
            full = s.scalar(sa.select(sa.func.count()).select_from(m.mediators).join(
                tables.persons, tables.persons.c.id == m.mediators.c.person_id).where(
                tables.persons.c.employment == "full_time")) or 0
        return {"mediators": int(total), "full_time": int(full)}

    # -- relatives -----------------------------------------------------------------------------
    def add_relative(self, person: str, relative: str, relation: str, *,
                     session: Session | None = None) -> None:
        """Record a close relationship (近亲属) both ways."""
        if relation not in CLOSE_RELATIONS:
            raise ValidationError(f"{relation!r} is not a close relation "
                                  f"({', '.join(CLOSE_RELATIONS)})", field="relation",
                                  rule="one_of")
        with self.d.transaction(session) as s:
            a = self.d.roster.get(person, session=s, field="person")
            b = self.d.roster.get(relative, session=s, field="relative")
            if a.id == b.id:
                raise ValidationError("a person is not her own relative", field="relative",
                                      rule="distinct")
            for x, y, rel in ((a.id, b.id, relation), (b.id, a.id, INVERSE_RELATION[relation])):
                s.execute(sa.delete(m.relatives).where(m.relatives.c.person_id == x,
                                                       m.relatives.c.relative_id == y))
                s.execute(m.relatives.insert().values(person_id=x, relative_id=y, relation=rel))
            self._check_supervision_bar(s, [i for i in (a.id, b.id) if i is not None])

    # -- bodies --------------------------------------------------------------------------------
    def save_body(self, body: BodyInput, *, session: Session | None = None) -> Body:
        """Create or replace a body and its members, after checking the rules for its kind."""
        d = self.d
        if body.kind not in BODY_KINDS:
            raise ValidationError(f"{body.kind!r} is not one of {', '.join(BODY_KINDS)}",
                                  field="kind", rule="one_of")
        area = d.areas.tree.get(body.area_code)
        with d.transaction(session) as s:
            people = self._people(s, body)
            term_end = self._check_body(s, body, area.level, people)
            d.roster.save_organisations([Organisation(external_id=body.external_id, name=body.name,
                                                      kind=body.kind, area_code=body.area_code)],
                                        session=s)
            oid = s.execute(sa.select(tables.organisations.c.id).where(
                tables.organisations.c.external_id == body.external_id)).scalar_one()
            s.execute(sa.delete(m.bodies).where(m.bodies.c.organisation_id == oid))
            s.execute(m.bodies.insert().values(
                organisation_id=oid, kind=body.kind, area_code=body.area_code,
                term_start=body.term_start, term_end=term_end, elected_by=body.elected_by,
                mixed_ethnic_area=body.mixed_ethnic_area))
            s.execute(sa.delete(m.body_members).where(m.body_members.c.organisation_id == oid))
            s.execute(m.body_members.insert(), [
                {"organisation_id": oid, "person_id": who.id, "position": bm.position,
                 "minority": bm.minority} for bm, who in zip(body.members, people, strict=True)])
            if body.kind in ("supervision_committee", "villagers_committee"):
                self._check_supervision_bar(s, [who.id for who in people if who.id is not None])
            return self.body(body.external_id, session=s)

    def _people(self, s: Session, body: BodyInput) -> list[Person]:
        people = []
        seen: set[str] = set()
        for i, bm in enumerate(body.members):
            if bm.position not in POSITIONS:
                raise ValidationError(f"{bm.position!r} is not one of {', '.join(POSITIONS)}",
                                      field=f"members[{i}].position", rule="one_of")
            if bm.person in seen:
                raise ValidationError(f"{bm.person!r} is listed twice", field=f"members[{i}].person",
                                      rule="unique")
            seen.add(bm.person)
            people.append(self.d.roster.get(bm.person, session=s, field=f"members[{i}].person"))
        return people

    def _check_body(self, s: Session, body: BodyInput, level: Level,
                    people: list[Person]) -> dt.date | None:
        kind = body.kind
        positions = [bm.position for bm in body.members]
        if not body.members:
            raise ValidationError("a body needs members", field="members", rule="non_empty")
        o, b = tables.organisations.c, m.bodies.c
        if kind in ("mediation_committee", "supervision_committee", "villagers_committee"):
            if level is not Level.community:
                raise ValidationError(f"a {kind} sits in a village or community, not a {level.name}",
                                      field="area_code", rule="community_level")
            other = s.execute(sa.select(o.external_id).join(m.bodies, b.organisation_id == o.id)
                              .where(b.kind == kind, b.area_code == body.area_code,
                                     o.external_id != body.external_id)).scalar()
            if other is not None:
                raise ValidationError(f"{body.area_code} already has a {kind}: {other!r}",
                                      field="area_code", rule="one_per_community",
                                      hint="update that one instead (same external_id)")
        term_end = body.term_end
        if kind == "mediation_committee":
            n = len(body.members)
            if not COMMITTEE_MIN <= n <= COMMITTEE_MAX:
                raise ValidationError(f"a mediation committee has 3 to 9 members, not {n} "
                                      "(人民调解委员会由委员三至九人组成, People's Mediation Law Art 8)",
                                      field="members", rule="mediation_law_art8_size")
            chairs = positions.count("chair")
            if chairs != 1:
                raise ValidationError(f"a mediation committee has exactly one chair, not {chairs} "
                                      "(设主任一人, Art 8)", field="members.position",
                                      rule="mediation_law_art8_one_chair")
            if not any(who.gender == "female" for who in people):
                raise ValidationError("a mediation committee must include a woman "
                                      "(应当有妇女成员, Art 8)", field="members",
                                      rule="mediation_law_art8_woman",
                                      hint="set gender = female on the roster for the woman member")
            if body.mixed_ethnic_area and not any(bm.minority for bm in body.members):
                raise ValidationError("in a multi-ethnic area the committee must include a member "
                                      "of an ethnic minority (Art 8)", field="members",
                                      rule="mediation_law_art8_minority")
            if body.term_start is None:
                raise ValidationError("the committee's term start is required (Art 9: 3-year term)",
                                      field="term_start", rule="required")
            expected = add_years(body.term_start, COMMITTEE_TERM_YEARS)
            if term_end is not None and term_end != expected:
                raise ValidationError(f"a committee's term is three years: from {body.term_start} it "
                                      f"ends on {expected}, not {term_end} (每届任期三年, Art 9)",
                                      field="term_end", rule="mediation_law_art9_term")
            term_end = expected
            if not body.elected_by:
                raise ValidationError("say which villagers' (residents') assembly elected the "
                                      "committee (Art 9)", field="elected_by", rule="required")
        elif kind == "mediation_studio":
            if positions.count("lead") != 1:
                raise ValidationError("a studio has exactly one lead (the person whose name it bears)",
                                      field="members.position", rule="one_lead")
            profiled = set(s.execute(sa.select(m.mediators.c.person_id)).scalars())
            for i, who in enumerate(people):
                if who.id not in profiled:
                    raise ValidationError(f"{who.name} ({who.external_id}) is not a people's mediator",
                                          field=f"members[{i}].person", rule="mediator")
        elif kind in ("supervision_committee", "villagers_committee") and \
                positions.count("chair") != 1:
            raise ValidationError("the committee has exactly one chair", field="members.position",
                                  rule="one_chair")
        if term_end is not None and body.term_start is not None and term_end < body.term_start:
            raise ValidationError("the term ends before it starts", field="term_end", rule="period")
        return term_end

    def _check_supervision_bar(self, s: Session, touched: Iterable[int]) -> None:
        """Organic Law Art 32: no member of the villagers' committee, nor a close relative of one,
        sits on the supervision committee of the same village."""
        b, bm, o = m.bodies.c, m.body_members.c, tables.organisations.c
        rows = s.execute(sa.select(b.area_code, b.kind, bm.person_id, o.name)
                         .join(m.body_members, bm.organisation_id == b.organisation_id)
                         .join(tables.organisations, o.id == b.organisation_id)
                         .where(b.kind.in_(["supervision_committee", "villagers_committee"]))).all()
        by_area: dict[str, dict[str, set[int]]] = {}
        for area, kind, pid, _ in rows:
            by_area.setdefault(area, {}).setdefault(kind, set()).add(pid)
        relatives: dict[int, dict[int, str]] = {}
        for r in s.execute(sa.select(m.relatives)):
            relatives.setdefault(r.person_id, {})[r.relative_id] = r.relation
        del touched  # every body is checked: the tables are small and a conflict is never stored
        for area, kinds in sorted(by_area.items()):
            supervisors = kinds.get("supervision_committee", set())
            officers = kinds.get("villagers_committee", set())
            for sup in sorted(supervisors):
                names = {x.id: x for x in self.d.roster.people(s, ids=[sup, *officers])}
                if sup in officers:
                    raise ValidationError(
                        f"{names[sup].name} ({names[sup].external_id}) is a member of the villagers' "
                        f"committee of {area} and so cannot sit on its supervision committee "
                        "(村民委员会成员及其近亲属不得担任村务监督机构成员, Organic Law Art 32)",
                        field="members", rule="organic_law_art32_conflict")
                for officer in sorted(officers):
                    relation = relatives.get(sup, {}).get(officer)
                    if relation is not None:
                        raise ValidationError(
                            f"{names[sup].name} ({names[sup].external_id}) is a close relative "
                            f"({CLOSE_RELATIONS[relation][0]} {relation}) of "
                            f"{names[officer].name}, a member of the villagers' committee of {area}, "
                            "and so cannot sit on its supervision committee (Organic Law Art 32)",
                            field="members", rule="organic_law_art32_conflict")

    def body(self, external_id: str, *, session: Session | None = None) -> Body:
        def read(s: Session) -> Body:
            o, b, bm = tables.organisations.c, m.bodies.c, m.body_members.c
            row = s.execute(sa.select(tables.organisations, m.bodies)
                            .join(m.bodies, b.organisation_id == o.id)
                            .where(o.external_id == external_id)).first()
            if row is None:
                raise NotFound(f"no body {external_id!r}", field="body", rule="exists")
            people = s.execute(sa.select(bm.position, bm.minority, tables.persons.c.external_id,
                                         tables.persons.c.name, tables.persons.c.gender)
                               .join(tables.persons, tables.persons.c.id == bm.person_id)
                               .where(bm.organisation_id == row.id)
                               .order_by(bm.id)).all()
            return Body(id=row.id, external_id=row.external_id, name=row.name, kind=row.kind,
                        area_code=row.area_code, term_start=row.term_start, term_end=row.term_end,
                        elected_by=row.elected_by, mixed_ethnic_area=row.mixed_ethnic_area,
                        members=tuple({"person": p.external_id, "name": p.name,
                                       "position": p.position, "gender": p.gender,
                                       "minority": p.minority} for p in people))
        if session is not None:
            return read(session)
        with self.d.reading() as s:
            return read(s)

    def bodies(self, kind: str | None = None, area_code: str | None = None) -> list[Body]:
        o, b = tables.organisations.c, m.bodies.c
        query = sa.select(o.external_id).join(m.bodies, b.organisation_id == o.id).order_by(
            o.external_id)
        if kind:
            query = query.where(b.kind == kind)
        if area_code:
            query = query.where(b.area_code.in_(self.d.areas.tree.subtree(area_code)))
        with self.d.reading() as s:
            ids = list(s.scalars(query))
            return [self.body(x, session=s) for x in ids]
