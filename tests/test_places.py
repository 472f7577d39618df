"""Places: areas carry a GeoJSON boundary and a centre, imported with the area tree (CSV); a
point is located to the smallest area holding it (shapely, STRtree), to the nearest centre when
only centres are known, and refused when it lies outside every boundary; a bad polygon in the
import is a clear one-line error and nothing of the batch is written."""

from __future__ import annotations

import csv
import json

import pytest

from suyuan_core.areas.places import Located

HEADER = ["code", "parent_code", "level", "name_zh", "name_en", "boundary", "centre"]


def box(x0: float, y0: float, x1: float, y1: float) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1],
                                                           [x0, y1], [x0, y0]]]})


# a small county: a town with two communities, the first with a grid
ROWS = [
    ["P", "", "county", "样县", "", box(104.0, 30.0, 105.0, 31.0), "30.5,104.5"],
    ["P.T1", "P", "town", "一镇", "", box(104.0, 30.0, 104.5, 30.5), "30.25,104.25"],
    ["P.T1.C1", "P.T1", "community", "一社区", "", box(104.0, 30.0, 104.25, 30.25), ""],
    ["P.T1.C1.G1", "P.T1.C1", "grid", "一网格", "", box(104.0, 30.0, 104.1, 30.1), ""],
    ["P.T1.C2", "P.T1", "community", "二社区", "",
     json.dumps({"type": "Feature", "properties": {},
                 "geometry": json.loads(box(104.25, 30.0, 104.5, 30.25))}), ""],
]


def write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


@pytest.fixture
def placed(deployment, cli, tmp_path):
    r = cli("areas", "import", str(write(tmp_path / "areas.csv", ROWS)))
    assert r.exit_code == 0, r.output
    deployment.areas.refresh()
    return deployment


def test_a_point_is_located_to_the_smallest_area_holding_it(placed):
    assert placed.areas.locate(30.05, 104.05) == Located("P.T1.C1.G1", "boundary")
    assert placed.areas.locate(30.2, 104.2) == Located("P.T1.C1", "boundary")
    assert placed.areas.locate(30.1, 104.4) == Located("P.T1.C2", "boundary")  # from a Feature
    assert placed.areas.locate(30.4, 104.4) == Located("P.T1", "boundary")
    assert placed.areas.locate(30.9, 104.9) == Located("P", "boundary")
    got = placed.areas.tree.get("P.T1")
    assert got.centre == (30.25, 104.25) and got.boundary["type"] == "Polygon"


def test_a_point_outside_every_boundary_is_refused(placed):
    from suyuan_core.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        placed.areas.locate(39.9, 116.4)  # Beijing, not in the county
    assert err.value.field == "lat" and err.value.rule == "outside"


def test_only_centres_known_means_the_nearest_centre(deployment, cli, tmp_path):
    rows = [[*r[:5], "", r[6]] for r in ROWS[:2]] + [
        ["P.T2", "P", "town", "二镇", "", "", "30.75,104.75"]]
    assert cli("areas", "import", str(write(tmp_path / "c.csv", rows))).exit_code == 0
    deployment.areas.refresh()
    # the towns have centres (the lowest level that has any): nearest wins
    assert deployment.areas.locate(30.7, 104.8) == Located("P.T2", "nearest_centre")
    assert deployment.areas.locate(30.1, 104.1) == Located("P.T1", "nearest_centre")


def test_no_places_at_all_locates_nothing(deployment):
    assert deployment.areas.locate(30.1, 104.1) is None


@pytest.mark.parametrize(("boundary", "words"), [
    (json.dumps({"type": "Polygon", "coordinates": [[[104, 30], [105, 31], [105, 30],
                                                     [104, 31], [104, 30]]]}),
     "not a valid polygon"),  # a bow tie: the ring crosses itself
    (json.dumps({"type": "Point", "coordinates": [104, 30]}), "Polygon or MultiPolygon"),
    (json.dumps({"type": "Polygon", "coordinates": [[[104, 30], [105]]]}), "malformed"),
    (box(30.0, 104.0, 31.0, 105.0), "outside long"),  # lat, long swapped
    ("{not json", "not JSON"),
])
def test_an_invalid_polygon_in_the_import_is_a_clear_error_and_writes_nothing(
        deployment, cli, tmp_path, boundary, words):
    before = len(deployment.areas.refresh())
    rows = [ROWS[0], ["P.T9", "P", "town", "坏镇", "", boundary, ""]]
    r = cli("areas", "import", str(write(tmp_path / "bad.csv", rows)))
    assert r.exit_code != 0
    assert words in r.output and "Traceback" not in r.output and len(r.output.splitlines()) == 1
    assert len(deployment.areas.refresh()) == before


