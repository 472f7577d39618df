"""Reading and importing the area tree."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from suyuan_core import imports
from suyuan_core.areas.tree import AreaTree
from suyuan_core.domain.areas import Area, Located
from suyuan_core.errors import ValidationError
from suyuan_core.storage import tables

if TYPE_CHECKING:
    from suyuan_core.areas.places import Places
    from suyuan_core.deployment import Deployment

FIELDS = ("code", "parent_code", "level", "name_zh", "name_en")


class AreaService:
    """The area tree of the county (``deployment.areas``): loaded once, refreshed after an
    import."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self._tree: AreaTree | None = None
        self._places: Places | None = None

    @property
    def tree(self) -> AreaTree:
        """The :class:`AreaTree` (cached; see :meth:`refresh`)."""
        if self._tree is None:
            self._tree = self.load()
        return self._tree

    def refresh(self) -> AreaTree:
        """Reload the tree from the database (after another process imported areas)."""
        self._tree = None
        self._places = None
        return self.tree

    def load(self) -> AreaTree:
        """Read the tree from the database, without caching it."""
        with self.deployment.reading() as session:
            rows = session.execute(select(tables.areas)).mappings().all()
        return AreaTree(Area(code=r["code"], name_zh=r["name_zh"], level=r["level"],
                             parent_code=r["parent_code"], name_en=r["name_en"],
                             boundary=r["boundary"],
                             centre=(r["centre_lat"], r["centre_long"])
                             if r["centre_lat"] is not None else None) for r in rows)

    @property
    def places(self) -> Places:
        """The areas' boundaries and centres, indexed (cached with the tree)."""
        from suyuan_core.areas.places import Places  # shapely, only when places are asked for

        if self._places is None:
            self._places = Places(self.tree.areas.values())
        return self._places

    def locate(self, lat: float, lon: float) -> Located | None:
        """The smallest area holding the point and the rule that chose it (``boundary``, or
        ``nearest_centre`` when the areas have centres but no boundaries); None when the areas
        carry no places. A point outside every boundary: a ValidationError (field ``lat``)."""
        return self.places.locate(lat, lon)

    def locate_address(self, address: str) -> Located | None:
        """The area an address names (rule ``address``: the most of its chain named, then the
        longest names, then the deepest; see :meth:`Places.locate_address`); None when it names
        no area."""
        return self.places.locate_address(address)

    def place(self, lat: float | None = None, lon: float | None = None,
              address: str | None = None) -> Located | None:
        """Where a report lies: its point if it has one (a point outside every boundary is a
        ValidationError, never silently moved), else its address; None when neither tells."""
        if lat is not None and lon is not None:
            found = self.locate(lat, lon)
            if found is not None:
                return found
        if address:
            return self.locate_address(address)
        return None

    def import_areas(self, areas: Iterable[Area]) -> int:
        """Add or update areas (all-or-nothing). Parents must exist or come earlier in the list."""
        incoming = list(areas)
        tree = AreaTree([*self.tree.areas.values(), *incoming])
        from suyuan_core.areas.places import Places, check_centre

        for area in incoming:  # a bad polygon or centre refuses the whole import
            check_centre(area.code, area.centre)
        Places(incoming)
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
                 "name_zh": a.name_zh, "name_en": a.name_en, "path": tree.path(a.code),
                 "boundary": a.boundary, "centre_lat": a.centre[0] if a.centre else None,
                 "centre_long": a.centre[1] if a.centre else None}
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
        self._tree, self._places = tree, None
        self.deployment.roster.save_declared()  # organisations waiting for their area
        return len(rows)


def _boundary(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        found = json.loads(text)
    except ValueError:
        raise ValidationError("the boundary is not JSON", field="boundary", rule="geojson",
                              hint='a GeoJSON geometry, e.g. {"type": "Polygon", …}') from None
    if isinstance(found, dict) and found.get("type") == "Feature":
        found = found.get("geometry")
    if not isinstance(found, dict):
        raise ValidationError("the boundary is not a GeoJSON geometry", field="boundary",
                              rule="geojson")
    return found


def _centre(text: str | None) -> tuple[float, float] | None:
    if not text:
        return None
    try:
        lat, lon = (float(x) for x in text.replace(";", ",").split(","))
    except ValueError:
        raise ValidationError(f"{text[:40]!r} is not a centre", field="centre", rule="point",
                              hint="give lat,long e.g. 30.86,104.42") from None
    return lat, lon


def read_csv(path: Path) -> list[Area]:
    """Areas from a CSV with the header ``code,parent_code,level,name_zh,name_en`` and,
    optionally, ``boundary`` (a GeoJSON Polygon or MultiPolygon, or a Feature holding one) and
    ``centre`` (``lat,long``)."""
    from suyuan_core.areas.places import check_centre, geometry

    def build(row: dict[str, str]) -> Area:
        area = Area(code=row["code"], name_zh=row["name_zh"], level=row["level"],
                    parent_code=row.get("parent_code") or None,
                    name_en=row.get("name_en") or None,
                    boundary=_boundary(row.get("boundary")), centre=_centre(row.get("centre")))
        if area.boundary is not None:
            geometry(area.code, area.boundary)
        check_centre(area.code, area.centre)
        return area

    return imports.read_csv(path, build, required=FIELDS[:4]).items
