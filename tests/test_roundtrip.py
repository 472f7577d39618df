"""``cases export --with-events --personal-data`` then ``cases import --keep-ids`` into a fresh
deployment reproduces every case and event (issue 14 point 6): every status, escalated, merged,
unmerged and reopened cases, notes and callbacks; then ``metrics verify`` and ``integrity`` pass
on the copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from suyuan_core.testing import Factories, run_cli
from suyuan_core.testing.factories import PATHS

#: the surrogate ids of the rows (every other column, digests and write times included, is kept)
STAMPS = {"id"}


def _varied(d: Any) -> None:
    f = Factories(d)
    f.person(external_id="F1")
    for status in PATHS:  # every status the lifecycle reaches, in order
        f.case(status, parties=[{"name": "张三", "role": "applicant", "phone": "13800000001"}])
    escalated = f.case("accepted")
    d.cases.act(escalated.id, "escalate", actor="t", reason="调解不成，上交镇")
    reopened = f.case("resolved")
    d.cases.callback(reopened.id, actor="t", reached=True, satisfaction="dissatisfied")
    d.cases.act(reopened.id, "reopen", actor="t", reason="回访不满意")
    d.cases.note(reopened.id, "再次走访", actor="t")
    parent, child, back = f.case("accepted"), f.case("reported"), f.case("reported")
    d.merges.merge(child.id, parent.id, actor="t", reason="重复诉求")
    d.merges.merge(back.id, parent.id, actor="t", reason="重复诉求")
    d.merges.unmerge(back.id, actor="t", reason="不是重复")
    f.case("reported", source="hotline_12345", source_ref="GD-1", level="town")


def _rows(d: Any, table: str, order: str) -> list[dict[str, Any]]:
    with d.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
                .mappings()]
    return [{k: v for k, v in r.items() if k not in STAMPS} for r in rows
            if r.get("num", 1) or r.get("den", 1)]  # an emptied rollup cell counts nothing


def test_export_then_import_reproduces_every_case_and_event(make_deployment: Any,
                                                            tmp_path: Path) -> None:
    source = make_deployment()
    _varied(source)
    path = tmp_path / "cases.jsonl"
    r = run_cli(source, "cases", "export", str(path), "--with-events", "--personal-data",
                "--reason", "迁移到新服务器")
    assert r.exit_code == 0, r.output

    people = tmp_path / "people.csv"
    r = run_cli(source, "roster", "export", str(people), "--personal-data", "--reason", "迁移到新服务器")
    assert r.exit_code == 0, r.output
    copy = make_deployment()
    r = run_cli(copy, "roster", "import", str(people))  # the roster goes first
    assert r.exit_code == 0, r.output
    r = run_cli(copy, "cases", "import", str(path), "--keep-ids", "--batch-size", "4")
    assert r.exit_code == 0, r.output
    assert _rows(copy, "cases", "id") == _rows(source, "cases", "id")
    assert _rows(copy, "case_events", "case_id, seq") == _rows(source, "case_events",
                                                               "case_id, seq")
    assert len(_rows(copy, "case_events", "case_id")) > 40
    assert run_cli(copy, "metrics", "verify").exit_code == 0
    assert run_cli(copy, "integrity").exit_code == 0
    # the very same chains: the copy's case heads are the original's (the audit logs differ:
    # the original's holds the personal-data export)
    def heads(d: Any) -> list[dict[str, Any]]:
        return [r for r in _rows(d, "chain_heads", "chain") if r["chain"].startswith("case:")]

    assert heads(copy) == heads(source) and len(heads(copy)) == len(PATHS) + 6
    # the figures agree with the original's: the same rollup cells
    order = "metric, area_code, grain, period_start, category, source"
    assert _rows(copy, "metric_rollups", order) == _rows(source, "metric_rollups", order)
    # a second run changes nothing (ids taken: refused naming the line, or skipped by ref)
    again = run_cli(copy, "cases", "import", str(path), "--keep-ids")
    assert again.exit_code != 0 and "line 1" in again.stderr and "already" in again.stderr
