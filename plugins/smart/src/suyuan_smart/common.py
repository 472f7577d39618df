"""Small helpers every service of the plugin shares (time, SQL scope and route helpers come from
the core's public API: suyuan_core.times, .sql, .http)."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

from suyuan_core import Case, Deployment, NotFound
from suyuan_smart.settings import Settings
from suyuan_smart.workcal import WorkCalendar

NAME = "smart"
_calendars: weakref.WeakKeyDictionary[Deployment, WorkCalendar] = weakref.WeakKeyDictionary()


def settings(d: Deployment) -> Settings:
    s: Settings = d.settings(NAME)
    return s


def calendar(d: Deployment) -> WorkCalendar:
    """The deployment's working-day calendar (built once per Deployment)."""
    found = _calendars.get(d)
    if found is None:
        s = settings(d)
        found = WorkCalendar(d.config.core.deployment.timezone, holidays=s.holidays,
                             workdays=s.workdays, county_years=s.county_years,
                             missing_year=s.missing_year)
        _calendars[d] = found
    return found


def handler(unit: str) -> str:
    return f"organisation:{unit}"


def unit_of(d: Deployment, code: str) -> Any:
    for unit in settings(d).units:
        if unit.code == code:
            return unit
    raise NotFound(f"no responsible unit {code!r}", field="unit", rule="exists",
                   hint="units are listed in [[plugins.smart.units]]; known: "
                        + (", ".join(u.code for u in settings(d).units) or "none"))


def caller_phone(case: Case) -> str | None:
    for p in case.parties:
        if p.phone:
            return p.phone
    return None


#: area paths a listing is limited to (a caller's ``principal.scope(permission)``); None = all.
Scope = Sequence[str] | None


def in_scope(d: Deployment, area_code: str | None, scope: Scope) -> bool:
    if scope is None:
        return True
    if area_code is None or area_code not in d.areas.tree:
        return False
    path = d.areas.tree.path(area_code)
    return any(path.startswith(p) for p in scope)
