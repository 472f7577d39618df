"""Case import/export: streaming, all-or-nothing per batch, idempotent by source id."""

from __future__ import annotations

import csv
import json

from openpyxl import load_workbook
from sqlalchemy import func, select

from suyuan_core.tables import case_events, cases
from suyuan_core.testing import run_cli

HEADER = "source,source_ref,title,category,area_code,reported_at,description\n"


def write(path, rows: list[str]) -> None:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")


def counts(d) -> tuple[int, int]:
    with d.reading() as s:
        return (s.scalar(select(func.count()).select_from(cases)),
                s.scalar(select(func.count()).select_from(case_events)))


def test_csv_import_is_idempotent(deployment, tmp_path):
    f = tmp_path / "orders.csv"
    write(f, [f"hotline_12345,WO-{i},噪音扰民 {i},neighbour,C.T1.C1,2026-05-0{1 + i % 5}T09:00:00+08:00,"
              for i in range(7)])
    first = run_cli(deployment, "cases", "import", str(f), "--batch-size", "3")
    assert first.exit_code == 0, first.output
    assert "imported 7 cases" in first.stdout
    again = run_cli(deployment, "cases", "import", str(f))
    assert "imported 0 cases" in again.stdout and "7 already there" in again.stdout
    assert counts(deployment) == (7, 7)
    case = deployment.cases.find_by_source("hotline_12345", "WO-3")
    assert case is not None and case.kind == "appeal"
    assert case.reported_at.isoformat() == "2026-05-04T01:00:00+00:00"


def test_bad_line_names_line_and_field_and_writes_nothing_of_its_batch(deployment, tmp_path):
    f = tmp_path / "bad.csv"
    write(f, ["walk_in,A1,好,neighbour,C.T1.C1,,",
              "walk_in,A2,好,neighbour,C.T1.C1,,",
              "walk_in,A3,坏,no_such_category,C.T1.C1,,",
              "walk_in,A4,好,neighbour,C.T1.C1,,"])
    result = run_cli(deployment, "cases", "import", str(f))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: line 4, field 'category': unknown category")
    assert result.stderr.count("\n") == 1
    assert counts(deployment) == (0, 0)
    bad_time = tmp_path / "bad_time.csv"
    write(bad_time, ["walk_in,B1,好,neighbour,C.T1.C1,yesterday,"])
    result = run_cli(deployment, "cases", "import", str(bad_time))
    assert "line 2, field 'reported_at'" in result.stderr
    missing = tmp_path / "missing.csv"
    write(missing, ["walk_in,B2,,neighbour,C.T1.C1,,"])
    assert "field 'title': is required" in run_cli(deployment, "cases", "import",
                                                   str(missing)).stderr
    assert counts(deployment) == (0, 0)


def test_jsonl_round_trip_with_events(deployment, factories, tmp_path):
    closed = factories.case("closed", source="hotline_12345", source_ref="WO-9")
    deployment.cases.callback(closed.id, actor="t", reached=True, satisfaction="satisfied")
    factories.case("in_progress", source="walk_in", source_ref="V-1")
    out = tmp_path / "all.jsonl"
    result = run_cli(deployment, "cases", "export", str(out), "--with-events")
    assert result.exit_code == 0 and "exported 2 cases" in result.stdout
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in rows] == ["closed", "in_progress"]
    assert [e["kind"] for e in rows[0]["events"]] == ["reported", "accept", "assign", "start",
                                                      "resolve", "close", "callback"]
    assert "parties" not in rows[0]["events"][0]["data"]
    assert "parties" not in rows[0]  # personal data only with --personal-data
    # into a fresh deployment: the same states and figures come back from the events
    from suyuan_core.testing import DeploymentFactory

    factory = DeploymentFactory(tmp_path / "other")
    (tmp_path / "other").mkdir()
    try:
        other = factory()
        from suyuan_core.testing import Factories

        Factories(other).person(external_id="F1")  # the roster goes first: F1 is assigned
        result = run_cli(other, "cases", "import", str(out))
        assert result.exit_code == 0, result.output
        again = other.cases.find_by_source("hotline_12345", "WO-9")
        assert again is not None and again.status.value == "closed"
        assert again.satisfaction == "satisfied"
        assert run_cli(other, "metrics", "verify").exit_code == 0
    finally:
        factory.close()


def test_import_with_illegal_history_is_refused(deployment, tmp_path):
    f = tmp_path / "h.jsonl"
    row = {"source": "walk_in", "source_ref": "H1", "title": "t", "category": "neighbour",
           "area_code": "C.T1.C1", "reported_at": "2026-01-01T00:00:00+08:00",
           "events": [{"kind": "close", "occurred_at": "2026-01-02T00:00:00+08:00"}]}
    f.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run_cli(deployment, "cases", "import", str(f))
    assert result.exit_code == 1 and "line 1" in result.stderr and "cannot 'close'" in result.stderr
    assert counts(deployment) == (0, 0)
    f.write_text("{not json\n", encoding="utf-8")
    assert "not valid JSON" in run_cli(deployment, "cases", "import", str(f)).stderr


def test_csv_and_xlsx_export_with_filters(deployment, factories, tmp_path):
    factories.case("closed", area_code="C.T1.C1")
    factories.case("reported", area_code="C.T2.C1")
    out = tmp_path / "t1.csv"
    assert run_cli(deployment, "cases", "export", str(out), "--area", "C.T1").exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["area_code"], r["status"]) for r in rows] == [("C.T1.C1", "closed")]
    xlsx = tmp_path / "all.xlsx"
    assert run_cli(deployment, "cases", "export", str(xlsx)).exit_code == 0
    sheet = load_workbook(xlsx, read_only=True)["cases"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "id" and len(values) == 3
    bad = run_cli(deployment, "cases", "export", str(tmp_path / "x.csv"), "--with-events")
    assert bad.exit_code == 1 and "needs JSON Lines" in bad.stderr
    unknown = run_cli(deployment, "cases", "export", str(tmp_path / "x.doc"))
    assert unknown.exit_code == 1 and "cannot tell the format" in unknown.stderr


def test_show_prints_the_timeline(deployment, factories):
    case = factories.case("assigned")
    result = run_cli(deployment, "cases", "show", str(case.id), "--json")
    data = json.loads(result.stdout)
    assert [e["kind"] for e in data["timeline"]] == ["reported", "accept", "assign"]
    assert data["allowed"] == ["assign", "start", "refer", "withdraw", "escalate"]
    act = run_cli(deployment, "cases", "act", str(case.id), "close", "--actor", "t")
    assert act.exit_code == 1 and "cannot 'close' while the case is 'assigned'" in act.stderr
