"""Social forces (seed §四 三) and everyone's part in cases.

People: Party members, volunteers, deputies and CPPCC members (两代表一委员), retired judicial
officers and retired police/legal officers — roster persons holding the role of the same name
(registered through ``suyuan_register_roles``), with a profile saying which deputy or where they
served. Organisations: social organisations (the county social workers' association, 爱有戏,
澜天), the law society, chambers of commerce and trade associations — roster organisations of
that kind.

* **participation**: a person or organisation joining a case (who, which case, what role) is a
  ``co_governance.participation`` case event — what the figures count — plus a row here; the
  first Party-member participation in a case is marked, so "cases with Party-member
  participation" counts cases, not people; joining an activity (a legal volunteer service day)
  is a row without a case;
* **service hours**: a volunteer's hours on a day, never in the future, at most a day's worth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs
import sqlalchemy as sa
from litestar.openapi.spec import OpenAPIType, Schema
from sqlalchemy.orm import Session

from suyuan_co_governance import models as m
from suyuan_co_governance.common import (
    area_path,
    code_of,
    db_time,
    from_db_time,
    local_date,
    need_date,
    noon,
    organisation,
    person,
    roles_of,
    strs,
    text,
    today,
    tz,
    under,
)
from suyuan_co_governance.settings import Settings
from suyuan_co_governance.vocab import (
    DEPUTY_KINDS,
    FORCES,
    ORG_FORCES,
    ORG_KINDS,
    PARTICIPATION_ROLES,
)
from suyuan_core import (
    GENDERS,
    Conflict,
    Deployment,
    Organisation,
    Period,
    Person,
    ValidationError,
    sql,
    tables,
)
from suyuan_core.inputs import FILLED, accepts
from suyuan_core.times import not_future

PERSON_FORCES = tuple(f for f in FORCES if f not in ORG_FORCES)
EVENT = "co_governance.participation"



@attrs.frozen
class ForcePersonInput:
    """A person of a social force on the roster (``force`` is also her roster role)."""

    #: a deputy's ``detail`` says which deputy she is (the service refuses anything else)
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = {
        "schema_if": Schema(properties={"force": Schema(const="deputy")}, required=["force"]),
        "then": Schema(properties={"detail": Schema(type=OpenAPIType.STRING,
                                                    enum=list(DEPUTY_KINDS))},
                       required=["detail"])}

    external_id: str = attrs.field(metadata=accepts(min_length=1, max_length=64, pattern=FILLED))
    name: str = attrs.field(metadata=accepts(min_length=1, max_length=100, pattern=FILLED))
    force: str = attrs.field(metadata=accepts(enum=PERSON_FORCES))
    areas: tuple[str, ...] = attrs.field(converter=strs, metadata=accepts(min_items=1))
    detail: str = ""
    gender: str = attrs.field(default="unknown", metadata=accepts(enum=sorted(GENDERS)))
    phone: str | None = None
    organisation: str | None = None


@attrs.frozen
class ForceOrgInput:
    """A social organisation, law society, chamber of commerce, trade association, a
    responsible unit of the ledger, or another body of this pillar."""

    external_id: str = attrs.field(metadata=accepts(min_length=1, max_length=64, pattern=FILLED))
    name: str = attrs.field(metadata=accepts(min_length=1, max_length=200, pattern=FILLED))
    kind: str = attrs.field(metadata=accepts(enum=tuple(
        k for k in ORG_KINDS if k in ORG_FORCES or k == "responsible_unit")))
    area_code: str


def _aware(value: dt.datetime | str | None) -> dt.datetime | None:
    """An optional time with its time zone (ISO 8601 text, or a datetime)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        at = value
    else:
        try:
            at = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(f"{value!r} is not a date-time", field="occurred_at",
                                  rule="datetime",
                                  hint="ISO 8601 with a time zone, e.g. 2026-05-03T09:30+08:00"
                                  ) from None
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValidationError("needs a time zone", field="occurred_at", rule="aware_datetime",
                              hint="e.g. 2026-05-03T09:30+08:00")
    return at