def test_open311_reports_are_located_with_the_rule_on_the_event(make_deployment, tmp_path):
    from suyuan_core.testing.http import ApiClient
    from suyuan_core.testing.kit import run_cli

    d = make_deployment(plugins=["smart"], config={"plugins": {"smart": {
        "units": [{"code": "CG", "name": "县城管局", "categories": ["urban_management"],
                   "areas": ["C"]}], "open311_api_keys": ["k1"]}}})
    rows = [["C", "", "county", "县", "", box(100.0, 20.0, 110.0, 40.0), ""],
            *[[r[0].replace("P", "C", 1), r[1].replace("P", "C", 1), *r[2:]] for r in ROWS[1:]]]
    rows[1][1] = "C"
    assert run_cli(d, "areas", "import", str(write(tmp_path / "a.csv", rows))).exit_code == 0
    d.areas.refresh()
    form = {"api_key": "k1", "service_code": "urban_management", "lat": "30.05",
            "long": "104.05", "description": "路灯不亮"}
    with ApiClient(d) as api:
        r = api.post("/open311/v2/requests.json", data=form)
        assert r.status_code == 201, r.text
        case = d.cases.get(int(r.json()[0]["service_request_id"]))
        assert case.area_code == "C.T1.C1.G1" and case.data["located_by"] == "boundary"
        reported = d.cases.timeline(case.id)[0]
        assert reported.kind == "reported" and reported.data["case_data"]["located_by"] == "boundary"
        far = api.post("/open311/v2/requests.xml", data={**form, "lat": "45.0"})
        assert far.status_code == 400 and "outside every" in far.text


# -- addresses --------------------------------------------------------------------------------
def test_an_address_is_located_by_the_area_names_it_mentions(placed):
    # short names (一镇 → 一镇 itself; 一社区 → 一社区) and the whole chain: deepest named wins
    assert placed.areas.locate_address("样县一镇一社区一网格旁") == Located("P.T1.C1.G1", "address")
    assert placed.areas.locate_address("一镇二社区幸福路3号") == Located("P.T1.C2", "address")
    assert placed.areas.locate_address("样县某某路") == Located("P", "address")
    assert placed.areas.locate_address("北京市朝阳区") is None


def test_an_address_names_its_chain_so_a_namesake_elsewhere_loses(deployment, cli, tmp_path):
    rows = [["Q", "", "county", "金堂县", "", "", ""],
            ["Q.A", "Q", "town", "赵镇街道", "", "", ""],
            ["Q.A.1", "Q.A", "community", "金山社区", "", "", ""],
            ["Q.B", "Q", "town", "淮口街道", "", "", ""],
            ["Q.B.1", "Q.B", "community", "金山社区", "", "", ""],
            ["Q.B.2", "Q.B", "community", "淮州社区", "", "", ""]]
    assert cli("areas", "import", str(write(tmp_path / "n.csv", rows))).exit_code == 0
    areas = deployment.areas
    areas.refresh()
    # 淮口 (the town's short name) says which 金山社区 it is
    assert areas.locate_address("金堂县淮口金山社区5组") == Located("Q.B.1", "address")
    assert areas.locate_address("赵镇金山社区") == Located("Q.A.1", "address")
    # two namesakes and nothing to tell them apart: their common area, never a guess
    assert areas.locate_address("金山社区12号") == Located("Q", "address")
    assert areas.locate_address("淮州社区") == Located("Q.B.2", "address")


# -- cases filed with a point or an address ---------------------------------------------------
API = "/api/v1/cases"


def body(**fields):
    return {"title": "停水", "category": "other", "source": "walk_in", **fields}


def count_cases(d):
    from sqlalchemy import func, select

    from suyuan_core.storage import tables

    with d.reading() as s:
        return s.scalar(select(func.count()).select_from(tables.cases))


