"""Small pieces the pillar's services share: reading inputs from plain data (CLI JSON, HTTP bodies,
platform files), dates, roster look-ups, and the calendar its periods are counted on."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Deployment, Level, NotFound, ValidationError, WorkCalendar, tables

# the core's input and time helpers, under the names this pillar's modules use
from suyuan_core.inputs import date_conv, from_dict, need_date, opt_date_conv, strs
from suyuan_core.times import today
from suyuan_core.times import zone as tz
from suyuan_rule_of_law.settings import Settings

__all__ = ["date_conv", "from_dict", "need_date", "opt_date_conv", "strs", "today", "tz"]

T = TypeVar("T")
PLUGIN = "rule_of_law"


def reading(d: Deployment, session: Session | None) -> AbstractContextManager[Session]:
    """Read in the caller's transaction when there is one (so a write's answer shows the write),
    else in a read-only session of its own."""
    return nullcontext(session) if session is not None else d.reading()


def settings(d: Deployment) -> Settings:
    found: Settings = d.settings(PLUGIN)
    return found


def calendar(d: Deployment) -> WorkCalendar:
    s = settings(d)
    return WorkCalendar(d.config.core.deployment.timezone, holidays=s.holidays,
                        workdays=s.workdays, county_years=s.county_years,
                        config_path=f"plugins.{PLUGIN}")


def community(d: Deployment, code: str, field: str = "area_code") -> str:
    """``code`` must be a village/community of the area tree."""
    tree = d.areas.tree
    if code not in tree:
        raise NotFound(f"no area {code!r}", field=field, rule="exists")
    if tree.get(code).level is not Level.community:
        raise ValidationError(f"{code} is a {tree.get(code).level.value}, not a village/community",
                              field=field, rule="community")
    return code


def communities(d: Deployment, under: str | None = None) -> list[str]:
    tree = d.areas.tree
    codes = tree.subtree(under) if under else list(tree.areas)
    return sorted(c for c in codes if tree.get(c).level is Level.community)


def area_name(d: Deployment, code: str) -> str:
    tree = d.areas.tree
    return tree.name(code)


def person(s: Session, external_id: str, field: str) -> Any:
    p = tables.persons.c
    row = s.execute(sa.select(tables.persons).where(p.external_id == external_id)).first()
    if row is None:
        raise NotFound(f"no roster member {external_id!r}", field=field, rule="exists",
                       hint="add her with `suyuan roster import`")
    return row


def roles_of(s: Session, person_id: int) -> set[str]:
    r = tables.person_roles.c
    return set(s.scalars(sa.select(r.role).where(r.person_id == person_id)))


def organisation(s: Session, external_id: str, field: str) -> Any:
    o = tables.organisations.c
    row = s.execute(sa.select(tables.organisations).where(o.external_id == external_id)).first()
    if row is None:
        raise NotFound(f"no organisation {external_id!r}", field=field, rule="exists")
    return row


def event_time(d: Deployment, s: Session, case_id: int, day: dt.date) -> dt.datetime:
    """:meth:`suyuan_core.CaseService.day_time`: noon of ``day``, never before the case's last
    event."""
    return d.cases.day_time(case_id, day, s)


def month_bounds(month: str | dt.date) -> tuple[dt.date, dt.date]:
    """``"2026-05"`` → (2026-05-01, 2026-06-01): a half-open month."""
    if isinstance(month, dt.date):
        start = month.replace(day=1)
    else:
        try:
            start = dt.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise ValidationError(f"{month!r} is not a month (YYYY-MM)", field="month",
                                  rule="month") from None
    end = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, end
