"""The tap-on-the-map of the residents' page, without JavaScript: the areas' boundaries drawn as
an SVG image shown at a fixed size inside ``<input type="image">``, so a tap submits the form
with the tap's pixel (``map.x``, ``map.y``) and the server turns it into lat/long with the same
projection it drew with. No tile server, nothing fetched from elsewhere (offline deployments).

The projection is plate carrée corrected by cos(latitude) — accurate to a few metres at a
county's size, which is all a tap can give anyway."""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable

import attrs
from markupsafe import escape
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from suyuan_core import AreaTree, Deployment, Level

WIDTH = 320


@attrs.frozen
class View:
    """The rectangle drawn (long/lat bounds) and the image's pixel size."""

    west: float
    south: float
    east: float
    north: float
    width: int
    height: int

    def point(self, x: float, y: float) -> tuple[float, float]:
        """(lat, long) of the pixel (x, y) of the image."""
        lon = self.west + (self.east - self.west) * min(max(x, 0), self.width) / self.width
        lat = self.north - (self.north - self.south) * min(max(y, 0), self.height) / self.height
        return round(lat, 6), round(lon, 6)

    def pixel(self, lat: float, lon: float) -> tuple[float, float]:
        return ((lon - self.west) / (self.east - self.west) * self.width,
                (self.north - lat) / (self.north - self.south) * self.height)


@attrs.frozen
class Drawn:
    view: View
    body: str  # the SVG's shapes and labels, without the marker


_cache: weakref.WeakKeyDictionary[Deployment, tuple[AreaTree, Drawn | None]] = (
    weakref.WeakKeyDictionary())


def drawn(d: Deployment) -> Drawn | None:
    """The map of the county's towns (or its top areas), or None when no area has a boundary;
    drawn once per area tree."""
    tree = d.areas.tree
    found = _cache.get(d)
    if found is None or found[0] is not tree:
        found = (tree, _draw(tree))
        _cache[d] = found
    return found[1]


def _shapes(tree: AreaTree) -> list[tuple[str, BaseGeometry]]:
    """The towns (what a resident knows the county by), else the county, else the communities,
    else whatever carries a boundary."""
    placed = [(a.level, a.name_zh, shape(a.boundary)) for a in tree.areas.values() if a.boundary]
    for level in (Level.town, Level.county, Level.community):
        chosen = [(name, geom) for at, name, geom in placed if at is level]
        if chosen:
            return chosen
    return [(name, geom) for _, name, geom in placed]


def _draw(tree: AreaTree) -> Drawn | None:
    shapes = _shapes(tree)
    if not shapes:
        return None
    west = min(g.bounds[0] for _, g in shapes)
    south = min(g.bounds[1] for _, g in shapes)
    east = max(g.bounds[2] for _, g in shapes)
    north = max(g.bounds[3] for _, g in shapes)
    pad_x, pad_y = (east - west) * 0.03 or 0.01, (north - south) * 0.03 or 0.01
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    ratio = (north - south) / ((east - west) * math.cos(math.radians((north + south) / 2)))
    height = int(min(max(WIDTH * ratio, 160), 480))
    view = View(west, south, east, north, WIDTH, height)
    tolerance = (east - west) / WIDTH / 2  # half a pixel: nothing visible is lost
    parts = [f'<rect width="{WIDTH}" height="{height}" fill="#eef3f7"/>']
    for _, geom in shapes:
        simple = geom.simplify(tolerance, preserve_topology=True)
        parts.append(f'<path d="{_path(view, _rings(simple))}" fill="#fdfcf5" '
                     'stroke="#5b7083" stroke-width="1" fill-rule="evenodd"/>')
    for name, geom in shapes:
        x, y = view.pixel(*reversed(geom.representative_point().coords[0]))
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" text-anchor="middle" '
                     f'fill="#334">{escape(name)}</text>')
    return Drawn(view, "".join(parts))


def _rings(geom: BaseGeometry) -> Iterable[Iterable[tuple[float, float]]]:
    polygons = getattr(geom, "geoms", [geom])
    for polygon in polygons:
        yield polygon.exterior.coords
        for hole in polygon.interiors:
            yield hole.coords


def _path(view: View, rings: Iterable[Iterable[tuple[float, float]]]) -> str:
    out = []
    for ring in rings:
        points = [view.pixel(lat, lon) for lon, lat, *_ in ring]
        out.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(out)


def svg(found: Drawn, marker: tuple[float, float] | None = None) -> str:
    """The whole SVG document, with a marker at (lat, long) when given."""
    v = found.view
    mark = ""
    if marker is not None:
        x, y = v.pixel(*marker)
        mark = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#c0392b" fill-opacity="0.85" '
                'stroke="#fff" stroke-width="2"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{v.width}" height="{v.height}" '
            f'viewBox="0 0 {v.width} {v.height}">{found.body}{mark}</svg>')