def test_api_cases_with_a_point_or_an_address_are_located_with_the_rule_on_the_event(placed):
    from suyuan_core.testing.http import ApiClient

    with ApiClient(placed) as api:
        h = api.as_role("supervisor", "P", username="sup")
        r = api.post(API, json=body(lat=30.05, long=104.05), headers=h)
        assert r.status_code == 201, r.text
        case = placed.cases.get(r.json()["id"])
        assert case.area_code == "P.T1.C1.G1" and case.data["located_by"] == "boundary"
        assert case.data["location"] == {"lat": 30.05, "long": 104.05}
        reported = placed.cases.timeline(case.id)[0].data
        assert reported["area_code"] == "P.T1.C1.G1"
        assert reported["case_data"]["located_by"] == "boundary"
        assert r.json()["data"]["location"] != case.data["location"]  # masked on the way out

        r = api.post(API, json=body(address="样县一镇二社区幸福路3号"), headers=h)
        assert r.status_code == 201, r.text
        case = placed.cases.get(r.json()["id"])
        assert case.area_code == "P.T1.C2" and case.data["located_by"] == "address"

        # an area code given wins; the point is kept
        r = api.post(API, json=body(area_code="P.T1", lat=30.05, long=104.05), headers=h)
        case = placed.cases.get(r.json()["id"])
        assert case.area_code == "P.T1" and "located_by" not in case.data


def test_api_a_point_outside_every_boundary_or_no_place_is_a_4xx_and_writes_nothing(placed):
    from suyuan_core.testing.http import ApiClient

    before = count_cases(placed)
    with ApiClient(placed) as api:
        h = api.as_role("supervisor", "P", username="sup")
        far = api.post(API, json=body(lat=39.9, long=116.4), headers=h)
        assert far.status_code == 422 and far.json()["field"] == "lat", far.text
        assert "outside every" in far.json()["message"]
        # with an area code too: the point is a mistake (lat and long swapped)
        swapped = api.post(API, json=body(area_code="P.T1", lat=-30.05, long=104.05), headers=h)
        assert swapped.status_code == 422 and swapped.json()["field"] == "lat"
        nowhere = api.post(API, json=body(address="北京市朝阳区"), headers=h)
        assert nowhere.status_code == 422 and nowhere.json()["field"] == "area_code"
        assert "address" in nowhere.json()["message"]
        half = api.post(API, json=body(lat=30.05), headers=h)
        assert half.status_code == 422 and half.json()["field"] == "long"
        bad = api.post(API, json=body(lat=999, long=104.05), headers=h)
        assert bad.status_code in (400, 422) and "lat" in bad.text
        # a user of one town cannot file a case located in another
        other = api.as_role("supervisor", "P.T1.C2", username="c2")
        r = api.post(API, json=body(lat=30.05, long=104.05), headers=other)
        assert r.status_code == 403, r.text
    assert count_cases(placed) == before


def test_imports_locate_rows_by_point_or_address_and_a_point_outside_writes_nothing(
        placed, cli, tmp_path):
    rows = [{"source": "walk_in", "title": "停水", "category": "other", "lat": "30.05",
             "long": "104.05"},
            {"source": "walk_in", "title": "停电", "category": "other",
             "address": "一镇二社区幸福路"}]
    path = tmp_path / "cases.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["source", "title", "category", "area_code", "lat",
                                          "long", "address"])
        w.writeheader()
        w.writerows(rows)
    r = cli("cases", "import", str(path))
    assert r.exit_code == 0, r.output
    from suyuan_core import CaseFilter

    got = {c.title: c for c in placed.case_query.page(CaseFilter(), limit=10).cases}
    assert got["停水"].area_code == "P.T1.C1.G1" and got["停水"].data["located_by"] == "boundary"
    assert got["停电"].area_code == "P.T1.C2" and got["停电"].data["located_by"] == "address"

    before = count_cases(placed)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"source": "walk_in", "title": "好", "category": "other", "lat": 30.05, "long": 104.05},
        {"source": "walk_in", "title": "远", "category": "other", "lat": 45.0, "long": 104.05},
    ]) + "\n", encoding="utf-8")
    r = cli("cases", "import", str(bad))
    assert r.exit_code != 0 and "line 2" in r.output and "outside every" in r.output, r.output
    assert len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output
    assert count_cases(placed) == before
