"""PostgreSQL at scale (issue 15 point 6): build N cases with their histories, then measure what a
province-sized deployment pays for them.

    python bench/pg_scale.py --cases 200000 [--database-url postgresql+psycopg://postgres@127.0.0.1/postgres]
                             [--seconds 6] [--workers 1,2,4] [--keep]

Steps, each timed and written to ``bench/out/pg_scale-<N>.json``:

1. **build**: a fresh database ``suyuan_scale``, the bench county (10 towns, 200 communities,
   400 grids) and N synthetic cases with histories (≈3.9 events each: accept, assign, start,
   resolve/fail, close, callbacks) through ``BulkWriter`` — the deployment's own bulk path, whose
   PostgreSQL writes are ``COPY``/multi-row statements — 25,000 cases a transaction; wall and CPU
   seconds, cases per second;
2. **size**: ``pg_database_size`` and each big table with its indexes, bytes per case;
3. **dashboard**: a town's dashboard page (``GET /dashboard?area=JT.T01``, every core figure, the
   12-month trend, the plugins' panels), served in-process, 30 renders: p50 and p95;
4. **series**: the town's 12-month series of one figure (``breakdown(by="period")``);
5. **drill**: the cases behind the town's year figure, and the API's first drill page;
6. **verify**: ``suyuan metrics verify`` in a child process: wall time and peak RSS;
7. **intake**: ``bench/http_intake.py`` against this database with 1, 2 and 4 ``serve`` workers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, TZ, Timer, bench_areas, case_rows, installed_plugins
from suyuan_core import Deployment, Period
from suyuan_core.cases.files import record_from
from suyuan_core.testing.kit import dump_toml

DB = "suyuan_scale"
BATCH = 25_000
TOWN = "JT.T01"
YEAR = Period("year", dt.date(2025, 1, 1))
MONTH = Period("month", dt.date(2025, 6, 1))


def ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def fresh(server: str, directory: Path, keep: bool) -> tuple[Path, bool]:
    """The config of a deployment on database ``suyuan_scale`` (created empty unless ``keep``
    and it exists); returns whether it must be built."""
    url = make_url(server)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": DB}).scalar()
        if exists and not keep:
            conn.execute(text(f"DROP DATABASE {DB} WITH (FORCE)"))
        if not exists or not keep:
            conn.execute(text(f"CREATE DATABASE {DB}"))
    admin.dispose()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "pg_scale.toml"
    data = {"deployment": {"name": "bench-pg-scale", "timezone": "Asia/Shanghai",
                           "database": url.set(database=DB).render_as_string(False)},
            "plugins": {"enabled": installed_plugins()},
            "web": {"secure_cookies": False}}
    path.write_text(dump_toml(data), encoding="utf-8")
    return path, not (exists and keep)


def build(d: Deployment, n: int) -> dict[str, Any]:
    d.upgrade()
    d.areas.import_areas(bench_areas())
    done = 0
    batch: list[Any] = []
    with Timer() as t:
        for row in case_rows(n, history=True):
            batch.append(record_from(row, done + len(batch) + 1, TZ, "bench"))
            if len(batch) >= BATCH:
                d.bulk.write(batch)
                done += len(batch)
                batch = []
                print(f"  built {done:,} cases, {done / (Timer.now() - t.start):,.0f}/s",
                      flush=True)
        if batch:
            d.bulk.write(batch)
            done += len(batch)
    return {"build_seconds": round(t.seconds, 1), "build_cpu_seconds": round(t.cpu, 1),
            "build_cases_per_s": round(n / t.seconds)}


def sizes(d: Deployment, n: int) -> dict[str, Any]:
    with d.engine.begin() as conn:  # committed: planner statistics of a fresh bulk load
        conn.execute(text("ANALYZE"))
    with d.engine.connect() as conn:
        total = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        tables = {r[0]: int(r[1]) for r in conn.execute(text(
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'public' "
            "AND c.relkind = 'r' ORDER BY 2 DESC LIMIT 6"))}
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("cases", "case_events", "metric_rollups")}
    return {"database_bytes": total, "bytes_per_case": round(total / n), "tables": tables,
            "rows": counts, "rollup_rows_per_case": round(counts["metric_rollups"] / n, 2)}


def pages(d: Deployment, renders: int) -> dict[str, Any]:
    from litestar.testing import TestClient

    from suyuan_core.accounts import DEMO_PASSWORD, ensure_demo_users
    from suyuan_core.web.app import create_app

    ensure_demo_users(d)
    out: dict[str, Any] = {}
    with TestClient(create_app(d)) as client:
        r = client.post("/api/v1/auth/login", json={"username": "admin",
                                                    "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        times_: list[float] = []
        for i in range(renders + 2):
            t = time.perf_counter()
            page = client.get(f"/dashboard?area={TOWN}")
            if i >= 2:  # the first two warm the caches
                times_.append(time.perf_counter() - t)
            assert page.status_code == 200, page.text[:300]
        out["dashboard_p50_ms"], out["dashboard_p95_ms"] = ms(times_, .5), ms(times_, .95)
        drill: list[float] = []
        for _ in range(5):
            t = time.perf_counter()
            r = client.get(f"/api/v1/metrics/cases_received/drill?area={TOWN}&period=2025")
            drill.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text[:300]
        out["drill_api_page_ms"] = ms(drill, .5)
        out["drill_api_count"] = r.json()["count"]
        cursor = r.json()["next_cursor"]
        t = time.perf_counter()
        r = client.get(f"/api/v1/metrics/cases_received/drill?area={TOWN}&period=2025"
                       f"&cursor={cursor}")
        out["drill_api_second_page_ms"] = round(1000 * (time.perf_counter() - t), 1)
    series: list[float] = []
    for _ in range(5):
        t = time.perf_counter()
        d.metric_service.breakdown("mediation_success_rate", TOWN, MONTH, by="period")
        series.append(time.perf_counter() - t)
    out["town_series_ms"] = ms(series, .5)
    t = time.perf_counter()
    ids = d.metric_service.drill("cases_received", TOWN, YEAR)
    out["drill_all_ids_ms"] = round(1000 * (time.perf_counter() - t), 1)
    out["drill_all_ids"] = len(ids)
    return out


def verify(config: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-c", "from suyuan_core.cli.main import main; main()",
           "--config", str(config), "metrics", "verify", "--quiet"]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    output = proc.stdout.read() if proc.stdout else ""
    return {"verify_seconds": round(seconds, 1), "verify_peak_mb": round(usage.ru_maxrss / 1024),
            "verify_ok": os.waitstatus_to_exitcode(status) == 0,
            "verify_output": output.strip().splitlines()[-3:]}


def intake(config: Path, workers: list[int], seconds: float) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import http_intake

    out = {}
    for w in workers:
        print(f"  intake with {w} worker(s)", flush=True)
        out[f"workers_{w}"] = http_intake.run(seconds, 8, w, None, str(config))
    return out


def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=200_000)
    ap.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                    help="the PostgreSQL server (its database is not touched; suyuan_scale is made)")
    ap.add_argument("--seconds", type=float, default=6, help="each intake load")
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--renders", type=int, default=30)
    ap.add_argument("--keep", action="store_true", help="reuse a built suyuan_scale database")
    ap.add_argument("--drop", action="store_true", help="drop suyuan_scale at the end")
    ap.add_argument("--build-only", action="store_true", help="stop after the build and sizes")
    args = ap.parse_args()
    directory = OUT / "pg_scale"
    config, must_build = fresh(args.database_url, directory, args.keep)
    result: dict[str, Any] = {"cases": args.cases, "load_before": os.getloadavg(),
                              "date": dt.date.today().isoformat()}
    d = Deployment.from_file(config)
    try:
        if must_build:
            print(f"building {args.cases:,} cases with histories …", flush=True)
            result |= build(d, args.cases)
        result |= sizes(d, args.cases)
        print(json.dumps(result, indent=1), flush=True)
        if args.build_only:
            (OUT / f"pg_scale-{args.cases}-build.json").write_text(
                json.dumps(result, indent=2, default=str), encoding="utf-8")
            return
        result |= pages(d, args.renders)
        print(json.dumps({k: v for k, v in result.items() if "ms" in k}, indent=1), flush=True)
    finally:
        d.close()
    result |= verify(config)
    print({k: v for k, v in result.items() if k.startswith("verify")}, flush=True)
    workers = [int(w) for w in args.workers.split(",") if w]
    result["intake"] = intake(config, workers, args.seconds)
    result["load_after"] = os.getloadavg()
    out = OUT / f"pg_scale-{args.cases}.json"
    out.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(f"wrote {out}")
    print(json.dumps({k: v for k, v in result.items() if k != "tables"}, indent=1, default=str))
    if args.drop:
        admin = create_engine(make_url(args.database_url).set(database="postgres"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {DB} WITH (FORCE)"))
        admin.dispose()


if __name__ == "__main__":
    main()
