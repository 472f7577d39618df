"""巡查: patrols by grid workers and red-armband volunteers.

A hazard found on a patrol opens a case at grid level in the same transaction as the patrol (one
step; source ``patrol``, linked back to the patrol). Patrol coverage — the share of grid-weeks with
at least one patrol — is a computed metric over this table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Deployment, Level, NewCase, Period, ValidationError, bounds
from suyuan_core.inputs import FILLED, NO_NUL, PartyInput, accepts, nested
from suyuan_core.tables import under
from suyuan_core.times import local_date, to_db, zone
from suyuan_self_governance import models as m
from suyuan_self_governance.common import area_names, covers, refuse_fees, time_conv
from suyuan_self_governance.settings import Settings


@attrs.frozen
class HazardInput:
    """A hazard found on a patrol: it opens a grid-level case (source ``patrol``)."""

    title: str = attrs.field(metadata=accepts(max_length=bounds.TITLE.max_length,
                                              pattern=FILLED))
    category: str = "other"
    description: str = attrs.field(default="", metadata=accepts(
        max_length=bounds.DESCRIPTION.max_length, pattern=NO_NUL))
    parties: tuple[PartyInput, ...] = attrs.field(
        default=(), converter=nested(PartyInput, "parties", refuse=refuse_fees),  # type: ignore[misc]
        metadata=accepts(max_items=bounds.MAX_PARTIES))


@attrs.frozen
class PatrolInput:
    grid_code: str
    patroller: str
    started_at: dt.datetime = attrs.field(converter=time_conv("started_at"),  # type: ignore[misc]
                                          metadata=accepts(pattern=bounds.TIME_PATTERN))
    ended_at: dt.datetime = attrs.field(converter=time_conv("ended_at"),  # type: ignore[misc]
                                        metadata=accepts(pattern=bounds.TIME_PATTERN))
    route: str = attrs.field(default="", metadata=accepts(max_length=bounds.DESCRIPTION.max_length,
                                                          pattern=NO_NUL))
    hazards: tuple[HazardInput, ...] = attrs.field(
        default=(), converter=nested(HazardInput, "hazards", refuse=refuse_fees))  # type: ignore[misc]

    def __attrs_post_init__(self) -> None:
        if self.ended_at < self.started_at:
            raise ValidationError("the patrol ends before it starts", field="ended_at",
                                  rule="period")


class Patrols:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self.settings: Settings = deployment.settings("self_governance")

    def record(self, item: PatrolInput, *, actor: str,
               session: Session | None = None) -> dict[str, Any]:
        d = self.d
        tree = d.areas.tree
        area = tree.get(item.grid_code)
        if area.level not in (Level.grid, Level.micro_grid):
            raise ValidationError(f"a patrol covers a grid or micro-grid, not a {area.level.name}",
                                  field="grid_code", rule="grid_level")
        grid = tree.parent_at(item.grid_code, Level.grid) or item.grid_code
        with d.transaction(session) as s:
            who = self.d.roster.get(item.patroller, session=s, field="patroller")
            if not set(who.roles) & set(self.settings.patrol_roles):
                raise ValidationError(f"{who.name} ({who.external_id}) is not a grid worker or "
                                      "patrol volunteer", field="patroller", rule="patrol_role")
            if not covers(d, who.areas, item.grid_code):
                raise ValidationError(f"{who.name} ({who.external_id}) covers "
                                      f"{area_names(d, who.areas)}, not {item.grid_code}",
                                      field="patroller", rule="covers_area")
            pid = s.execute(m.patrols.insert().returning(m.patrols.c.id).values(
                grid_code=grid, grid_path=tree.path(grid), person_id=who.id,
                started_at=to_db(item.started_at), ended_at=to_db(item.ended_at),
                route=item.route, hazards=len(item.hazards))).scalar_one()
            cases = []
            for i, h in enumerate(item.hazards):
                case = d.cases.create(NewCase(
                    title=h.title.strip(), category=h.category, source="patrol",
                    area_code=item.grid_code, level="grid", description=h.description,
                    source_ref=f"patrol:{pid}:{i + 1}",
                    parties=tuple(p.as_dict() for p in h.parties),
                    occurred_at=item.ended_at,
                    data={"patrol_id": pid, "found_by": who.external_id}), actor=actor, session=s)
                s.execute(m.patrol_hazards.insert().values(patrol_id=pid, case_id=case.id))
                cases.append(case.id)
        return {"patrol_id": pid, "grid_code": grid, "cases": cases}

    def coverage(self, area_code: str, period: Period) -> tuple[int, int]:
        """(grid-weeks with a patrol, grid-weeks) for the grids in ``area_code`` over ``period``.
        A week is Monday–Sunday in the deployment's time zone; a period's weeks are those of its
        days."""
        return self.coverage_many([area_code], period)[area_code]

    def coverage_many(self, area_codes: list[str], period: Period) -> dict[str, tuple[int, int]]:
        """:meth:`coverage` of several areas from one query (a dashboard's row per child area)."""
        tree = self.d.areas.tree
        codes = {}
        for code in area_codes:
            area = tree.get(code)
            codes[code] = (tree.parent_at(code, Level.grid) or code
                           if area.level is Level.micro_grid else code)
        days = (period.end - period.start).days
        weeks = len({period.start + dt.timedelta(days=i) - dt.timedelta(
            days=(period.start + dt.timedelta(days=i)).weekday()) for i in range(days)})
        here = zone(self.d)
        start = dt.datetime.combine(period.start, dt.time(), here)
        end = dt.datetime.combine(period.end, dt.time(), here)
        p = m.patrols.c
        paths = {code: tree.path(scope) for code, scope in codes.items()}
        outer: list[str] = []  # the subtrees to read: a child's lies inside its parent's
        for path in sorted(set(paths.values())):
            if not any(path.startswith(o) for o in outer):
                outer.append(path)
        with self.d.reading() as s:
            rows = s.execute(sa.select(p.grid_code, p.grid_path, p.started_at).where(
                sa.or_(*[under(p.grid_path, path) for path in outer]),
                p.started_at >= to_db(start), p.started_at < to_db(end))).all()
        covered: dict[str, set[tuple[str, dt.date]]] = {code: set() for code in codes}
        for grid, grid_path, started in rows:
            day = local_date(self.d, started.replace(tzinfo=dt.UTC))
            week = (grid, day - dt.timedelta(days=day.weekday()))
            for code, path in paths.items():
                if grid_path.startswith(path):
                    covered[code].add(week)
        out = {}
        for code, scope in codes.items():
            grids = sum(1 for c in tree.subtree(scope) if tree.get(c).level is Level.grid)
            out[code] = (len(covered[code]), grids * weeks)
        return out

    def list(self, grid_code: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        p = m.patrols.c
        q = sa.select(m.patrols).order_by(p.id.desc()).limit(limit)
        if grid_code:
            q = q.where(under(p.grid_path, self.d.areas.tree.path(grid_code)))
        with self.d.reading() as s:
            rows = s.execute(q).all()
            links: dict[int, list[int]] = {}
            for r in s.execute(sa.select(m.patrol_hazards).where(
                    m.patrol_hazards.c.patrol_id.in_([r.id for r in rows]))):
                links.setdefault(r.patrol_id, []).append(r.case_id)
        return [{"id": r.id, "grid_code": r.grid_code, "started_at": r.started_at.isoformat(),
                 "hazards": r.hazards, "cases": links.get(r.id, [])} for r in rows]
