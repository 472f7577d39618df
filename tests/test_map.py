"""The dashboard's map: the child areas drawn from their boundaries as server-rendered SVG (no
tiles, no CDN, no JavaScript), shaded by a figure with a legend of classes, each area a link to
exactly the cases its figure counts; areas without a boundary listed beside it, with their own
links — over HTTP and in a real Chromium."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import attrs
import pytest
from litestar.testing import TestClient

from suyuan_core import NewCase, maps
from suyuan_core.accounts import DEMO_PASSWORD, ensure_demo_users
from suyuan_core.domain.areas import Area
from suyuan_core.testing.browser import (
    browser_page,
    live_server,
    outside,
    requires_chromium,
    sign_in,
)
from suyuan_core.web import create_app

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
AT = dt.datetime(2026, 9, 10, 9, tzinfo=TZ)


def box(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1],
                                                [x0, y0]]]}


BOUNDARIES = {
    "C.T1": box(104.0, 30.0, 104.5, 30.5),
    # a town with a hole (an enclave of another county): still one path, drawn even-odd
    "C.T2": {"type": "Polygon", "coordinates": [
        [[104.5, 30.0], [105.0, 30.0], [105.0, 30.5], [104.5, 30.5], [104.5, 30.0]],
        [[104.7, 30.2], [104.8, 30.2], [104.8, 30.3], [104.7, 30.3], [104.7, 30.2]]]},
    "C.T1.C1": box(104.0, 30.0, 104.25, 30.5),
    "C.T1.C2": box(104.25, 30.0, 104.5, 30.5),
}


def place(d) -> dict[str, list[int]]:
    """Boundaries for both towns and C.T1's communities, a third town without one, and cases:
    the ids each area's cases_received figure of 2026-09 must list."""
    tree = d.areas.tree
    d.areas.import_areas([attrs.evolve(tree.get(code), boundary=b)
                          for code, b in BOUNDARIES.items()]
                         + [Area("C.T3", "第3镇", "town", "C", name_en="Town 3")])
    made: dict[str, list[int]] = {}
    for area, n in (("C.T1.C1.G1", 3), ("C.T1.C2", 1), ("C.T2.C1", 2), ("C.T3", 2)):
        for i in range(n):
            case = d.cases.create(NewCase(title=f"{area} 纠纷 {i}", category="neighbour",
                                          source="walk_in", area_code=area, occurred_at=AT),
                                  actor="t")
            for code in d.areas.tree.ancestors(area):
                made.setdefault(code, []).append(case.id)
    # another month's case: on no map of 2026-09
    d.cases.create(NewCase(title="八月的纠纷", category="neighbour", source="walk_in",
                           area_code="C.T1.C1", occurred_at=AT - dt.timedelta(days=40)),
                   actor="t")
    return made


@pytest.fixture
def site(deployment):
    ensure_demo_users(deployment)
    with TestClient(create_app(deployment), base_url="https://testserver.local") as client:
        r = client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD,
                                        "next": "/"}, follow_redirects=False)
        assert r.status_code == 303
        yield client


def drilled_ids(site, url: str) -> set[int]:
    page = site.get(url.replace("&amp;", "&")).text
    count = int(re.search(r'id="drill-count">(\d+)<', page).group(1))
    ids = {int(x) for x in re.findall(r'<td><a href="/cases/(\d+)">', page)}
    assert count == len(ids)
    return ids


def test_map_draws_each_child_with_a_boundary_and_links_to_exactly_its_cases(site, deployment):
    made = place(deployment)
    page = site.get("/dashboard?area=C&period=2026-09").text
    svg = re.search(r'<svg class="map".*?</svg>', page, re.S).group(0)
    paths = re.findall(r'<a href="([^"]+)"><path d="[^"]+" data-area="([^"]+)" fill="([^"]+)"'
                       r'[^>]*><title>([^<]+)</title>', svg)
    assert sorted(p[1] for p in paths) == ["C.T1", "C.T2"]  # one path per town with a boundary
    assert svg.count("<path") == 2
    titles = {p[1]: p[3] for p in paths}
    assert titles == {"C.T1": "第1镇: 4", "C.T2": "第2镇: 2"}
    for url, code, _, _ in paths:
        assert drilled_ids(site, url) == set(made[code])
    # the darker class holds the larger figure, and the legend lists the classes
    fills = {p[1]: p[2] for p in paths}
    assert fills["C.T1"] != fills["C.T2"]
    assert maps.PALETTE.index(fills["C.T1"]) > maps.PALETTE.index(fills["C.T2"])
    assert svg.count('class="legend"') >= 3 and "xmlns" not in svg and "http" not in svg
    # the town without a boundary is named beside the map, with its own drill-down
    missing = re.search(r'<p id="map-missing">(.*?)</p>', page, re.S).group(1)
    link = re.search(r'href="([^"]+)" data-area="C.T3">第3镇 \(2\)', missing).group(1)
    assert drilled_ids(site, link) == set(made["C.T3"])
    # a town's map: its communities; the grid's cases count in their community
    town = site.get("/dashboard?area=C.T1&period=2026-09").text
    found = dict(re.findall(r'data-area="(C\.T1\.C\d)" fill="[^"]+"[^>]*><title>([^<]+)<', town))
    assert found == {"C.T1.C1": "1镇1社区: 3", "C.T1.C2": "1镇2社区: 1"}


