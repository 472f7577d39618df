"""Small shared pieces: reading inputs (JSON from the CLI or HTTP), dates in the county's time
zone, and looking up roster people and organisations by the county's own ids."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_co_governance.vocab import Labels
from suyuan_core import Deployment, NotFound, ValidationError, tables, times

T = TypeVar("T")
MAX_TEXT = 20000


def strs(value: Iterable[str] | None) -> tuple[str, ...]:
    """attrs converter: any iterable of texts → a tuple (a text alone is one item)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def from_dict(cls: type[T], data: Mapping[str, Any], where: str | None = None) -> T:
    """Build an input class from plain data; unknown and missing fields are named."""
    name = where or cls.__name__
    if not isinstance(data, Mapping):
        raise ValidationError("expected an object", field=name, rule="type")
    fields = attrs.fields(cls)  # type: ignore[arg-type]
    known = {f.name for f in fields}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationError(f"unknown field(s) {', '.join(unknown)}", field=name,
                              rule="known_fields", hint="known: " + ", ".join(sorted(known)))
    for f in fields:
        if f.default is attrs.NOTHING and f.name not in data:
            raise ValidationError("is required", field=f.name, rule="required")
    return cls(**data)


def text(value: Any, field: str, *, max_length: int = 200, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"expected text, not {type(value).__name__}", field=field,
                              rule="type")
    found: str = value.strip()
    if required and not found:
        raise ValidationError("must not be empty", field=field, rule="required")
    if len(found) > max_length:
        raise ValidationError(f"longer than {max_length} characters", field=field,
                              rule="max_length", hint=f"shorten it to {max_length} characters")
    if "\x00" in found:
        raise ValidationError("contains a NUL character", field=field, rule="text")
    return found


def code_of(labels: Labels, value: Any, field: str) -> str:
    if not isinstance(value, str) or value not in labels:
        raise ValidationError(f"{value!r} is not one of {', '.join(labels)}", field=field,
                              rule="one_of", hint="use one of " + ", ".join(labels))
    return value


def to_date(value: Any, field: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{value!r} is not a date", field=field, rule="date",
                              hint="write it as YYYY-MM-DD, e.g. 2026-05-03") from None


def need_date(value: Any, field: str) -> dt.date:
    found = to_date(value, field)
    if found is None:
        raise ValidationError("a date is required", field=field, rule="required",
                              hint="write it as YYYY-MM-DD, e.g. 2026-05-03")
    return found


def date_conv(field: str) -> Any:
    return lambda value: need_date(value, field)


def opt_date_conv(field: str) -> Any:
    return lambda value: to_date(value, field)


def tz(d: Deployment) -> zoneinfo.ZoneInfo:
    return times.zone(d)


def today(d: Deployment) -> dt.date:
    return times.today(d)


def noon(d: Deployment, day: dt.date) -> dt.datetime:
    return times.local_time(d, day)


def db_time(value: dt.datetime) -> dt.datetime:
    """Aware → naive UTC, as the core stores times."""
    return times.to_db(value)


def from_db_time(value: dt.datetime) -> dt.datetime:
    return times.from_db(value)


def local_date(d: Deployment, at: dt.datetime) -> dt.date:
    return times.local_date(d, at)


def area_path(d: Deployment, area_code: str, field: str = "area_code") -> str:
    if not isinstance(area_code, str) or area_code not in d.areas.tree:
        raise ValidationError(f"no area with code {area_code!r}", field=field, rule="exists",
                              hint="see `suyuan areas` or GET /api/v1/areas")
    return d.areas.tree.path(area_code)


def organisation(s: Session, external_id: str, field: str,
                 kinds: Iterable[str] | None = None) -> Any:
    """The core's organisation row, or a 404 naming the field (and the kinds it may be)."""
    o = tables.organisations.c
    row = s.execute(sa.select(tables.organisations).where(o.external_id == external_id)).first()
    wanted = tuple(kinds) if kinds is not None else None
    if row is None or (wanted is not None and row.kind not in wanted):
        what = " or ".join(wanted) + " " if wanted else ""
        raise NotFound(f"no {what}organisation {external_id!r}", field=field, rule="exists",
                       hint="add it with `suyuan co-governance orgs add` or `suyuan roster "
                            "import-organisations`")
    return row


def organisations_by_id(s: Session, ids: Iterable[int]) -> dict[int, Any]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    o = tables.organisations.c
    return {r.id: r for r in s.execute(sa.select(tables.organisations).where(o.id.in_(wanted)))}


def person(s: Session, external_id: str, field: str) -> Any:
    p = tables.persons.c
    row = s.execute(sa.select(tables.persons).where(p.external_id == external_id)).first()
    if row is None:
        raise NotFound(f"no roster member {external_id!r}", field=field, rule="exists",
                       hint="add her with `suyuan co-governance people add` or `suyuan roster "
                            "import`")
    return row


def roles_of(s: Session, person_id: int) -> set[str]:
    pr = tables.person_roles.c
    return set(s.scalars(sa.select(pr.role).where(pr.person_id == person_id)))


def persons_by_id(s: Session, ids: Iterable[int]) -> dict[int, Any]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    p = tables.persons.c
    return {r.id: r for r in s.execute(sa.select(tables.persons).where(p.id.in_(wanted)))}


def under(column: Any, path: str) -> Any:
    """SQL: an ``area_path`` column (``/C/C.T1/``) at ``path`` or below it (an index range)."""
    return tables.under(column, path)
