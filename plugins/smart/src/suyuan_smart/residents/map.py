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
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from suyuan_core import AreaTree, Deployment, Level, maps
from suyuan_core.maps import View

WIDTH = 320


@attrs.frozen
class Drawn:
    view: View  # the whole county
    body: str  # the whole county's SVG shapes and labels, without the marker
    towns: tuple[tuple[str, BaseGeometry], ...]
    detail: tuple[tuple[str, BaseGeometry], ...]  # the communities, drawn once zoomed in


#: a tap zooms in this much around the point; at most this many times the county's scale.
ZOOM, MAX_ZOOM = 3, 27

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


def _placed(tree: AreaTree, levels: Iterable[Level]) -> tuple[tuple[str, BaseGeometry], ...]:
    """The areas of the first of ``levels`` that has boundaries."""
    placed = [(a.level, a.name_zh, shape(a.boundary)) for a in tree.areas.values() if a.boundary]
    for level in levels:
        chosen = tuple((name, geom) for at, name, geom in placed if at is level)
        if chosen:
            return chosen
    return ()


def _draw(tree: AreaTree) -> Drawn | None:
    # the towns (what a resident knows the county by), else the county, else the communities
    shapes = _placed(tree, (Level.town, Level.county, Level.community, Level.grid))
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
    view = View.fit((west, south, east, north), WIDTH, height)
    detail = _placed(tree, (Level.community,))
    return Drawn(view, _body(view, shapes), shapes, detail or shapes)


def _body(view: View, shapes: Iterable[tuple[str, BaseGeometry]]) -> str:
    tolerance = (view.east - view.west) / view.width / 2  # half a pixel: nothing visible lost
    frame = box(view.west, view.south, view.east, view.north)
    shown = [(name, geom) for name, geom in shapes if geom.intersects(frame)]
    parts = [f'<rect width="{view.width}" height="{view.height}" fill="#eef3f7"/>']
    for _, geom in shown:
        inside = geom.intersection(frame.buffer(tolerance * 4))
        if not inside.is_empty and inside.geom_type in ("Polygon", "MultiPolygon"):
            parts.append(f'<path d="{maps.path(view, inside)}" fill="#fdfcf5" '
                         'stroke="#5b7083" stroke-width="1" fill-rule="evenodd"/>')
    for name, geom in shown:
        inside = geom.intersection(frame)
        if inside.is_empty:
            continue
        x, y = view.pixel(*reversed(inside.representative_point().coords[0]))
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" text-anchor="middle" '
                     f'fill="#334">{escape(name)}</text>')
    return "".join(parts)


def zoomed(found: Drawn, current: View, lat: float, lon: float) -> View:
    """The view a tap at (lat, long) leads to: :data:`ZOOM` times closer, centred on the point,
    never beyond the county's frame nor closer than :data:`MAX_ZOOM` times its scale."""
    full = found.view
    span_x = max((current.east - current.west) / ZOOM, (full.east - full.west) / MAX_ZOOM)
    span_y = span_x * (full.north - full.south) / (full.east - full.west)
    west = min(max(lon - span_x / 2, full.west), full.east - span_x)
    south = min(max(lat - span_y / 2, full.south), full.north - span_y)
    return View(west, south, west + span_x, south + span_y, full.width, full.height)


def as_text(view: View) -> str:
    return ",".join(f"{v:.6f}" for v in (view.west, view.south, view.east, view.north))


def parse_view(found: Drawn, text: str) -> View:
    """The view a form carried back (``west,south,east,north``), or the whole county when the
    text is not one inside the county's frame (a forged or stale value changes only the map)."""
    full = found.view
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        return full
    eps = 1e-5
    inside = (full.west - eps <= west < east <= full.east + eps
              and full.south - eps <= south < north <= full.north + eps)
    return View(west, south, east, north, full.width, full.height) if inside else full


def svg(found: Drawn, view: View | None = None,
        marker: tuple[float, float] | None = None) -> str:
    """The SVG document of ``view`` (default the county), with a marker at (lat, long)."""
    v = view or found.view
    body = found.body if v == found.view else _body(v, found.detail)
    mark = ""
    if marker is not None:
        x, y = v.pixel(*marker)
        mark = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#c0392b" fill-opacity="0.85" '
                'stroke="#fff" stroke-width="2"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{v.width}" height="{v.height}" '
            f'viewBox="0 0 {v.width} {v.height}">{body}{mark}</svg>')
