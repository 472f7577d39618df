"""Small shared pieces: looking up roster people and organisations by the county's own ids, and
— under the names this pillar's modules use — the core's input and time helpers
(:mod:`suyuan_core.inputs`, :mod:`suyuan_core.times`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import NotFound, tables
from suyuan_core.http import area_path
from suyuan_core.inputs import date_conv, from_dict, need_date, opt_date_conv, strs, text
from suyuan_core.inputs import one_of as code_of
from suyuan_core.inputs import opt_date as to_date
from suyuan_core.tables import under
from suyuan_core.times import from_db as from_db_time
from suyuan_core.times import local_date, today
from suyuan_core.times import local_time as noon
from suyuan_core.times import to_db as db_time
from suyuan_core.times import zone as tz

__all__ = ["area_path", "code_of", "date_conv", "db_time", "from_db_time", "from_dict",
           "local_date", "need_date", "noon", "opt_date_conv", "organisation",
           "organisations_by_id", "person", "persons_by_id", "roles_of", "strs", "text", "to_date",
           "today", "tz", "under"]


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

