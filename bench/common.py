"""What every benchmark shares: a bench deployment on a SQLite file, synthetic cases, timing and
the result lines (suyuan's figure, the bare baseline's, their ratio, the target)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from suyuan_core import Deployment
from suyuan_core.domain.areas import Area
from suyuan_core.domain.roster import Person
from suyuan_core.plugins import manager
from suyuan_core.testing.kit import dump_toml

OUT = Path(__file__).resolve().parent / "out"
TZ = dt.timezone(dt.timedelta(hours=8))
#: the first day of the synthetic event log; cases are spread over the 12 months from here.
EPOCH = dt.datetime(2025, 1, 1, 8, 0, tzinfo=TZ)
COUNTY = "JT"

CATEGORIES = ("marriage_family", "neighbour", "housing_homestead", "contract",
              "production_business", "damages", "forest_land", "land_acquisition", "environment",
              "labour")
SOURCES = ("walk_in", "phone", "patrol", "self_initiated", "application", "referral",
           "hotline_12345", "mailbox")


def bench_areas() -> list[Area]:
    """A county the size of the seed's: 10 towns/streets × 20 villages/communities (200) × 2
    grids (400 grids), 611 areas in all."""
    out = [Area(COUNTY, "金堂县", "county", name_en="Jintang county")]
    for t in range(1, 11):
        town = f"{COUNTY}.T{t:02d}"
        out.append(Area(town, f"第{t}镇", "town", COUNTY))
        for c in range(1, 21):
            comm = f"{town}.C{c:02d}"
            out.append(Area(comm, f"{t}镇{c}社区", "community", town))
            for g in (1, 2):
                out.append(Area(f"{comm}.G{g}", f"{t}镇{c}社区{g}网格", "grid", comm))
    return out


GRIDS = [a.code for a in bench_areas() if a.level.name == "grid"]


def installed_plugins() -> list[str]:
    """Every plugin installed in this environment: the benchmarks run with all of their hooks."""
    return sorted(manager.discover())


def write_config(directory: Path, name: str, plugins: list[str] | None = None) -> Path:
    """``<directory>/<name>.toml`` for a deployment on ``<directory>/<name>.db``."""
    directory.mkdir(parents=True, exist_ok=True)
    data = {"deployment": {"name": f"bench-{name}",
                           "database": f"sqlite:///{directory / (name + '.db')}",
                           "timezone": "Asia/Shanghai"},
            "plugins": {"enabled": installed_plugins() if plugins is None else plugins}}
    path = directory / f"{name}.toml"
    path.write_text(dump_toml(data), encoding="utf-8")
    return path


def fresh_deployment(directory: Path, name: str, plugins: list[str] | None = None) -> Deployment:
    """A migrated deployment with the bench area tree on a new SQLite file (WAL)."""
    for suffix in (".db", ".db-wal", ".db-shm"):
        (directory / (name + suffix)).unlink(missing_ok=True)
    d = Deployment.from_file(write_config(directory, name, plugins))
    d.upgrade()
    d.areas.import_areas(bench_areas())
    d.roster.save(bench_mediators())  # the synthetic histories assign to them
    return d


def bench_mediators() -> list[Person]:
    """The 1,191 mediators (``M0000`` …) the synthetic histories assign cases to: an import
    refuses an assignee who is not on the roster."""
    return [Person(external_id=f"M{i:04d}", name=f"调解员{i}", roles=("mediator",),
                   areas=(COUNTY,)) for i in range(1191)]


# -- synthetic cases ---------------------------------------------------------------------------
def _at(rng: random.Random, span_days: int = 365) -> dt.datetime:
    return EPOCH + dt.timedelta(seconds=rng.randrange(span_days * 86400))


def case_row(i: int, rng: random.Random, *, history: bool) -> dict[str, Any]:
    """One case in the import format (what ``suyuan cases import`` reads). With ``history`` it
    carries a plausible lifecycle: ~30% just reported, ~10% accepted, ~10% withdrawn, ~50%
    mediated to the end (92.7% successfully) and closed, 40% of those called back."""
    at = _at(rng)
    row: dict[str, Any] = {
        "source": SOURCES[i % len(SOURCES)], "source_ref": f"B{i:08d}",
        "title": f"纠纷 {i}", "category": CATEGORIES[rng.randrange(len(CATEGORIES))],
        "area_code": GRIDS[rng.randrange(len(GRIDS))], "reported_at": at.isoformat()}
    if not history:
        return row
    roll = rng.random()
    steps: list[tuple[str, dict[str, Any]]] = []
    if roll < 0.30:
        pass
    elif roll < 0.40:
        steps = [("accept", {})]
    elif roll < 0.50:
        steps = [("withdraw", {})]
    else:
        ending = "resolve" if rng.random() < 0.9269 else "fail"
        steps = [("accept", {}), ("assign", {"assignees": [f"person:M{i % 1191:04d}"]}),
                 ("start", {}), (ending, {}), ("close", {})]
        if rng.random() < 0.4:
            rating = "satisfied" if rng.random() < 0.977 else "dissatisfied"
            steps.append(("callback", {"reached": True, "satisfaction": rating}))
    events = []
    for kind, data in steps:
        at = at + dt.timedelta(hours=rng.randrange(1, 72))
        events.append({"kind": kind, "occurred_at": at.isoformat(), "data": data})
    if events:
        row["events"] = events
    return row


def case_rows(n: int, *, seed: int = 7, history: bool = False, start: int = 0
              ) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in range(start, start + n):
        yield case_row(i, rng, history=history)


def write_file(path: Path, n: int, *, fmt: str, history: bool = False, seed: int = 7) -> Path:
    """A CSV (cases only) or JSON Lines (cases with their histories) import file, streamed."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        if fmt == "csv":
            writer = csv.DictWriter(fh, fieldnames=["source", "source_ref", "title", "category",
                                                   "area_code", "reported_at"])
            writer.writeheader()
            for row in case_rows(n, seed=seed):
                writer.writerow(row)
        else:
            for row in case_rows(n, seed=seed, history=history):
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


