"""Where areas are, and which area a point lies in.

Areas may carry a boundary (a GeoJSON Polygon or MultiPolygon, coordinates long, lat as GeoJSON
has them) and a centre (lat, long). :class:`Places` indexes the boundaries in a shapely STRtree
and locates a point to the smallest area that contains it; when no boundary holds it but
centres are known, to the nearest centre (of the lowest level that has centres). The rule that
chose the area comes back with it, so the case's event can say how it was located.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from suyuan_core.domain.areas import Area
from suyuan_core.errors import ValidationError

KINDS = ("Polygon", "MultiPolygon")


@attrs.frozen
class Located:
    """The area a point was located to, and by which rule (``boundary``, ``nearest_centre``)."""

    code: str
    rule: str


def geometry(area_code: str, boundary: Mapping[str, Any]) -> BaseGeometry:
    """The shapely geometry of an area's boundary; a clear error when it is not a valid
    GeoJSON Polygon or MultiPolygon in WGS 84 (nothing is imported then)."""
    where = {"field": "boundary", "rule": "geojson"}
    kind = boundary.get("type") if isinstance(boundary, Mapping) else None
    if kind not in KINDS:
        raise ValidationError(f"area {area_code}: the boundary must be a GeoJSON Polygon or "
                              f"MultiPolygon, not {str(kind)[:40]!r}", **where,
                              hint='e.g. {"type": "Polygon", "coordinates": [[[104.4, 30.8], '
                                   '…]]}')
    try:
        geom = shape(dict(boundary))
    except Exception as exc:  # shapely raises several kinds for malformed coordinates
        raise ValidationError(f"area {area_code}: the boundary's coordinates are malformed "
                              f"({str(exc)[:80]})", **where,
                              hint="each ring is a list of [long, lat] pairs, closed") from None
    if geom.is_empty:
        raise ValidationError(f"area {area_code}: the boundary is empty", **where)
    low_x, low_y, high_x, high_y = geom.bounds
    if not (-180 <= low_x <= high_x <= 180 and -90 <= low_y <= high_y <= 90):
        raise ValidationError(f"area {area_code}: the boundary lies outside long −180…180, "
                              "lat −90…90", **where,
                              hint="GeoJSON gives [long, lat], in that order")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise ValidationError(f"area {area_code}: the boundary is not a valid polygon "
                              f"({reason})", **where,
                              hint="fix the ring (no self-intersection, closed, 4+ points)")
    return geom


def check_centre(area_code: str, centre: tuple[float, float] | None) -> None:
    if centre is None:
        return
    lat, lon = centre
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90
            and -180 <= lon <= 180):
        raise ValidationError(f"area {area_code}: centre {lat}, {lon} is not a point on earth",
                              field="centre", rule="range", hint="give lat, long, e.g. 30.86,104.42")


class Places:
    """The boundaries and centres of a tree's areas, indexed once."""

    def __init__(self, areas: Iterable[Area]) -> None:
        self.areas = {a.code: a for a in areas}
        shaped = [(a, geometry(a.code, a.boundary)) for a in self.areas.values() if a.boundary]
        self._codes = [a.code for a, _ in shaped]
        self._shapes = [g for _, g in shaped]
        self._index = STRtree(self._shapes) if self._shapes else None
        self._centres = [(a.code, a.level, a.centre) for a in self.areas.values() if a.centre]

    def __bool__(self) -> bool:
        return bool(self._shapes or self._centres)

    def locate(self, lat: float, lon: float) -> Located | None:
        """The smallest area whose boundary holds (lat, lon) — a point outside every boundary
        is refused (it is not in the county); when no area has a boundary, the nearest centre;
        None when nothing is known about where the areas are."""
        point = Point(lon, lat)
        if self._index is not None:
            hits = [int(i) for i in self._index.query(point, predicate="intersects")]
            if not hits:
                raise ValidationError(f"the point {lat}, {lon} lies outside every area's "
                                      "boundary", field="lat", rule="outside",
                                      hint="check lat and long (not swapped?), or give the area")
            best = min(hits, key=lambda i: (self.areas[self._codes[i]].level,
                                            self._shapes[i].area))
            return Located(self._codes[best], "boundary")
        if self._centres:
            lowest = min(level for _, level, _ in self._centres)
            code = min((c for c in self._centres if c[1] == lowest),
                       key=lambda c: _distance(lat, lon, *c[2]))[0]
            return Located(code, "nearest_centre")
        return None


def _distance(lat: float, lon: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in radians (the haversine formula): the order is all we need."""
    p1, p2 = math.radians(lat), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * math.asin(min(1.0, math.sqrt(h)))
