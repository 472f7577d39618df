"""Where the demo's cases happened: a point inside each case's area (its nearest ancestor that
has a boundary — a micro-grid is drawn inside its grid), from its own random stream so that
every other draw of the demo stays the same."""

from __future__ import annotations

import random

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from suyuan_core.areas.tree import AreaTree


class Points:
    """``inside(code)``: a (lat, long) in the area, rounded to 5 decimals (about 1 m)."""

    def __init__(self, tree: AreaTree, seed: int) -> None:
        self.tree = tree
        self.rng = random.Random(f"points-{seed}")
        self._shapes: dict[str, BaseGeometry | None] = {}

    def _shape(self, code: str) -> BaseGeometry | None:
        if code not in self._shapes:
            bounded = next((c for c in self.tree.ancestors(code)
                            if self.tree.areas[c].boundary), None)
            if bounded is None:
                self._shapes[code] = None
            else:
                geom = shape(self.tree.areas[bounded].boundary or {})
                shapely.prepare(geom)
                self._shapes[code] = geom
        return self._shapes[code]

    def inside(self, code: str) -> tuple[float, float] | tuple[None, None]:
        geom = self._shape(code)
        if geom is None:
            return None, None
        x0, y0, x1, y1 = geom.bounds
        while True:
            lon, lat = self.rng.uniform(x0, x1), self.rng.uniform(y0, y1)
            lon, lat = round(lon, 5), round(lat, 5)
            if shapely.contains_xy(geom, lon, lat):
                return lat, lon
