"""Benchmark: what locating a case costs with the full Jintang boundaries (issue 13).

The Jintang demo's areas.csv: 1 county, 16 towns, 200 communities and 1,136 grids with
boundaries (4,725 micro-grids without). Prints, as process CPU time:

* building the index (``Places``: every boundary checked, STRtree, prepared geometries);
* ``locate(lat, long)`` per point (random points in the county): the smallest area holding it;
* ``check_point`` per point with the area given (the demo's and Open311's path);
* ``locate_address`` per address (town + community names in a free-text address);
* the bulk intake of the same cases three ways — with an area code, with a point and no area
  code (located), and with an address and no area code — so the difference per case is what
  locating adds to writing a case.

    python bench/places.py [--cases 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from shapely.geometry import shape

from suyuan_core import NewCase
from suyuan_core.areas.places import Places
from suyuan_core.areas.service import read_csv
from suyuan_core.cases.bulk import CaseRecord
from suyuan_core.domain.areas import Level
from suyuan_core.testing import DeploymentFactory

JINTANG = Path(__file__).resolve().parents[1] / "examples" / "jintang" / "areas.csv"
T0 = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)


def cpu(label: str, n: int, run: object) -> float:
    started = time.process_time()
    run()  # type: ignore[operator]
    spent = time.process_time() - started
    print(f"{label}: {n:,} in {spent:.2f} s CPU, {1e6 * spent / n:,.0f} µs each")
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    n = parser.parse_args().cases
    areas = read_csv(JINTANG)
    bounded = sum(1 for a in areas if a.boundary)
    started = time.process_time()
    places = Places(areas)
    print(f"index: {bounded:,} boundaries in {time.process_time() - started:.2f} s CPU")

    rng = random.Random(13)
    grids = [a for a in areas if a.level is Level.grid]
    by_code = {a.code: a for a in areas}
    points, homes = [], []
    for _ in range(n):
        grid = rng.choice(grids)
        geom = shape(grid.boundary)
        x0, y0, x1, y1 = geom.bounds
        while True:
            lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
            if geom.contains(shape({"type": "Point", "coordinates": [lon, lat]})):
                break
        points.append((lat, lon))
        homes.append(grid)
    addresses = []
    for grid in homes:
        community = by_code[grid.parent_code or ""]
        town = by_code[community.parent_code or ""]
        addresses.append(f"四川省成都市金堂县{town.name_zh}{community.name_zh}"
                         f"{rng.randint(1, 12)}组{rng.randint(1, 99)}号")

    cpu("locate(lat, long)", n, lambda: [places.locate(lat, lon) for lat, lon in points])
    cpu("check_point(area given)", n, lambda: [places.check_point(g.code, lat, lon)
                                               for g, (lat, lon) in zip(homes, points,
                                                                        strict=True)])
    cpu("locate_address", n, lambda: [places.locate_address(a) for a in addresses])
    wrong = sum(places.locate(lat, lon).code != g.code  # type: ignore[union-attr]
                for g, (lat, lon) in zip(homes, points, strict=True))
    print(f"points located to another grid than the one drawn in: {wrong}")

    with tempfile.TemporaryDirectory() as tmp:
        factory = DeploymentFactory(Path(tmp))
        try:
            d = factory(areas=False)
            d.areas.import_areas(areas)
            d.areas.places  # noqa: B018 - the index is built once per deployment, not per case

            def records(how: str) -> list[CaseRecord]:
                out = []
                for i, (grid, (lat, lon), address) in enumerate(
                        zip(homes, points, addresses, strict=True)):
                    where: dict[str, object] = (
                        {"area_code": grid.code} if how == "area" else
                        {"lat": lat, "long": lon} if how == "point" else {"address": address})
                    out.append(CaseRecord(NewCase(title="停水", category="neighbour",
                                                  source="walk_in", occurred_at=T0,
                                                  source_ref=f"{how}-{i}", **where)))  # type: ignore[arg-type]
                return out

            spent = {}
            for how in ("area", "point", "address"):
                batch = records(how)
                spent[how] = cpu(f"bulk intake, {how}", n, lambda b=batch: d.bulk.write(b))
            for how in ("point", "address"):
                print(f"locating by {how} adds {1e6 * (spent[how] - spent['area']) / n:,.0f} µs "
                      "CPU per case to the bulk intake")
        finally:
            factory.close()


if __name__ == "__main__":
    main()
