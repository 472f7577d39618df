"""Factories for areas, cases and roster members, with sensible defaults a test overrides."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from suyuan_core.cases.service import NewCase
from suyuan_core.deployment import Deployment
from suyuan_core.domain.areas import Area
from suyuan_core.domain.cases import Case
from suyuan_core.domain.roster import Person

# Path through the lifecycle to reach each status from ``reported``.
PATHS: dict[str, list[str]] = {
    "reported": [], "accepted": ["accept"], "assigned": ["accept", "assign"],
    "in_progress": ["accept", "assign", "start"],
    "resolved": ["accept", "assign", "start", "resolve"],
    "unresolved": ["accept", "assign", "start", "fail"],
    "referred": ["accept", "refer"], "closed": ["accept", "assign", "start", "resolve", "close"],
    "withdrawn": ["withdraw"],
}


def standard_areas() -> list[Area]:
    """A small tree: county ``C`` → towns ``C.T1``, ``C.T2`` → two communities each → two grids
    each → one micro-grid each (1 + 2 + 4 + 8 + 8 = 23 areas)."""
    out = [Area("C", "测试县", "county", name_en="Test county")]
    for t in (1, 2):
        town = f"C.T{t}"
        out.append(Area(town, f"第{t}镇", "town", "C", name_en=f"Town {t}"))
        for c in (1, 2):
            comm = f"{town}.C{c}"
            out.append(Area(comm, f"{t}镇{c}社区", "community", town))
            for g in (1, 2):
                grid = f"{comm}.G{g}"
                out.append(Area(grid, f"{t}镇{c}社区{g}网格", "grid", comm))
                out.append(Area(f"{grid}.M1", f"{t}镇{c}社区{g}网格微网格", "micro_grid", grid))
    return out


class Factories:
    """``factories.case(status="in_progress")`` and friends, bound to one deployment."""

    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self._seq = itertools.count(1)

    def areas(self, areas: list[Area] | None = None) -> list[Area]:
        chosen = areas if areas is not None else standard_areas()
        self.d.areas.import_areas(chosen)
        return chosen

    def new_case(self, **overrides: Any) -> NewCase:
        n = next(self._seq)
        values: dict[str, Any] = {"title": f"测试纠纷 {n}", "category": "neighbour",
                                  "source": "walk_in", "area_code": "C.T1.C1.G1"}
        values.update(overrides)
        return NewCase(**values)

    def case(self, status: str = "reported", *, actor: str = "factory",
             at: dt.datetime | None = None, **overrides: Any) -> Case:
        """A case walked through the lifecycle to ``status`` (one event per step)."""
        if at is not None:
            overrides.setdefault("occurred_at", at)
        case = self.d.cases.create(self.new_case(**overrides), actor=actor)
        assert case.id is not None
        for action in PATHS[status]:
            data = {"assignees": ["person:F1"]} if action == "assign" else {}
            case = self.d.cases.act(case.id, action, actor=actor, data=data, occurred_at=at)
        return case

    def person(self, **overrides: Any) -> Person:
        n = next(self._seq)
        values: dict[str, Any] = {"external_id": f"P{n:04d}", "name": f"调解员{n}",
                                  "roles": ("mediator",), "areas": ("C.T1.C1",),
                                  "gender": "female"}
        values.update(overrides)
        person = Person(**values)
        self.d.roster.save([person])
        return person
