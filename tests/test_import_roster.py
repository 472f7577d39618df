"""Imports refuse assignment to someone who is not on the roster, as the API does (issue 14
point 4): one line naming the line and the handler, nothing of the batch written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from suyuan_core import Organisation
from suyuan_core.tables import case_events, cases
from suyuan_core.testing.kit import run_cli


def _count(d: Any) -> tuple[int, int]:
    with d.engine.connect() as conn:
        return (conn.scalar(select(func.count()).select_from(cases)) or 0,
                conn.scalar(select(func.count()).select_from(case_events)) or 0)


def _row(i: int, assignees: Any) -> dict[str, Any]:
    return {"source": "walk_in", "title": f"t{i}", "category": "neighbour",
            "area_code": "C.T1.C1.G1", "reported_at": "2026-05-01T09:00:00+08:00",
            "events": [{"kind": "accept", "occurred_at": "2026-05-01T10:00:00+08:00"},
                       {"kind": "assign", "occurred_at": "2026-05-01T11:00:00+08:00",
                        "data": {"assignees": assignees}}]}


@pytest.mark.parametrize("bad", ["person:NOBODY' OR 1=1", "organisation:NOWHERE", "somebody"])
def test_jsonl_import_refuses_a_handler_not_on_the_roster(deployment: Any, factories: Any,
                                                          tmp_path: Path, bad: str) -> None:
    factories.person(external_id="M1")
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(_row(i, ["person:M1"] if i != 2 else [bad]),
                                         ensure_ascii=False) for i in range(4)),
                    encoding="utf-8")
    r = run_cli(deployment, "cases", "import", str(path))
    assert r.exit_code != 0
    message = r.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert "line 3" in message and "events[1].data.assignees" in message
    assert repr(bad) in message and "not on the roster" in message
    assert _count(deployment) == (0, 0)


def test_csv_import_with_nothing_assigned_still_imports(deployment: Any, tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("source,title,category,area_code\nwalk_in,t,neighbour,C.T1.C1.G1\n",
                    encoding="utf-8")
    assert run_cli(deployment, "cases", "import", str(path)).exit_code == 0
    assert _count(deployment) == (1, 1)


def test_handlers_on_the_roster_import(deployment: Any, factories: Any, tmp_path: Path) -> None:
    factories.person(external_id="M1")
    deployment.roster.save_organisations([Organisation("TJ1", "调委会", "committee", "C.T1")])
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(_row(1, ["person:M1", "organisation:TJ1"])), encoding="utf-8")
    r = run_cli(deployment, "cases", "import", str(path))
    assert r.exit_code == 0, r.output
    assert _count(deployment) == (1, 3)
    assert deployment.cases.get(1).assignees == ("person:M1", "organisation:TJ1")