# -- timing and reporting ----------------------------------------------------------------------
class Timer:
    """Wall-clock ``seconds`` and this process's ``cpu`` seconds of a block."""

    now = staticmethod(time.perf_counter)

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        self.cpu_start = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
        self.cpu = time.process_time() - self.cpu_start


def median_ms(fn: Callable[[], object], repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


@attrs.define
class Line:
    """One comparison: suyuan's figure, the baseline's, and how they must relate."""

    name: str
    ours: float
    bare: float
    unit: str  # "cases/s" (higher is better) or "ms" (lower is better)
    target: float | None = None  # min ratio ours/bare for rates; for ms, see ``target_kind``
    target_kind: str = "min_ratio"  # min_ratio: ours/bare ≥ t; max_ratio: ours/bare ≤ t;
    #                                  min_speedup: bare/ours ≥ t; max_value: ours ≤ t
    baseline: str = "baseline"  # what ``bare`` is, as printed
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.ours / self.bare if self.bare else float("inf")

    @property
    def ok(self) -> bool | None:
        if self.target is None:
            return None
        if self.target_kind == "min_ratio":
            return self.ratio >= self.target
        if self.target_kind == "max_ratio":
            return self.ratio <= self.target
        if self.target_kind == "max_value":
            return self.ours <= self.target
        return (self.bare / self.ours if self.ours else float("inf")) >= self.target

    def render(self) -> str:
        fmt = "{:,.0f}" if self.unit != "ms" else "{:,.3f}"
        if self.target_kind == "max_value":
            rel = f"×{self.ratio:.2f}"
            goal = f"≤ {self.target:g} {self.unit}" if self.target else ""
        elif self.target_kind == "min_speedup":
            rel = f"{self.bare / self.ours:,.0f}× faster" if self.ours else "∞"
            goal = f"≥ {self.target:g}×" if self.target else ""
        else:
            rel = f"ratio {self.ratio:.2f}"
            goal = ("≥ " if self.target_kind == "min_ratio" else "≤ ") + f"{self.target:g}" \
                if self.target else ""
        verdict = {True: "MET", False: "MISSED", None: ""}[self.ok]
        return (f"{self.name}\n    suyuan {fmt.format(self.ours)} {self.unit} · {self.baseline} "
                f"{fmt.format(self.bare)} {self.unit} · {rel}"
                + (f" · target {goal} {verdict}" if goal else ""))


class Report:
    def __init__(self, bench: str, cases: int) -> None:
        self.bench = bench
        self.cases = cases
        self.lines: list[Line] = []
        self.facts: dict[str, Any] = {}
        print(f"# bench {bench} · {cases:,} cases · {platform.python_implementation()} "
              f"{platform.python_version()} · {os.cpu_count()} cpu(s)", flush=True)

    def add(self, line: Line) -> Line:
        self.lines.append(line)
        print(line.render(), flush=True)
        if line.note:
            print(f"    {line.note}", flush=True)
        return line

    def fact(self, key: str, value: Any, text: str | None = None) -> None:
        self.facts[key] = value
        print(f"  {text or key}: {value}", flush=True)

    def save(self, directory: Path | None = None) -> Path:
        """Write the lines as JSON (``bench/out/<bench>-<cases>.json`` by default)."""
        directory = directory or OUT
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{self.bench}-{self.cases}.json"
        path.write_text(json.dumps({
            "bench": self.bench, "cases": self.cases, "facts": self.facts,
            "lines": [{"name": x.name, "ours": x.ours, "bare": x.bare, "unit": x.unit,
                       "ratio": x.ratio, "target": x.target, "target_kind": x.target_kind,
                       "ok": x.ok} for x in self.lines]}, indent=2, ensure_ascii=False))
        return path

    @property
    def missed(self) -> list[Line]:
        return [x for x in self.lines if x.ok is False]
