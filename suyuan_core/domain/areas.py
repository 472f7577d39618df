"""The administrative tree: county → town → community → grid → micro-grid (微网实格), plus court."""

from __future__ import annotations

import enum
import math
import re
from typing import Any

import attrs

from suyuan_core.domain.rules import non_empty
from suyuan_core.errors import ValidationError


class Level(enum.IntEnum):
    """Where a case is handled. Ordered: a higher value is further up (and ``court`` is litigation)."""

    micro_grid = 0
    grid = 1
    community = 2
    town = 3
    county = 4
    court = 5

    @classmethod
    def parse(cls, value: str | Level) -> Level:
        if isinstance(value, Level):
            return value
        try:
            return cls[value]
        except KeyError:
            raise ValidationError(f"{value!r} is not a level",
                                  field="level", rule="one_of",
                                  hint="use one of " + ", ".join(m.name for m in cls)) from None

    def up(self) -> Level | None:
        return Level(self + 1) if self < Level.court else None


def to_level(value: str | Level) -> Level:
    """attrs converter (a plain function, as mypy's attrs plugin needs)."""
    return Level.parse(value)


#: levels at or below which a settlement counts as "inside the community" (小事不出社区).
COMMUNITY_LEVELS = frozenset({Level.micro_grid, Level.grid, Level.community})

_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.-]{0,63}$")


def _code(obj: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _CODE.match(value):
        raise ValidationError(f"{value!r} is not an area code", field=f"Area.{attribute.name}",
                              rule="area_code", hint="use 1–64 letters, digits, '.', '_' or '-'")


def _level(obj: object, attribute: attrs.Attribute[Level], value: Level) -> None:
    if value is Level.court:
        raise ValidationError("an area cannot be a court", field="Area.level", rule="area_level",
                              hint="court is the level above the county; it has no area")


@attrs.frozen
class Area:
    """One node of the tree. ``parent_code`` is None only for the root (the county)."""

    code: str = attrs.field(validator=_code)
    name_zh: str = attrs.field(validator=non_empty)
    level: Level = attrs.field(converter=to_level, validator=_level)
    parent_code: str | None = attrs.field(default=None,
                                          validator=attrs.validators.optional(_code))
    name_en: str | None = None
    #: where it is: a GeoJSON Polygon or MultiPolygon (long, lat), checked by
    #: :mod:`suyuan_core.areas.places` on import; and its centre as (lat, long).
    boundary: dict[str, Any] | None = attrs.field(default=None, eq=False, repr=False)
    centre: tuple[float, float] | None = None

    def __attrs_post_init__(self) -> None:
        if self.parent_code is None and self.level is not Level.county:
            raise ValidationError(f"area {self.code} is a {self.level.name} without a parent",
                                  field="Area.parent_code", rule="tree",
                                  hint="only the county may be the root")
        if self.parent_code == self.code:
            raise ValidationError(f"area {self.code} is its own parent",
                                  field="Area.parent_code", rule="tree")


@attrs.frozen
class Located:
    """The area a point or an address was located to, and by which rule (``boundary``,
    ``nearest_centre``, ``address``): the rule goes on the case's event."""

    code: str
    rule: str


EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat: float, lon: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two (lat, long) points (the haversine formula):
    how far apart two reports are, e.g. twelve callers around one burst main."""
    p1, p2 = math.radians(lat), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
