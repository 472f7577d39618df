"""The Jintang demo's places: its towns, communities and grids carry boundaries that nest exactly
(the towns partition the county, the communities their town, the grids their community), a
point inside a grid is located to that grid, and the demo's cases carry points inside their
area."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from suyuan_core.areas.places import Places, geometry
from suyuan_core.areas.service import read_csv
from suyuan_core.areas.tree import AreaTree
from suyuan_core.demo.cases import Generator
from suyuan_core.demo.roster import generate as generate_roster
from suyuan_core.domain.areas import Level

JINTANG = Path(__file__).resolve().parents[1] / "examples" / "jintang"


@pytest.fixture(scope="module")
def areas():
    return read_csv(JINTANG / "areas.csv")


@pytest.fixture(scope="module")
def places(areas):
    return Places(areas)


def test_every_town_community_and_grid_has_a_boundary_and_a_centre_near_jintang(areas):
    for area in areas:
        if area.level is Level.micro_grid:
            assert area.boundary is None  # located to their grid
            continue
        assert area.boundary is not None and area.centre is not None, area.code
        lat, lon = area.centre
        assert 30.6 < lat < 31.1 and 104.1 < lon < 104.8, area.code


def test_children_partition_their_parent_exactly(areas):
    shapes = {a.code: geometry(a.code, a.boundary) for a in areas if a.boundary}
    children: dict[str, list[str]] = {}
    for a in areas:
        if a.boundary and a.parent_code:
            children.setdefault(a.parent_code, []).append(a.code)
    assert len(children) == 1 + 16 + 200  # the county, every town, every community
    for parent, kids in children.items():
        whole = shapes[parent]
        total = sum(shapes[k].area for k in kids)
        assert total == pytest.approx(whole.area, rel=1e-9), parent  # no gap, no overlap
        for k in kids:
            assert shapes[k].difference(whole).area == 0, k  # nothing outside the parent


def test_a_point_in_a_grid_is_located_to_that_grid_and_its_ancestors(areas, places):
    tree = AreaTree(areas)
    for area in areas:
        if area.level is not Level.grid:
            continue
        spot = geometry(area.code, area.boundary).representative_point()
        found = places.locate(spot.y, spot.x)
        assert found is not None and found.code == area.code and found.rule == "boundary"
        assert tree.ancestors(found.code)[1] == area.parent_code
        lat, lon = area.centre
        assert places.locate(lat, lon).code == area.code  # its centre lies inside it


def test_the_demo_cases_carry_points_inside_their_area(areas, places):
    tree = AreaTree(areas)
    roster = generate_roster(tree, 1)
    gen = Generator(tree, roster, frozenset({"neighbour"}), 1,
                    dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    records = list(gen.records(200))
    for r in records:
        new = r.case
        assert new.lat is not None and new.long is not None
        found = places.locate(new.lat, new.long)
        # a micro-grid has no boundary: its point lies in its grid
        assert found is not None and found.code == tree.get(new.area_code).parent_code
    assert len({(r.case.lat, r.case.long) for r in records}) == len(records)