@attrs.frozen
class ParticipationInput:
    """Who joined which case (or activity), as what force, in what role: a case by ``case_id``
    or an activity by ``activity`` and ``area_code`` (one of them); an organisation force
    (social organisation, law society …) by ``organisation``, any other by ``person``."""

    #: exactly one of case and activity; an organisation force names the organisation (no
    #: person), a personal force the person — what :meth:`SocialForces.participate` checks.
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = {
        "one_of": [Schema(required=["case_id"]), Schema(required=["activity"])],
        "dependent_required": {"activity": ["area_code"]},
        "schema_if": Schema(properties={"force": Schema(enum=sorted(ORG_FORCES))},
                            required=["force"]),
        "then": Schema(properties={"organisation": Schema(min_length=1),
                                   "person": Schema(enum=[None, ""])},
                       required=["organisation"]),
        "schema_else": Schema(properties={"person": Schema(min_length=1)}, required=["person"])}

    force: str = attrs.field(metadata=accepts(enum=FORCES))
    role: str = attrs.field(metadata=accepts(enum=PARTICIPATION_ROLES))
    person: str | None = None
    organisation: str | None = None
    case_id: int | None = None
    activity: str | None = attrs.field(default=None, metadata=accepts(
        min_length=1, max_length=200, pattern=FILLED))
    area_code: str | None = None
    occurred_at: dt.datetime | None = attrs.field(default=None, converter=_aware,
                                                  metadata=accepts(not_future=True))
    note: str = attrs.field(default="", metadata=accepts(max_length=2000))


@attrs.frozen
class HoursInput:
    """志愿服务时长: a volunteer's hours on one day."""

    volunteer: str
    served_on: str = attrs.field(metadata=accepts(not_future=True))
    #: at least one minute (what is stored); the deployment's upper limit is checked on record
    hours: float = attrs.field(metadata=accepts(minimum=1 / 60))
    activity: str = attrs.field(metadata=accepts(min_length=1, max_length=200, pattern=FILLED))
    organisation: str | None = None
    case_id: int | None = None
    area_code: str | None = None


