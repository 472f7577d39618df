"""Public: choropleth maps of areas as server-rendered SVG — no tile server, no CDN, no JavaScript.

Deployments run on intranets without internet access, so a map is drawn from the areas' own
boundaries (GeoJSON, imported with the area tree): each boundary is projected server-side
(equirectangular, the longitude scaled by the cosine of the map's middle latitude, which is true
enough at a county's size), fitted into the view box, simplified to about half a pixel with
shapely, and written as one ``<path>`` per area, shaded by its figure's class. Each area carries
a ``<title>`` (name and figure, read by screen readers and shown on hover) and, when given, a
link to the cases it counts. The dashboard uses it, and so may a plugin's page or report::

    from suyuan_core import maps

    drawn = maps.choropleth([maps.Shaded(area, figure.value, url) for …], title="受理量")
    html = drawn.svg          # Markup: one <svg>, legend inside
    drawn.missing             # the areas without a boundary (list them beside the map)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np
from markupsafe import Markup, escape

from suyuan_core.domain.areas import Area

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

__all__ = ["PALETTE", "Bin", "Choropleth", "Shaded", "View", "bins", "choropleth", "path"]

#: a sequential palette (ColorBrewer Reds, 5 classes): light = few, dark = many.
PALETTE = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
#: an area whose figure is zero, and one with no figure at all.
ZERO, NO_DATA = "#f4f4f4", "#d9d9d9"


@attrs.frozen
class Shaded:
    """One area on the map: its figure (None: no figure) and where its cases are listed."""

    area: Area
    value: float | int | None
    link: str | None = None


@attrs.frozen
class Bin:
    """One class of the legend: figures from ``low`` to ``high`` (both included) get ``colour``."""

    low: float
    high: float
    colour: str

    def label(self, unit: str = "") -> str:
        low, high = _fmt(self.low), _fmt(self.high)
        return f"{low}{unit}" if low == high else f"{low}–{high}{unit}"

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


@attrs.frozen
class Choropleth:
    """The drawn map (``svg``, usable as Markup in a template) and what it could not draw."""

    svg: Markup
    bins: tuple[Bin, ...]
    drawn: tuple[str, ...]
    missing: tuple[Shaded, ...]

    def __html__(self) -> str:
        return str(self.svg)


def _fmt(x: float) -> str:
    return f"{x:.3g}" if x != int(x) else str(int(x))


def bins(values: Sequence[float | int | None], classes: int = 5) -> tuple[Bin, ...]:
    """Equal-interval classes over the figures above zero (zero has its own colour). Whole
    numbers — counts — get whole-number classes, so no class is empty by rounding; at most
    ``classes`` (≤ 5), fewer when the figures are few."""
    classes = max(1, min(classes, len(PALETTE)))
    positive = [float(v) for v in values if v is not None and v > 0]
    if not positive:
        return ()
    low, high = min(positive), max(positive)
    whole = all(v == int(v) for v in positive)
    if whole:
        low = 1.0
        step = float(max(1, math.ceil(high / classes)))
        count = max(1, math.ceil(high / step))
        edges = [(1 + i * step, min(high, (i + 1) * step)) for i in range(count)]
    else:
        step = (high - low) / classes or 1.0
        count = classes if high > low else 1
        edges = [(low + i * step, high if i == count - 1 else low + (i + 1) * step)
                 for i in range(count)]
    # spread the palette over however many classes there are (2 classes: lightest and darkest)
    picks = [PALETTE[round(i * (len(PALETTE) - 1) / max(count - 1, 1))] for i in range(count)]
    return tuple(Bin(a, b, c) for (a, b), c in zip(edges, picks, strict=True))


def _colour(value: float | int | None, classes: tuple[Bin, ...]) -> str:
    if value is None:
        return NO_DATA
    if value <= 0:
        return ZERO
    for b in classes:
        if b.holds(float(value)):
            return b.colour
    return classes[-1].colour if classes else ZERO


@attrs.frozen
class View:
    """A rectangle of the map (degrees) drawn ``width`` × ``height`` pixels. Linear both ways, so
    a pixel gives back its point (a tap on a map in a form without JavaScript). Build it with
    :meth:`fit`, which keeps the shapes undistorted."""

    west: float
    south: float
    east: float
    north: float
    width: int
    height: int

    @classmethod
    def fit(cls, bounds: tuple[float, float, float, float], width: int, height: int,
            pad: float = 0.0) -> View:
        """The view of ``bounds`` (west, south, east, north) in a ``width`` × ``height`` box,
        ``pad`` pixels clear on every side: the bounds grow on the short side so that a degree
        of longitude is cos(middle latitude) of a degree of latitude, as on the ground."""
        west, south, east, north = bounds
        k = math.cos(math.radians((south + north) / 2))
        span_x, span_y = max((east - west) * k, 1e-9), max(north - south, 1e-9)
        scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
        grow_x = (width / scale - span_x) / k / 2
        grow_y = (height / scale - span_y) / 2
        return cls(west - grow_x, south - grow_y, east + grow_x, north + grow_y, width, height)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """(lat, long) of the pixel (x, y), clamped to the view."""
        lon = self.west + (self.east - self.west) * min(max(x, 0), self.width) / self.width
        lat = self.north - (self.north - self.south) * min(max(y, 0), self.height) / self.height
        return round(lat, 6), round(lon, 6)

    def pixel(self, lat: float, lon: float) -> tuple[float, float]:
        """The pixel (x, y) of the point (lat, long)."""
        return ((lon - self.west) / (self.east - self.west) * self.width,
                (self.north - lat) / (self.north - self.south) * self.height)


def path(view: View, geom: BaseGeometry) -> str:
    """SVG path data of a (Multi)Polygon in ``view``, simplified to half a pixel (nothing
    visible is lost); holes drawn as holes with ``fill-rule="evenodd"``."""
    import shapely

    sx = view.width / (view.east - view.west)
    sy = view.height / (view.north - view.south)

    def project(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.column_stack(((xy[:, 0] - view.west) * sx, (view.north - xy[:, 1]) * sy))

    screen = shapely.transform(geom, project).simplify(0.5, preserve_topology=True)
    return " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y, *_ in ring[:-1]) + " Z"
                    for ring in _rings(screen) if len(ring) > 3)


def _rings(geom: object) -> list[list[tuple[float, ...]]]:
    from shapely.geometry import MultiPolygon, Polygon

    polygons = [geom] if isinstance(geom, Polygon) else list(getattr(geom, "geoms", []))
    out = []
    for p in polygons:
        if isinstance(p, MultiPolygon):
            out.extend(_rings(p))
        elif isinstance(p, Polygon) and not p.is_empty:
            out.append(list(p.exterior.coords))
            out.extend(list(r.coords) for r in p.interiors)
    return out


def choropleth(areas: Sequence[Shaded], *, title: str, unit: str = "", width: int = 560,
               height: int = 420, classes: int = 5, legend: str = "") -> Choropleth:
    """Draw ``areas`` shaded by their figures: one ``<path data-area=CODE>`` per area with a
    boundary (inside an ``<a>`` when it has a link), a ``<title>`` with its name and figure, and
    a legend of the classes. Areas without a boundary are left out of the drawing and returned
    in ``missing``, for the caller to list beside the map (they still count in the classes).
    The boundaries must be valid GeoJSON Polygons/MultiPolygons (the area import checks that)."""
    import shapely
    from shapely.geometry import shape

    classes_ = bins([a.value for a in areas], classes)
    shaped = [(a, shape(dict(a.area.boundary))) for a in areas if a.area.boundary]
    missing = tuple(a for a in areas if not a.area.boundary)
    keys = [(ZERO, f"0{unit}"), *((b.colour, b.label(unit)) for b in classes_)]
    if any(a.value is None for a in areas):
        keys.append((NO_DATA, "—"))
    legend_h = (20 if legend else 0) + 22 * math.ceil(len(keys) / 4) + 12
    parts = [f'<svg class="map" role="img" viewBox="0 0 {width} {height + legend_h}" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    drawn = []
    if shaped:
        view = View.fit(shapely.union_all([g for _, g in shaped]).bounds, width, height, pad=8)
        labels = []
        for shade, geom in shaped:
            d = path(view, geom)
            name = shade.area.name_zh
            shown = "—" if shade.value is None else f"{_fmt(float(shade.value))}{unit}"
            shape_ = (f'<path d="{d}" data-area="{escape(shade.area.code)}" '
                    f'fill="{_colour(shade.value, classes_)}" fill-rule="evenodd" '
                    f'stroke="#555" stroke-width="0.8"><title>{escape(name)}: '
                    f'{escape(shown)}</title></path>')
            parts.append(f'<a href="{escape(shade.link)}">{shape_}</a>' if shade.link else shape_)
            drawn.append(shade.area.code)
            x, y = view.pixel(*reversed(geom.representative_point().coords[0]))
            labels.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" '
                          f'text-anchor="middle" pointer-events="none">{escape(name)}</text>')
        parts.extend(labels)
    y = height + 8
    if legend:
        parts.append(f'<text x="8" y="{y + 12}" font-size="12">{escape(legend)}</text>')
        y += 20
    for i, (colour, text) in enumerate(keys):
        x = 8 + (i % 4) * 130
        row = y + 22 * (i // 4)
        parts.append(f'<rect class="legend" x="{x}" y="{row}" width="16" height="14" '
                     f'fill="{colour}" stroke="#555" stroke-width="0.5"/>'
                     f'<text x="{x + 22}" y="{row + 12}" font-size="12">{escape(text)}</text>')
    parts.append("</svg>")
    return Choropleth(Markup("".join(parts)), classes_, tuple(drawn), missing)
