"""Memory: ``suyuan cases import`` and ``suyuan cases export`` of a file of N cases, each in its own
subprocess (the real CLI, as a user runs it), peak RSS read from ``wait4``'s rusage of exactly
that child. Run at N/10 and at N: streaming means the peak must not grow with the file
(target ≤ 250 MB at 1M cases, and flat).

Verify: ``suyuan metrics verify`` on the CSV import's database (issue 15: under 300 MB at any
size; it streams cases in id order and rollups a month at a time).

Import: a CSV file and a JSON Lines file of N cases (one ``reported`` event each), each into a
fresh database, 5,000 rows per transaction (the CLI default). Export: every case of the CSV
import's database to CSV, JSON Lines and XLSX.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import OUT, Line, Report, fresh_deployment, write_config, write_file

TARGET_MB = 250.0


def _suyuan() -> list[str]:
    script = Path(sys.executable).with_name("suyuan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "suyuan_core.cli.main"]


def measure(args: list[str], directory: Path) -> tuple[float, float, str]:
    """Run ``suyuan ARGS`` in a subprocess: (peak RSS in MB, wall seconds, its last line)."""
    directory.mkdir(parents=True, exist_ok=True)
    out_path, err_path = directory / "cli.out", directory / "cli.err"
    start = time.perf_counter()
    with out_path.open("w") as out, err_path.open("w") as err:
        proc = subprocess.Popen([*_suyuan(), *args], stdout=out, stderr=err,
                                env={**os.environ, "COLUMNS": "100"})
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        proc.returncode = code = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if code != 0:
        raise RuntimeError(f"suyuan {' '.join(args)} failed ({code}): "
                           f"{err_path.read_text().strip()[-500:]}")
    lines = out_path.read_text().strip().splitlines()
    return usage.ru_maxrss / 1024, seconds, lines[-1] if lines else ""


def run(cases: int, formats: list[str] | None = None, directory: Path | None = None) -> Report:
    directory = directory or OUT / "memory"
    formats = formats or ["csv", "jsonl", "xlsx"]
    report = Report("memory", cases)
    sizes = sorted({max(cases // 10, 1), cases})
    peaks: dict[tuple[str, int], float] = {}
    idle, _, _ = measure(["--help"], directory)
    report.fact("idle", f"{idle:.0f} MB", "peak RSS of `suyuan --help` (Python + suyuan loaded)")
    for n in sizes:
        for fmt in ("csv", "jsonl"):
            path = write_file(directory / f"import-{n}.{fmt}", n, fmt=fmt)
            name = f"import-{fmt}-{n}"
            fresh_deployment(directory, name).close()
            config = str(write_config(directory, name))
            peak, seconds, said = measure(["--config", config, "cases", "import", str(path)],
                                          directory)
            peaks[(f"cases import {fmt}", n)] = peak
            report.fact(f"import {fmt} {n}", f"{peak:.0f} MB peak, {seconds:.0f} s "
                        f"({n / seconds:,.0f} cases/s) — {said}", f"cases import {fmt}, {n:,} cases")
        config = str(write_config(directory, f"import-csv-{n}"))
        for fmt in formats:
            out = directory / f"export-{n}.{fmt}"
            peak, seconds, said = measure(["--config", config, "cases", "export", str(out)],
                                          directory)
            peaks[(f"cases export {fmt}", n)] = peak
            report.fact(f"export {fmt} {n}", f"{peak:.0f} MB peak, {seconds:.0f} s "
                        f"({n / seconds:,.0f} cases/s) — {said}", f"cases export {fmt}, {n:,} cases")
            out.unlink(missing_ok=True)
        peak, seconds, said = measure(["--config", config, "metrics", "verify", "--quiet"],
                                      directory)
        peaks[("metrics verify", n)] = peak
        report.fact(f"verify {n}", f"{peak:.0f} MB peak, {seconds:.0f} s — {said}",
                    f"metrics verify (streaming, a month at a time), {n:,} cases")
    small, big = sizes[0], sizes[-1]
    for what in ([f"cases import {f}" for f in ("csv", "jsonl")]
                 + [f"cases export {f}" for f in formats] + ["metrics verify"]):
        report.add(Line(f"peak RSS, suyuan {what}, {big:,} cases", peaks[(what, big)],
                        peaks[(what, small)], "MB", TARGET_MB, "max_value",
                        baseline=f"at {small:,} cases"))
    report.save(directory)
    return report