class SocialForces:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    @property
    def settings(self) -> Settings:
        return self.d.settings("co_governance")  # type: ignore[no-any-return]

    # -- roster --------------------------------------------------------------------------
    def save_people(self, items: Sequence[ForcePersonInput], *,
                    session: Session | None = None) -> int:
        """Add or update people of the social forces (all or nothing). Roles they already hold
        (a mediator who is also a Party member) are kept."""
        d = self.d
        people: list[Person] = []
        profiles: list[tuple[str, str, str]] = []
        with d.transaction(session) as s:
            for i, item in enumerate(items):
                where = f"people[{i}]" if len(items) > 1 else ""
                force = code_of({k: FORCES[k] for k in PERSON_FORCES}, item.force,
                                f"{where}.force".lstrip("."))
                if force == "deputy":
                    code_of(DEPUTY_KINDS, item.detail, f"{where}.detail".lstrip("."))
                detail = text(item.detail, "detail", required=False)
                if not item.areas:
                    raise ValidationError("give the areas she serves", field="areas",
                                          rule="required", hint="e.g. areas = C.T1.C1")
                # the id as the roster stores it (trimmed), for every look-up below
                external_id = text(item.external_id, "external_id", max_length=64)
                p = tables.persons.c
                existing = s.execute(sa.select(p.id).where(p.external_id == external_id)
                                     ).scalar()
                roles = roles_of(s, existing) if existing is not None else set()
                old_areas: set[str] = set()
                if existing is not None:
                    pa = tables.person_areas.c
                    old_areas = set(s.scalars(sa.select(pa.area_code)
                                              .where(pa.person_id == existing)))
                people.append(Person(
                    external_id=external_id,
                    name=text(item.name, "name", max_length=100),
                    roles=tuple(sorted(roles | {force})),
                    areas=tuple(sorted(old_areas | set(item.areas))), gender=item.gender,
                    phone=item.phone, organisation=item.organisation))
                profiles.append((external_id, force, detail))
            d.roster.save(people, session=s)
            p = tables.persons.c
            ids = dict(s.execute(sa.select(p.external_id, p.id).where(
                p.external_id.in_([x[0] for x in profiles]))).all())
            for external_id, force, detail in profiles:
                if force == "party_member":
                    continue  # a Party member's profile is her memberships
                fp = m.force_profiles.c
                s.execute(m.force_profiles.delete().where(fp.person_id == ids[external_id]))
                s.execute(m.force_profiles.insert(), {"person_id": ids[external_id],
                                                      "force": force, "detail": detail})
        return len(people)

    def save_orgs(self, items: Sequence[ForceOrgInput], *,
                  session: Session | None = None) -> int:
        orgs = []
        for i, item in enumerate(items):
            kind = code_of({k: v for k, v in ORG_KINDS.items()
                            if k in ORG_FORCES or k == "responsible_unit"}, item.kind,
                           f"orgs[{i}].kind" if len(items) > 1 else "kind")
            area_path(self.d, item.area_code)
            orgs.append(Organisation(external_id=text(item.external_id, "external_id",
                                                      max_length=64),
                                     name=text(item.name, "name"), kind=kind,
                                     area_code=item.area_code))
        return self.d.roster.save_organisations(orgs, session=session)

    def people(self, area_paths: Sequence[str] | None = None,
               force: str | None = None) -> list[dict[str, Any]]:
        p, pr, pa = tables.persons.c, tables.person_roles.c, tables.person_areas.c
        fp = m.force_profiles.c
        wanted = [force] if force else list(PERSON_FORCES)
        with self.d.reading() as s:
            rows = s.execute(sa.select(p.id, p.external_id, p.name, pr.role)
                             .join(tables.person_roles, pr.person_id == p.id)
                             .where(pr.role.in_(wanted)).order_by(p.external_id)).all()
            ids = [r.id for r in rows]
            areas: dict[int, list[str]] = {}
            details: dict[tuple[int, str], str] = {}
            for chunk in range(0, len(ids), 900):
                part = ids[chunk:chunk + 900]
                for pid, code in s.execute(sa.select(pa.person_id, pa.area_code)
                                           .where(pa.person_id.in_(part))):
                    areas.setdefault(pid, []).append(code)
                for r in s.execute(sa.select(m.force_profiles).where(fp.person_id.in_(part))):
                    details[(r.person_id, r.force)] = r.detail
            hours = self._hours_by_person(s, ids)
        tree = self.d.areas.tree
        out = []
        for r in rows:
            mine = sorted(areas.get(r.id, []))
            if area_paths is not None and not any(
                    tree.path(a).startswith(x) or x.startswith(tree.path(a))
                    for a in mine if a in tree for x in area_paths):
                continue
            out.append({"external_id": r.external_id, "name": r.name, "force": r.role,
                        "detail": details.get((r.id, r.role), ""), "areas": mine,
                        "hours": round(hours.get(r.id, 0) / 60, 1)})
        return out

    def orgs(self, area_paths: Sequence[str] | None = None) -> list[dict[str, Any]]:
        o = tables.organisations.c
        kinds = [*sorted(ORG_FORCES), "responsible_unit"]
        tree = self.d.areas.tree
        with self.d.reading() as s:
            rows = s.execute(sa.select(o.external_id, o.name, o.kind, o.area_code)
                             .where(o.kind.in_(kinds)).order_by(o.external_id)).all()
        return [{"external_id": r.external_id, "name": r.name, "kind": r.kind,
                 "area_code": r.area_code} for r in rows
                if area_paths is None or (r.area_code in tree and any(
                    tree.path(r.area_code).startswith(x) or x.startswith(tree.path(r.area_code))
                    for x in area_paths))]

    # -- participation -------------------------------------------------------------------
    def participate(self, item: ParticipationInput, *, actor: str,
                    session: Session | None = None) -> dict[str, Any]:
        """Record who joined a case (a ``co_governance.participation`` event) or activity."""
        d = self.d
        force = code_of(FORCES, item.force, "force")
        role = code_of(PARTICIPATION_ROLES, item.role, "role")
        note = text(item.note, "note", max_length=2000, required=False)
        if (item.case_id is None) == (item.activity is None):
            raise ValidationError("name either the case or the activity joined", field="case_id",
                                  rule="one_of", hint="give case_id, or activity with area_code")
        at = self._when(item.occurred_at)
        with d.transaction(session) as s:
            who_id = org_id = None
            who_label = ""
            if force in ORG_FORCES:
                if not item.organisation or item.person:
                    raise ValidationError(f"a {force} takes part as an organisation",
                                          field="organisation", rule="required",
                                          hint="give organisation (its roster id), not person")
                org = organisation(s, item.organisation, "organisation", (force,))
                org_id, who_label = org.id, org.external_id
            else:
                if not item.person:
                    raise ValidationError(f"a {force} takes part as a person", field="person",
                                          rule="required", hint="give person (her roster id)")
                who = person(s, item.person, "person")
                if force not in roles_of(s, who.id):  # the roster's state: a 409
                    raise Conflict(f"{item.person} does not hold the {force} role",
                                   field="force", rule="role",
                                   hint=f"add her to the roster as {FORCES[force][0]} first")
                who_id, who_label = who.id, who.external_id
                if item.organisation:
                    org_id = organisation(s, item.organisation, "organisation").id
            pt = m.participations.c
            seq = None
            if item.case_id is not None:
                case = d.cases.get(item.case_id, s)
                area_code = case.area_code
                already = s.scalar(sa.select(sa.func.count()).where(
                    pt.case_id == case.id, pt.force == force)) or 0
                data: dict[str, Any] = {"force": force, "role": role,
                                        "first_of_force": already == 0,
                                        "first_party": force == "party_member" and already == 0}
                if who_id is not None:
                    data["person"] = who_label
                if item.organisation:
                    data["organisation"] = item.organisation
                if note:
                    data["note"] = note
                if at is None:
                    at = self._after_last(s, case.id or 0)
                after = d.cases.record(case.id or 0, EVENT, actor=actor, data=data,
                                       occurred_at=at, session=s)
                seq = after.version
            else:
                if not item.area_code:
                    raise ValidationError("say where the activity took place", field="area_code",
                                          rule="required")
                area_code = item.area_code
                text(item.activity, "activity")
                at = at or dt.datetime.now(tz(d))
                if local_date(d, at) > today(d):
                    raise ValidationError("an activity in the future has not happened yet",
                                          field="occurred_at", rule="not_future")
            path = area_path(d, area_code)
            row_id = s.execute(m.participations.insert().returning(pt.id), {
                "case_id": item.case_id, "activity": item.activity, "area_code": area_code,
                "area_path": path, "person_id": who_id, "organisation_id": org_id,
                "force": force, "role": role, "occurred_at": db_time(at), "event_seq": seq,
                "actor": actor}).scalar_one()
            return {"id": row_id, "case_id": item.case_id, "activity": item.activity,
                    "force": force, "role": role, "person": item.person,
                    "organisation": item.organisation, "occurred_at": at.isoformat(),
                    "event_seq": seq}

    def _when(self, at: dt.datetime | None) -> dt.datetime | None:
        if at is not None and at > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5):
            raise ValidationError("is in the future", field="occurred_at", rule="not_future",
                                  hint="record a participation once it has happened")
        return at

    def _after_last(self, s: Session, case_id: int) -> dt.datetime:
        e = tables.case_events.c
        last: dt.datetime | None = s.scalar(sa.select(sa.func.max(e.occurred_at)).where(e.case_id == case_id))
        now = dt.datetime.now(dt.UTC)
        if last is not None and from_db_time(last) > now:
            return from_db_time(last)
        return now

    def participations(self, *, case_id: int | None = None, force: str | None = None,
                       area_paths: Sequence[str] | None = None,
                       period: Period | None = None) -> list[dict[str, Any]]:
        pt, p, o = m.participations.c, tables.persons.c, tables.organisations.c
        query = (sa.select(pt.id, pt.case_id, pt.activity, pt.area_code, pt.force, pt.role,
                           pt.occurred_at, p.external_id.label("person"),
                           o.external_id.label("organisation"))
                 .outerjoin(tables.persons, p.id == pt.person_id)
                 .outerjoin(tables.organisations, o.id == pt.organisation_id).order_by(pt.id))
        if case_id is not None:
            query = query.where(pt.case_id == case_id)
        if force is not None:
            query = query.where(pt.force == force)
        if area_paths is not None:
            if not area_paths:
                return []
            query = query.where(sql.within(pt.area_path, area_paths))
        if period is not None:
            start, end = self._bounds(period)
            query = query.where(pt.occurred_at >= start, pt.occurred_at < end)
        with self.d.reading() as s:
            return [{"id": r.id, "case_id": r.case_id, "activity": r.activity,
                     "area_code": r.area_code, "force": r.force, "role": r.role,
                     "person": r.person, "organisation": r.organisation,
                     "occurred_at": from_db_time(r.occurred_at).isoformat()}
                    for r in s.execute(query)]

    def _bounds(self, period: Period) -> tuple[dt.datetime, dt.datetime]:
        zone = tz(self.d)
        return (db_time(dt.datetime.combine(period.start, dt.time(), zone)),
                db_time(dt.datetime.combine(period.end, dt.time(), zone)))

    # -- service hours -------------------------------------------------------------------
    def record_hours(self, item: HoursInput, *, actor: str,
                     session: Session | None = None) -> dict[str, Any]:
        d = self.d
        served = not_future(d, need_date(item.served_on, "served_on"), "served_on",
                            hint="hours are recorded once served: date them today or earlier")
        hours = item.hours
        limit = self.settings.max_hours_per_entry
        if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not (
                0 < hours <= limit):
            raise ValidationError(f"{hours!r} is not a number of hours above 0 and at most "
                                  f"{limit}", field="hours", rule="range",
                                  hint="one entry is one day's service, e.g. 2.5")
        minutes = round(float(hours) * 60)
        if minutes < 1:
            raise ValidationError("less than a minute", field="hours", rule="range")
        activity = text(item.activity, "activity")
        with d.transaction(session) as s:
            who = person(s, item.volunteer, "volunteer")
            if "volunteer" not in roles_of(s, who.id):  # the roster's state: a 409
                raise Conflict(f"{item.volunteer} is not a volunteer on the roster",
                               field="volunteer", rule="role",
                               hint="add her with force volunteer first")
            org_id = organisation(s, item.organisation, "organisation").id \
                if item.organisation else None
            area_code = item.area_code
            if item.case_id is not None:
                case = d.cases.get(item.case_id, s)
                area_code = area_code or case.area_code
            if area_code is None:
                pa = tables.person_areas.c
                area_code = s.scalar(sa.select(pa.area_code).where(pa.person_id == who.id)
                                     .order_by(pa.area_code).limit(1))
            if area_code is None:
                raise ValidationError("say where the service was given", field="area_code",
                                      rule="required")
            path = area_path(d, area_code)
            sh = m.service_hours.c
            row_id = s.execute(m.service_hours.insert().returning(sh.id), {
                "person_id": who.id, "organisation_id": org_id, "area_code": area_code,
                "area_path": path, "served_on": served, "minutes": minutes,
                "activity": activity, "case_id": item.case_id, "actor": actor}).scalar_one()
        return {"id": row_id, "volunteer": item.volunteer, "served_on": served.isoformat(),
                "hours": round(minutes / 60, 2), "activity": activity,
                "organisation": item.organisation, "case_id": item.case_id,
                "area_code": area_code}

    def hours(self, *, area_paths: Sequence[str] | None = None, period: Period | None = None,
              volunteer: str | None = None) -> list[dict[str, Any]]:
        """The service-hours entries behind the hours figure."""
        sh, p, o = m.service_hours.c, tables.persons.c, tables.organisations.c
        query = (sa.select(sh.id, sh.served_on, sh.minutes, sh.activity, sh.case_id,
                           sh.area_code, p.external_id, p.name, o.external_id.label("org"))
                 .join(tables.persons, p.id == sh.person_id)
                 .outerjoin(tables.organisations, o.id == sh.organisation_id)
                 .order_by(sh.served_on, sh.id))
        if area_paths is not None:
            if not area_paths:
                return []
            query = query.where(sql.within(sh.area_path, area_paths))
        if period is not None:
            query = query.where(sh.served_on >= period.start, sh.served_on < period.end)
        if volunteer is not None:
            query = query.where(p.external_id == volunteer)
        with self.d.reading() as s:
            return [{"id": r.id, "volunteer": r.external_id, "name": r.name,
                     "served_on": r.served_on.isoformat(), "hours": round(r.minutes / 60, 2),
                     "activity": r.activity, "case_id": r.case_id, "area_code": r.area_code,
                     "organisation": r.org} for r in s.execute(query)]

    def hours_total(self, area_code: str, period: Period) -> tuple[int, int]:
        """(whole hours served, entries) in the area's subtree in the period."""
        sh = m.service_hours.c
        path = self.d.areas.tree.path(area_code)
        with self.d.reading() as s:
            minutes, entries = s.execute(sa.select(
                sa.func.coalesce(sa.func.sum(sh.minutes), 0), sa.func.count())
                .where(under(sh.area_path, path), sh.served_on >= period.start,
                       sh.served_on < period.end)).one()
        return int(minutes) // 60, int(entries)

    def hours_entries(self, area_code: str, period: Period) -> list[int]:
        """Ids of the service-hours entries :meth:`hours_total` sums."""
        sh = m.service_hours.c
        path = self.d.areas.tree.path(area_code)
        with self.d.reading() as s:
            return list(s.scalars(sa.select(sh.id).where(
                under(sh.area_path, path), sh.served_on >= period.start,
                sh.served_on < period.end).order_by(sh.id)))

    def activity_participation(self, area_code: str, period: Period) -> tuple[int, int]:
        """(participations in activities, in cases) of every force in the area and period."""
        found = self.participations(area_paths=[self.d.areas.tree.path(area_code)],
                                    period=period)
        return (sum(1 for f in found if f["case_id"] is None),
                sum(1 for f in found if f["case_id"] is not None))

    @staticmethod
    def _hours_by_person(s: Session, ids: Sequence[int]) -> dict[int, int]:
        sh = m.service_hours.c
        out: dict[int, int] = {}
        for chunk in range(0, len(ids), 900):
            part = ids[chunk:chunk + 900]
            for pid, minutes in s.execute(sa.select(sh.person_id, sa.func.sum(sh.minutes))
                                          .where(sh.person_id.in_(part))
                                          .group_by(sh.person_id)):
                out[pid] = int(minutes or 0)
        return out


def day_time(d: Deployment, day: dt.date) -> dt.datetime:
    return noon(d, day)
