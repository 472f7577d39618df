"""Where areas are, and which area a point lies in.

Areas may carry a boundary (a GeoJSON Polygon or MultiPolygon, coordinates long, lat as GeoJSON
has them) and a centre (lat, long). :class:`Places` indexes the boundaries in a shapely STRtree
and locates a point to the smallest area that contains it; when no boundary holds it but
centres are known, to the nearest centre (of the lowest level that has centres). An address
with no point is located by the area names it mentions (:meth:`Places.locate_address`). The
rule that chose the area comes back with it, so the case's event can say how it was located.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from suyuan_core.domain.areas import Area, Level, Located, distance_m
from suyuan_core.errors import ValidationError

KINDS = ("Polygon", "MultiPolygon")
#: what an address may leave off an area's name: 赵镇街道 is also 赵镇, 沱源社区 also 沱源.
SUFFIXES = ("街道办事处", "街道", "社区居委会", "居委会", "村委会", "社区", "县", "区", "市", "镇",
            "乡", "村")
#: levels whose names are looked for without their suffix too (a grid's name is only whole).
SHORT_NAMES = frozenset({Level.county, Level.town, Level.community})


def names_of(area: Area) -> set[str]:
    """The names an address may call ``area`` by: its Chinese name, and for a county, town or
    community that name without its suffix when two characters or more remain."""
    found = {area.name_zh}
    if area.level in SHORT_NAMES:
        for suffix in SUFFIXES:
            if area.name_zh.endswith(suffix) and len(area.name_zh) - len(suffix) >= 2:
                found.add(area.name_zh[:-len(suffix)])
    return found


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
        self._sizes = [g.area for g in self._shapes]  # the smaller of two holding areas wins
        self._by_code = dict(zip(self._codes, self._shapes, strict=True))
        shapely.prepare(self._shapes)
        self._index = STRtree(self._shapes) if self._shapes else None
        self._centres = [(a.code, a.level, a.centre) for a in self.areas.values() if a.centre]
        self._names: dict[str, list[tuple[str, str]]] | None = None

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
            best = min(hits, key=lambda i: (self.areas[self._codes[i]].level, self._sizes[i]))
            return Located(self._codes[best], "boundary")
        if self._centres:
            lowest = min(level for _, level, _ in self._centres)
            code = min((c for c in self._centres if c[1] == lowest),
                       key=lambda c: distance_m(lat, lon, *c[2]))[0]
            return Located(code, "nearest_centre")
        return None

    def check_point(self, area_code: str, lat: float, lon: float) -> None:
        """Refuse a point outside every boundary (as :meth:`locate` does) for a case whose area
        is given: one prepared test when the point lies in the area's own (or nearest
        bounded ancestor's) boundary, a full look-up only when it does not."""
        for code in self._chain(area_code) if area_code in self.areas else ():
            found = self._by_code.get(code)
            if found is not None:
                if shapely.contains_xy(found, lon, lat):
                    return
                break
        self.locate(lat, lon)

    def locate_address(self, text: str) -> Located | None:
        """The area an address names (rule ``address``): every area whose name (or short name,
        :func:`names_of`) occurs in ``text`` is a candidate; the one with most of its own chain
        named wins — 赵镇街道沱源社区 is the 沱源社区 of 赵镇, whatever namesakes elsewhere —
        then the longest names matched, then the deepest. Candidates still tied give their
        lowest common area. None when no area name occurs."""
        if self._names is None:
            index: dict[str, list[tuple[str, str]]] = {}
            for a in self.areas.values():
                for name in names_of(a):
                    index.setdefault(name[0], []).append((name, a.code))
            self._names = index
        matched: dict[str, int] = {}
        for i, char in enumerate(text):
            for name, code in self._names.get(char, ()):
                if text.startswith(name, i):
                    matched[code] = max(matched.get(code, 0), len(name))
        if not matched:
            return None
        keys = {code: self._address_key(code, matched) for code in matched}
        best = max(keys.values())
        tied = [code for code, key in keys.items() if key == best]
        found = tied[0] if len(tied) == 1 else self._common(tied)
        return Located(found, "address") if found is not None else None

    def _chain(self, code: str) -> list[str]:
        chain = [code]
        parent = self.areas[code].parent_code
        while parent is not None and parent in self.areas and parent not in chain:
            chain.append(parent)
            parent = self.areas[parent].parent_code
        return chain

    def _address_key(self, code: str, matched: dict[str, int]) -> tuple[int, int, int]:
        chain = self._chain(code)
        named = [c for c in chain if c in matched]
        return len(named), sum(matched[c] for c in named), len(chain)

    def _common(self, codes: list[str]) -> str | None:
        chains = [self._chain(c) for c in codes]
        shared = set(chains[0]).intersection(*chains[1:])
        return next((c for c in chains[0] if c in shared), None)

