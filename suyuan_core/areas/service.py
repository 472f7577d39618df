"""Reading and importing the area tree."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from suyuan_core import imports
from suyuan_core.areas.tree import AreaTree
from suyuan_core.domain.areas import Area
from suyuan_core.errors import ValidationError
from suyuan_core.storage import tables

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

FIELDS = ("code", "parent_code", "level", "name_zh", "name_en")


class AreaService:
    """The area tree of the county (``deployment.areas``): loaded once, refreshed after an
    import."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self._tree: AreaTree | None = None

    @property
    def tree(self) -> AreaTree:
        """The :class:`AreaTree` (cached; see :meth:`refresh`)."""
        if self._tree is None:
            self._tree = self.load()
        return self._tree

    def refresh(self) -> AreaTree:
        """Reload the tree from the database (after another process imported areas)."""
        self._tree = None
        return self.tree

    def load(self) -> AreaTree:
        """Read the tree from the database, without caching it."""
        with self.deployment.reading() as session:
            rows = session.execute(select(tables.areas)).mappings().all()
        return AreaTree(Area(code=r["code"], name_zh=r["name_zh"], level=r["level"],
                             parent_code=r["parent_code"], name_en=r["name_en"]) for r in rows)

    def import_areas(self, areas: Iterable[Area]) -> int:
        """Add or update areas (all-or-nothing). Parents must exist or come earlier in the list."""
        incoming = list(areas)
        tree = AreaTree([*self.tree.areas.values(), *incoming])
        for area in incoming:
            if area.parent_code is not None and area.parent_code not in tree:
                raise ValidationError(f"area {area.code}: parent {area.parent_code!r} is unknown",
                                      field="parent_code", rule="exists")
            if area.parent_code is not None and tree.get(area.parent_code).level <= area.level:
                raise ValidationError(
                    f"area {area.code} ({area.level.name}) cannot sit under "
                    f"{area.parent_code} ({tree.get(area.parent_code).level.name})",
                    field="level", rule="tree", hint="a child is one or more levels below its parent")
        rows = [{"code": a.code, "parent_code": a.parent_code, "level": a.level.name,
                 "name_zh": a.name_zh, "name_en": a.name_en, "path": tree.path(a.code)}
                for a in incoming]
        existing = set(self.tree.areas)
        with self.deployment.transaction() as session:
            new = [r for r in rows if r["code"] not in existing]
            if new:
                session.execute(tables.areas.insert(), new)
            for r in rows:
                if r["code"] in existing:
                    session.execute(tables.areas.update().where(tables.areas.c.code == r["code"])
                                    .values(**r))
        self._tree = tree
        return len(rows)


def read_csv(path: Path) -> list[Area]:
    """Areas from a CSV with the header ``code,parent_code,level,name_zh,name_en``."""
    def build(row: dict[str, str]) -> Area:
        return Area(code=row["code"], name_zh=row["name_zh"], level=row["level"],
                    parent_code=row.get("parent_code") or None, name_en=row.get("name_en") or None)

    return imports.read_csv(path, build, required=FIELDS[:4]).items
