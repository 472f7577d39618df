"""研判 from constructed cases: where (hot spots in order, the largest rises, the map), what (the
nature of each case and its risks, by the configured rules), why (the words that set each
category apart — not the words every appeal uses), where it is heading (against several
periods), and the prevention measures recorded (API, CLI, bad input) — in JSON, XLSX and HTML."""

from __future__ import annotations

import datetime as dt
import io
import json

import attrs
import pytest
from conftest import local
from suyuan_smart import analysis, reports

from suyuan_core import NewCase, Period, ValidationError
from suyuan_core.testing import run_cli
from suyuan_core.testing.http import ApiClient

SEP = Period("month", dt.date(2026, 9, 1))

# (area, category, text) of the September cases; "小区" is in every one of them
NOW = [
    *[("C.T1.C1", "labour", f"小区旁工厂拖欠工资{n}个月 老板欠薪") for n in range(1, 6)],
    ("C.T1.C1", "labour", "小区工厂老板欠薪 工人扬言要报复老板"),          # criminal risk
    ("C.T1.C1", "labour", "小区旁工地二十多名农民工聚集讨薪 工资没发"),    # group risk
    *[("C.T1.C2", "neighbour", f"小区楼上漏水 邻居不理睬 第{n}次") for n in range(1, 6)],
    ("C.T2.C1", "urban_management", "小区路灯不亮 道路坑洼"),
    ("C.T2.C1", "urban_management", "小区门口路灯坏了 道路积水"),
    ("C.T2.C2", "other", "小区摊贩被城管执法罚款过重"),                 # administrative by keyword
]
# cases received per month, March … August (the six periods before September)
BEFORE = {3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 6}


def file(d, area, category, text, at):
    return d.cases.create(NewCase(title=text[:20], description=text, category=category,
                                  source="hotline_12345", area_code=area, occurred_at=at),
                          actor="t").id


def box(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1],
                                                [x0, y0]]]}


@pytest.fixture
def built(d):
    tree = d.areas.tree
    d.areas.import_areas([attrs.evolve(tree.get("C.T1"), boundary=box(104.0, 30.0, 104.5, 30.5)),
                          attrs.evolve(tree.get("C.T2"), boundary=box(104.5, 30.0, 105, 30.5))])
    ids = [file(d, a, c, t, local(2026, 9, 3 + i % 20, 10)) for i, (a, c, t) in enumerate(NOW)]
    for month, n in BEFORE.items():
        for i in range(n):  # August: five in C.T2.C1 (it falls in September), one in C.T1.C1
            area = "C.T1.C1" if month == 8 and i == 0 else "C.T2.C1"
            file(d, area, "urban_management", "路灯不亮", local(2026, month, 5 + i, 10))
    return d, ids


def test_where_what_why_and_heading_from_constructed_cases(built):
    d, ids = built
    r = reports.build(d, "C", SEP)
    # where: the communities by cases received, and by rise against August
    assert [(h["area_code"], h["count"]) for h in r["hot_spots"]] == [
        ("C.T1.C1", 7), ("C.T1.C2", 5), ("C.T2.C1", 2), ("C.T2.C2", 1)]
    assert [(h["area_code"], h["rise"]) for h in r["rising"]] == [
        ("C.T1.C1", 6), ("C.T1.C2", 5), ("C.T2.C2", 1)]  # C.T2.C1 fell from 5 to 2
    assert {m["area_code"]: m["count"] for m in r["map_areas"]} == {"C.T1": 12, "C.T2": 3}
    # what: by category first, keywords for the rest; risks on top of the nature
    natures = {n["code"]: n for n in r["natures"]}
    assert natures["civil"]["count"] == 12 and natures["administrative"]["count"] == 3
    assert natures["criminal_risk"]["case_ids"] == [ids[5]]
    assert natures["group_risk"]["case_ids"] == [ids[6]]
    assert natures["administrative"]["case_ids"] == sorted(ids[12:15])
    assert sum(n["count"] for n in r["natures"] if n["kind"] == "nature") == len(NOW)
    # the nature's trend: every earlier case was a street light (administrative)
    assert natures["administrative"]["series"] == [*BEFORE.values(), 3]
    # why: each category's own words; the word every case uses sets none apart
    causes = {c["category"]: [w["word"] for w in c["words"]] for c in r["causes"]}
    assert "欠薪" in causes["labour"] and "漏水" in causes["neighbour"]
    assert "漏水" not in causes["labour"] and "欠薪" not in causes["neighbour"]
    assert not any("小区" in words for words in causes.values())
    assert causes["other"] == []  # one case is an anecdote, not a cause
    # where it is heading: September against the six months before
    trend = r["trend"]
    assert trend["periods"] == [f"2026-{m:02d}" for m in range(3, 10)]
    assert trend["received"] == [*BEFORE.values(), len(NOW)]
    assert trend["change"] == len(NOW) - 6
    assert trend["mean_before"] == round(sum(BEFORE.values()) / 6, 2)
    assert trend["direction"] == "up" and trend["slope"] > 0
    labour = next(c for c in r["categories"] if c["category"] == "labour")
    assert labour["series"] == [0, 0, 0, 0, 0, 0, 7] and labour["direction"] == "up"
    # a town's report: its communities
    town = reports.build(d, "C.T2", SEP)
    assert [h["area_code"] for h in town["hot_spots"]] == ["C.T2.C1", "C.T2.C2"]


