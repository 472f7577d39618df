"""Small shared pieces: reading inputs (JSON from the CLI or, later, HTTP), looking up roster
members and bodies, area coverage, and local dates."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Deployment, NotFound, ValidationError, tables
from suyuan_self_governance.vocab import Labels

T = TypeVar("T")

#: any of these in an input means someone tries to record a charge: refused everywhere.
FEE_WORDS = ("fee", "fees", "charge", "charges", "cost", "price", "payment_to_mediator",
             "费用", "收费", "调解费")
NO_FEE = ("people's mediation charges no fee of any kind "
          "(人民调解不收取任何费用, People's Mediation Law Art 4)")


def strs(value: Iterable[str]) -> tuple[str, ...]:
    """attrs converter: any iterable of texts → a tuple."""
    return tuple(str(v) for v in value)


def refuse_fees(data: Mapping[str, Any], where: str) -> None:
    for key in data:
        if str(key).lower() in FEE_WORDS:
            raise ValidationError(NO_FEE, field=f"{where}.{key}", rule="no_fee")


def from_dict(cls: type[T], data: Mapping[str, Any], where: str | None = None) -> T:
    """Build an input class from plain data (a JSON file, a form): unknown fields are named, fee
    fields are refused with the law that forbids them."""
    name = where or cls.__name__
    if not isinstance(data, Mapping):
        raise ValidationError("expected an object", field=name, rule="type")
    refuse_fees(data, name)
    known = {f.name for f in attrs.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationError(f"unknown field(s) {', '.join(unknown)}", field=name, rule="known_fields",
                              hint="known: " + ", ".join(sorted(known)))
    try:
        return cls(**data)
    except TypeError as exc:
        raise ValidationError(str(exc), field=name, rule="required") from None


def code_of(labels: Labels, value: str, field: str) -> str:
    if value not in labels:
        raise ValidationError(f"{value!r} is not one of {', '.join(labels)}", field=field,
                              rule="one_of")
    return value


def to_date(value: dt.date | str | None, field: str = "date") -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{value!r} is not a date (YYYY-MM-DD)", field=field,
                              rule="date") from None


def need_date(value: dt.date | str, field: str = "date") -> dt.date:
    found = to_date(value, field)
    if found is None:
        raise ValidationError("a date is required", field=field, rule="required")
    return found


def date_conv(field: str) -> Any:
    """An attrs converter: ISO text or a date → a date, errors naming ``field``."""
    return lambda value: need_date(value, field)


def opt_date_conv(field: str) -> Any:
    return lambda value: to_date(value, field)


def time_conv(field: str) -> Any:
    return lambda value: to_datetime(value, field)


def to_datetime(value: dt.datetime | str, field: str = "time") -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{value!r} is not a date-time (ISO 8601)", field=field,
                                  rule="datetime") from None
    if value.tzinfo is None:
        raise ValidationError("needs a time zone, e.g. 2026-05-03T09:30+08:00", field=field,
                              rule="aware_datetime")
    return value


def db_time(value: dt.datetime) -> dt.datetime:
    """Aware → naive UTC, as the core stores times."""
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def from_db_time(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC)


def tz(d: Deployment) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(d.config.core.deployment.timezone)


def local_date(d: Deployment, at: dt.datetime) -> dt.date:
    return at.astimezone(tz(d)).date()


def today(d: Deployment) -> dt.date:
    return dt.datetime.now(tz(d)).date()


@attrs.frozen
class Member:
    """A roster member as this pillar needs to see her."""

    id: int
    external_id: str
    name: str
    gender: str
    employment: str
    capacity: int
    specialities: tuple[str, ...]
    roles: tuple[str, ...]
    areas: tuple[str, ...]
    active_from: dt.date | None
    active_to: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or day <= self.active_to)


def members(s: Session, *, external_ids: Sequence[str] | None = None,
            ids: Sequence[int] | None = None, roles: Sequence[str] | None = None) -> list[Member]:
    p, pr, pa = tables.persons.c, tables.person_roles.c, tables.person_areas.c
    query = sa.select(tables.persons).order_by(p.external_id)
    if external_ids is not None:
        query = query.where(p.external_id.in_(list(external_ids)))
    if ids is not None:
        query = query.where(p.id.in_(list(ids)))
    if roles is not None:
        query = query.where(p.id.in_(sa.select(pr.person_id).where(pr.role.in_(list(roles)))))
    rows = s.execute(query).all()
    found_ids = [r.id for r in rows]
    role_map: dict[int, list[str]] = {}
    area_map: dict[int, list[str]] = {}
    for chunk in range(0, len(found_ids), 900):
        part = found_ids[chunk:chunk + 900]
        for pid, role in s.execute(sa.select(pr.person_id, pr.role).where(pr.person_id.in_(part))):
            role_map.setdefault(pid, []).append(role)
        for pid, area in s.execute(sa.select(pa.person_id, pa.area_code)
                                   .where(pa.person_id.in_(part))):
            area_map.setdefault(pid, []).append(area)
    return [Member(id=r.id, external_id=r.external_id, name=r.name, gender=r.gender,
                   employment=r.employment, capacity=r.capacity,
                   specialities=tuple(r.specialities or ()),
                   roles=tuple(sorted(role_map.get(r.id, ()))),
                   areas=tuple(sorted(area_map.get(r.id, ()))),
                   active_from=r.active_from, active_to=r.active_to) for r in rows]


def member(s: Session, external_id: str, field: str) -> Member:
    found = members(s, external_ids=[external_id])
    if not found:
        raise NotFound(f"no roster member {external_id!r}", field=field, rule="exists",
                       hint="add her with `suyuan self-governance mediators import` or "
                            "`suyuan roster import`")
    return found[0]


def covers(d: Deployment, areas: Sequence[str], area_code: str) -> bool:
    """Whether someone covering ``areas`` covers ``area_code`` (it is in one of their subtrees)."""
    tree = d.areas.tree
    if area_code not in tree:
        return False
    above = set(tree.ancestors(area_code))
    return any(a in above for a in areas)


def area_names(d: Deployment, codes: Sequence[str]) -> str:
    tree = d.areas.tree
    return "、".join(tree.get(c).name_zh if c in tree else c for c in codes) or "no area"


def organisation(s: Session, external_id: str, field: str, kind: str | None = None) -> Any:
    o = tables.organisations.c
    row = s.execute(sa.select(tables.organisations).where(o.external_id == external_id)).first()
    if row is None or (kind is not None and row.kind != kind):
        what = f"{kind} " if kind else ""
        raise NotFound(f"no {what}organisation {external_id!r}", field=field, rule="exists")
    return row


def event_time(d: Deployment, s: Session, case_id: int, day: dt.date) -> dt.datetime:
    """When to date an event that happened on ``day`` (noon, local): never before the case's last
    event, since a case's timeline only moves forward."""
    at = dt.datetime.combine(day, dt.time(12), tz(d))
    e = tables.case_events.c
    last = s.scalar(sa.select(sa.func.max(e.occurred_at)).where(e.case_id == case_id))
    if last is not None and from_db_time(last) > at:
        return from_db_time(last)
    return at


def open_load(s: Session, handlers: Sequence[str]) -> dict[str, int]:
    """Open cases per handler (``person:<id>``) among assigned and in-progress cases."""
    c = tables.cases.c
    wanted = set(handlers)
    load: dict[str, int] = {}
    rows = s.execute(sa.select(c.assignees).where(c.status.in_(["assigned", "in_progress"])))
    for (assignees,) in rows:
        for a in assignees or ():
            if a in wanted:
                load[a] = load.get(a, 0) + 1
    return load
