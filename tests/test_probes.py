"""The probes of issue 14 kept as tests: ``kill -9`` in the middle of an import (no committed batch
lost, nothing half-written, a re-run resumes without duplicates) and 20 parallel transitions on
one case (exactly one wins each contested step, no lost update, the events stay one chain).
Both run on SQLite and, with ``SUYUAN_TEST_DATABASE_URL``, on PostgreSQL."""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from suyuan_core import ConcurrentUpdate, IllegalTransition, SuyuanError, integrity
from suyuan_core.metrics.verify import verify
from suyuan_core.tables import case_events, cases
from suyuan_core.testing.kit import run_cli

ROWS, BATCH = 6_000, 50


def _counts(d: Any) -> tuple[int, int]:
    with d.engine.connect() as conn:
        return (int(conn.scalar(select(func.count()).select_from(cases)) or 0),
                int(conn.scalar(select(func.count()).select_from(case_events)) or 0))


def _import_file(path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(ROWS):
            fh.write(json.dumps({
                "source": "hotline_12345", "source_ref": f"GD{i:06d}", "title": f"噪音扰民 {i}",
                "category": "neighbour", "area_code": "C.T1.C1.G1",
                "reported_at": "2026-05-01T09:00:00+08:00",
                "events": [{"kind": "accept", "occurred_at": "2026-05-01T10:00:00+08:00"}]},
                ensure_ascii=False) + "\n")


def _sound(d: Any) -> None:
    with d.engine.connect() as conn:
        report = integrity.check(conn)
    assert report.ok, [str(b) for b in report.breaks]
    _, diffs = verify(d)
    assert diffs == []


def test_kill_9_in_the_middle_of_an_import_loses_no_batch_and_resumes(deployment: Any,
                                                                      tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    _import_file(path)
    suyuan = str(Path(sys.executable).with_name("suyuan"))  # the installed command
    argv = [suyuan, "--config",
            str(deployment.config.path), "cases", "import", str(path), "--batch-size", str(BATCH)]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        waiter = threading.Event()
        while proc.poll() is None and _counts(deployment)[0] < BATCH:
            waiter.wait(0.005)  # poll the database for the first committed batch
        assert proc.poll() is None, "the import ended before it could be killed: " + (
            proc.stderr.read().decode() if proc.stderr else "")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    created, events = _counts(deployment)
    assert 0 < created < ROWS
    assert created % BATCH == 0 and events == 2 * created  # whole batches, whole cases
    _sound(deployment)
    r = run_cli(deployment, "cases", "import", str(path), "--batch-size", "2000")
    assert r.exit_code == 0, r.output
    assert f"imported {ROWS - created} cases" in r.stdout
    assert f"({created} already there, skipped)" in r.stdout
    assert _counts(deployment) == (ROWS, 2 * ROWS)
    with deployment.engine.connect() as conn:
        refs = conn.scalar(select(func.count(func.distinct(cases.c.source_ref))))
    assert refs == ROWS
    _sound(deployment)


def test_twenty_parallel_transitions_on_one_case(deployment: Any, factories: Any) -> None:
    factories.person(external_id="F1")
    case = factories.case("reported")
    steps = [("accept", {}), ("assign", {"assignees": ["person:F1"]}), ("start", {}),
             ("resolve", {}), ("close", {})]
    barrier = threading.Barrier(20)

    def attempt(i: int, action: str, data: dict[str, Any], version: int) -> str:
        barrier.wait()
        try:
            deployment.cases.act(case.id, action, actor=f"w{i}", data=dict(data),
                                 expected_version=version)
        except (ConcurrentUpdate, IllegalTransition) as exc:
            return type(exc).__name__
        except SuyuanError as exc:  # pragma: no cover - shown by the assertion below
            return f"{type(exc).__name__}: {exc}"
        return "won"

    version = deployment.cases.get(case.id).version
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        for action, data in steps:
            outcomes = list(pool.map(lambda i, a=action, x=data, v=version: attempt(i, a, x, v),
                                     range(20)))
            assert outcomes.count("won") == 1, (action, outcomes)
            assert set(outcomes) <= {"won", "ConcurrentUpdate", "IllegalTransition"}, outcomes
            version += 1
            assert deployment.cases.get(case.id).version == version
    # and without expected_version: 20 notes at once, none lost
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda i: deployment.cases.note(case.id, f"n{i}", actor=f"w{i}"),
                      range(20)))
    timeline = deployment.cases.timeline(case.id)
    assert [e.seq for e in timeline] == list(range(1, version + 21))
    assert [e.kind for e in timeline][:6] == ["reported", *[a for a, _ in steps]]
    assert deployment.cases.get(case.id).status.value == "closed"
    _sound(deployment)