def test_map_shades_another_figure_and_refuses_one_it_cannot_map(site, deployment):
    place(deployment)
    page = site.get("/dashboard?area=C&period=2026-09&map=cases_closed").text
    assert '<option value="cases_closed" selected>' in page
    assert re.search(r'data-area="C.T1" fill="[^"]+"[^>]*><title>第1镇: 0<', page)
    r = site.get("/dashboard?area=C&period=2026-09&map=no_such_metric")
    assert r.status_code == 404 and "no_such_metric" in r.text
    gauges = [m.key for m in deployment.metrics if m.is_gauge]
    if gauges:
        r = site.get(f"/dashboard?area=C&map={gauges[0]}")
        assert r.status_code == 422 and "no figure per period to map" in r.text


def test_without_boundaries_the_dashboard_says_so(site, deployment):
    page = site.get("/dashboard?area=C&period=2026-09").text
    assert 'id="map-none"' in page and '<svg class="map"' not in page
    # every town is still listed, with the link to its cases
    assert re.search(r'<p id="map-missing">.*data-area="C.T1">第1镇 \(0\)', page, re.S)
    leaf = site.get("/dashboard?area=C.T1.C1.G1.M1").text  # a micro-grid has no children
    assert 'id="map"' not in leaf


def test_classes_and_projection_of_the_helper():
    assert maps.bins([0, None]) == ()
    got = maps.bins([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 23])
    assert [(b.low, b.high) for b in got] == [(1, 5), (6, 10), (11, 15), (16, 20), (21, 23)]
    assert [b.label() for b in maps.bins([1, 2])] == ["1", "2"]
    wide = Area("W", "宽", "town", "C", boundary=box(104.0, 30.0, 106.0, 30.5))
    drawn = maps.choropleth([maps.Shaded(wide, 3)], title="t", width=400, height=400)
    xs = [float(x) for x in re.findall(r"([\d.]+),[\d.]+", str(drawn.svg).split('d="')[1])]
    ys = [float(y) for y in re.findall(r"[\d.]+,([\d.]+)", str(drawn.svg).split('d="')[1])]
    # fitted into the box, longitude scaled by cos(30.25°) ≈ 0.864: 2° × 0.864 : 0.5° ≈ 3.46
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert width == pytest.approx(384, abs=1) and width / height == pytest.approx(3.456, rel=0.01)
    assert drawn.drawn == ("W",) and drawn.missing == ()


@requires_chromium
def test_clicking_an_area_on_the_map_lists_exactly_its_cases_in_chromium(make_deployment):
    pytest.importorskip("playwright.sync_api")
    d = make_deployment(config={"web": {"secure_cookies": False}})
    ensure_demo_users(d)
    made = place(d)
    with live_server(d) as base, browser_page(base) as (page, requested):
        sign_in(page, base, "admin", DEMO_PASSWORD, then="/dashboard?area=C&period=2026-09")
        shapes = page.locator("svg.map path")
        assert shapes.count() == 2
        assert sorted(shapes.nth(i).get_attribute("data-area") for i in range(2)) == \
            ["C.T1", "C.T2"]
        assert page.locator('svg.map path[data-area="C.T1"] title').text_content() == "第1镇: 4"
        box_ = page.locator('svg.map path[data-area="C.T1"]').bounding_box()
        assert box_ and box_["width"] > 50 and box_["height"] > 50  # drawn, not degenerate
        page.locator('svg.map path[data-area="C.T1"]').click()
        page.wait_for_url(re.compile(r".*/cases\?metric=cases_received.*area=C\.T1.*"))
        listed = {int(x) for x in page.locator("table.cases tbody td:first-child a")
                  .all_inner_texts()}
        assert listed == set(made["C.T1"])
        assert page.locator("#drill-count").inner_text() == str(len(made["C.T1"]))
    assert not outside(requested, base)
