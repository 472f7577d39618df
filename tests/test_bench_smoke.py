"""The benchmarks in bench/ still run (tiny sizes, temporary files). No timing is asserted: the
figures belong in bench/README.md, not in a test that a busy machine could fail."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a top-level package of the repository, not installed
    sys.path.insert(0, str(ROOT))

from bench import intake, memory, metrics, storage  # noqa: E402
from bench.__main__ import main  # noqa: E402


def _check(report, names: list[str]) -> None:
    assert [line.name.split(",")[0].split(":")[0] for line in report.lines] == names
    for line in report.lines:
        assert line.ours > 0 and line.bare > 0, line
        assert line.render()


def test_intake_runs(tmp_path):
    report = intake.run(60, per_case=20, directory=tmp_path)
    _check(report, ["per case", "per case"] + ["bulk import"] * 4)
    assert (tmp_path / "intake-60.json").exists()


def test_metrics_runs_and_every_way_of_computing_agrees(tmp_path):
    # metrics.measure asserts that the figure, the bare table, the SQL and the recompute agree
    report = metrics.run([200], directory=tmp_path)
    _check(report, ["figure vs bare rollup lookup", "figure vs SQL aggregate over the events",
                    "figure vs suyuan's own recompute from events"] * 2
           + ["figure vs GROUP BY of all town×month groups"])
    again = metrics.run([200], directory=tmp_path)  # the second run reuses the built database
    assert again.facts["db 200"]["cached"] is True


def test_storage_runs_and_counts_the_database(tmp_path):
    report = storage.run(40, directory=tmp_path)
    _check(report, ["database bytes per case", "bulk import JSONL with histories (sqlite)"])
    assert 0 < report.facts["rollup rows per case"] < 40


def test_memory_runs_the_cli_in_subprocesses(tmp_path):
    report = memory.run(20, formats=["csv", "xlsx"], directory=tmp_path)
    _check(report, ["peak RSS"] * 5)
    for line in report.lines:
        assert 10 < line.ours < 2000  # megabytes: a plausible process, measured


def test_the_command_line_knows_its_benchmarks(capsys):
    try:
        main(["nonsense"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "invalid choice" in capsys.readouterr().err