def test_heading_and_distinguishing_words_by_hand():
    assert analysis.heading([10, 10, 10, 10], 0.1)["direction"] == "flat"
    down = analysis.heading([8, 12, 10, 5], 0.1)
    assert down["direction"] == "down" and down["change"] == -5 and down["mean_before"] == 10
    assert down["vs_mean_pct"] == -50.0
    assert analysis.heading([0, 0, 3], 0.1)["direction"] == "up"
    words = analysis.distinguishing([("a", ["x", "共同"])] * 6 + [("b", ["y", "共同"])] * 6)
    assert [w["word"] for w in words["a"]] == ["x"] and [w["word"] for w in words["b"]] == ["y"]
    assert analysis.distinguishing([("a", ["x"])] * 5) == {"a": []}  # nothing to compare with


def test_nature_rules_are_configuration(make_deployment):
    rule = {"code": "contract", "label_zh": "合同纠纷", "label_en": "Contract",
            "categories": ["neighbour"]}
    d = make_deployment(plugins=["smart"], config={"plugins": {"smart": {
        "natures": [rule], "nature_default": "other"}}})
    rules = d.settings("smart").natures
    assert analysis.nature_of(rules, "other", "neighbour", "打人") == ("contract", [])
    assert analysis.nature_of(rules, "other", "labour", "x") == ("other", [])
    with pytest.raises(Exception, match="unique"):
        make_deployment(plugins=["smart"], config={"plugins": {"smart": {
            "natures": [rule, rule]}}}).settings("smart")


def test_prevention_measures_through_api_and_cli_shown_in_the_report(built, tmp_path):
    from openpyxl import load_workbook

    d, ids = built
    api = ApiClient(d)
    with api:
        auth = api.as_role("smart_analyst", "C.T1")
        good = {"area_code": "C.T1.C1", "taken_on": "2026-09-20", "title": "欠薪法律宣讲",
                "description": "人社局进工厂讲劳动合同法", "category": "labour",
                "nature": "group_risk", "responsible": "县人社局", "case_ids": [ids[6]]}
        r = api.post("/api/v1/smart/prevention", json=good, headers=auth)
        assert r.status_code == 201, r.text
        first = r.json()["id"]
        bad = [({"area_code": "C.T9"}, "area_code"), ({"taken_on": "2099-01-01"}, "taken_on"),
               ({"nature": "nope"}, "nature"), ({"case_ids": [ids[10]]}, "case_ids"),
               ({"category": "nope"}, "category"), ({"title": ""}, "title")]
        for change, field in bad:
            r = api.post("/api/v1/smart/prevention", json={**good, **change}, headers=auth)
            assert 400 <= r.status_code < 500 and field in r.text, (change, r.text)
        outside = {**good, "area_code": "C.T2.C1", "case_ids": []}
        assert api.post("/api/v1/smart/prevention", json=outside,
                        headers=auth).status_code == 403
        listed = api.get("/api/v1/smart/prevention", params={"area": "C.T1", "period": "2026-09"},
                         headers=auth).json()
        assert [m["id"] for m in listed] == [first]
        # the served report: JSON with the parts, and the printable page with the map
        got = api.get("/api/v1/smart/reports/C.T1/2026-09", headers=auth).json()
        assert [h["area_code"] for h in got["hot_spots"]] == ["C.T1.C1", "C.T1.C2"]
        assert [m["title"] for m in got["prevention"]] == ["欠薪法律宣讲"]
        page = api.get("/api/v1/smart/reports/C.T1/2026-09/html", headers=auth).text
        assert '<svg class="map"' not in page  # C.T1's communities carry no boundary here
        assert "欠薪法律宣讲" in page
        assert api.get("/api/v1/smart/reports/C/2026-09", headers=auth).status_code == 403
    out = run_cli(d, "smart", "prevention", "add", "--area", "C.T2.C1", "--date", "2026-09-25",
                  "--title", "路灯巡查", "--category", "urban_management")
    assert out.exit_code == 0, out.output
    out = run_cli(d, "smart", "prevention", "add", "--area", "C.T2.C1", "--date", "2026-13-01",
                  "--title", "x")
    assert out.exit_code == 1 and out.stderr.count("\n") == 1 and "taken_on" in out.stderr
    run_cli(d, "smart", "prevention", "add", "--area", "C.T2", "--date", "2026-08-30",
            "--title", "上月的措施")
    rows = json.loads(run_cli(d, "smart", "prevention", "list", "--area", "C", "--period",
                              "2026-09", "--json").stdout)
    assert [m["title"] for m in rows] == ["欠薪法律宣讲", "路灯巡查"]

    report = reports.build(d, "C", SEP)
    assert [m["title"] for m in report["prevention"]] == ["欠薪法律宣讲", "路灯巡查"]
    page = reports.html_page(report, reports.map_svg(d, report))
    assert page.count("<path") == 2 and 'data-area="C.T1"' in page and "http" not in page
    assert "欠薪法律宣讲" in page and "民转刑风险" in page and f"#{ids[5]}" in page
    wb = load_workbook(io.BytesIO(reports.xlsx_bytes(report)))
    natures = {row[0]: row[3] for row in wb["性质 Nature"].iter_rows(min_row=2, values_only=True)}
    assert natures["民事纠纷"] == 12 and natures["群体性事件风险"] == 1
    assert [row[2] for row in wb["预防措施 Prevention"].iter_rows(min_row=2, values_only=True)] \
        == ["欠薪法律宣讲", "路灯巡查"]
    words = {row[3] for row in wb["成因 Causes"].iter_rows(min_row=2, values_only=True)
             if row[1] == "neighbour"}
    assert "漏水" in words and "小区" not in words
    with pytest.raises(ValidationError):
        reports.build(d, "C", Period("day", dt.date(2026, 9, 1)))
