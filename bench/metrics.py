"""Metrics: one dashboard figure (the county's mediation success rate for a month, and its cases
received) on a database of 100k and of 1M cases with their event histories.

* suyuan — ``d.metric_service.figure(metric, county, month)``: a read of the rollup rows.
* bare rollup lookup — SQLAlchemy Core reading one row by primary key from a plain table that
  holds exactly that figure (metric × area × month, already summed over category and source).
* recompute with SQL — one aggregate over ``case_events`` for the figure (index on kind and time,
  area path prefix), and the GROUP BY of every area × month group a dashboard without rollups
  would run.
* recompute with suyuan — the figure from the events by the metric's own formula (what
  ``suyuan metrics drill`` and ``verify`` do).

The databases are built once through the bulk path and kept in ``bench/out/metrics/`` (a stamp
file says what they hold); delete them to rebuild.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, case, event, func, literal, select, text

from bench import bare
from bench.common import (
    COUNTY,
    OUT,
    TZ,
    Line,
    Report,
    Timer,
    case_rows,
    fresh_deployment,
    median_ms,
    write_config,
)
from suyuan_core import Deployment, Period
from suyuan_core.cases.bulk import BulkWriter
from suyuan_core.cases.files import record_from
from suyuan_core.storage import tables

GENERATOR = 3  # bump when case_rows or what is stored changes, so cached databases are rebuilt
BUILD_BATCH = 25_000
MONTH = Period("month", dt.date(2025, 6, 1))
FIGURES = ("mediation_success_rate", "cases_received")


def _batches(n: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in case_rows(n, history=True):
        batch.append(row)
        if len(batch) >= BUILD_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def built(n: int, directory: Path) -> tuple[Deployment, dict[str, Any]]:
    """The deployment with ``n`` synthetic cases, built through BulkWriter unless cached."""
    name = f"metrics-{n}"
    stamp = directory / f"{name}.stamp.json"
    want = {"cases": n, "generator": GENERATOR}
    if (directory / f"{name}.db").exists() and stamp.exists():
        info = json.loads(stamp.read_text())
        if {k: info.get(k) for k in want} == want:
            d = Deployment.from_file(write_config(directory, name))
            d.upgrade()  # a database built by an older checkout gets the newer migrations
            return d, info | {"cached": True}
    d = fresh_deployment(directory, name)
    # Building is fixture work, not what is measured: a 256 MB page cache keeps the growing
    # rollup index in memory (the deployment's own engine uses SQLite's default elsewhere).
    d.engine.dispose()
    event.listen(d.engine, "connect",
                 lambda conn, _: conn.execute("PRAGMA cache_size = -262144"))
    writer = BulkWriter(d)
    done = 0
    with Timer() as t:
        for rows in _batches(n):
            writer.write([record_from(row, done + i + 1, TZ, "bench") for i, row in enumerate(rows)])
            done += len(rows)
            if done % 100_000 < BUILD_BATCH or done == n:
                print(f"  building {name}: {done:,} cases, {done / (Timer.now() - t.start):,.0f}/s",
                      flush=True)
    with d.reading() as s:
        events = s.scalar(select(func.count()).select_from(tables.case_events))
        rollups = s.scalar(select(func.count()).select_from(tables.metric_rollups))
    bare.reset(d.engine, bare.bare_rollups)
    with d.engine.begin() as conn:  # the bare dashboard's table: one row per metric×area×month
        conn.execute(text("INSERT INTO bare_rollups (metric, area_code, month, num, den) "
                          "SELECT metric, area_code, period_start, sum(num), sum(den) "
                          "FROM metric_rollups WHERE grain = 'month' AND category = '*' "
                          "GROUP BY metric, area_code, period_start"))
    info = want | {"events": events, "rollup_rows": rollups, "build_seconds": round(t.seconds, 1),
                   "build_cpu_seconds": round(t.cpu, 1)}
    stamp.write_text(json.dumps(info))
    return d, info | {"cached": False}


def _utc_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai, no DST
    start = dt.datetime.combine(period.start, dt.time(), tz).astimezone(dt.UTC)
    end = dt.datetime.combine(period.end, dt.time(), tz).astimezone(dt.UTC)
    return start.replace(tzinfo=None), end.replace(tzinfo=None)


def sql_figure(d: Deployment, key: str) -> tuple[int, int]:
    """The figure recomputed with one SQL aggregate over the events."""
    e = tables.case_events.c
    start, end = _utc_bounds(MONTH)
    if key == "mediation_success_rate":
        query = select(func.sum(case((e.kind == "resolve", 1), else_=0)), func.count()).where(
            e.kind.in_(["resolve", "fail"]), e.case_kind == "dispute")
    else:
        query = select(func.count(), literal(0)).where(e.kind == "reported")
    query = query.where(e.area_path.startswith(f"/{COUNTY}/"), e.occurred_at >= start,
                        e.occurred_at < end)
    with d.reading() as s:
        num, den = s.execute(query).one()
    return int(num or 0), int(den or 0)


def sql_group_by_all(d: Deployment) -> int:
    """Every town × month group of the mediation figure, recomputed from the events."""
    e = tables.case_events.c
    town = func.substr(e.area_path, 1, len(f"/{COUNTY}/{COUNTY}.T00/"))
    month = func.strftime("%Y-%m", e.occurred_at, "+8 hours")
    query = (select(town, month, func.sum(case((e.kind == "resolve", 1), else_=0)), func.count())
             .where(e.kind.in_(["resolve", "fail"]), e.case_kind == "dispute")
             .group_by(town, month))
    with d.reading() as s:
        return len(s.execute(query).all())


def own_recompute(d: Deployment, key: str) -> tuple[int, int]:
    """The figure from the events by the metric's own formula (as drill and verify do)."""
    m = d.metric_service.definition(key)
    num = den = 0
    service = d.metric_service
    # a metric that counts cases skips the events superseded by a later one of their case
    for batch, latest in service.counted_batches(service.events(m.kinds, COUNTY, MONTH), m):
        for f in batch:
            n, k = m.counted(f, latest)
            num, den = num + n, den + k
    return num, den


_r = bare.bare_rollups.c
#: built once, like suyuan's own statement: the bare side gets the same head start.
BARE_LOOKUP = select(_r.num, _r.den).where(_r.metric == bindparam("metric"),
                                           _r.area_code == bindparam("area"),
                                           _r.month == bindparam("month"))


def bare_lookup(d: Deployment, key: str) -> tuple[int, int]:
    """SQLAlchemy Core: one row by its primary key, on a pooled connection."""
    with d.read_engine.connect() as conn:
        num, den = conn.execute(BARE_LOOKUP, {"metric": key, "area": COUNTY,
                                              "month": MONTH.start}).one()
    return int(num), int(den)


def measure(report: Report, d: Deployment, n: int) -> None:
    """Every line for one database: each figure against each baseline, same process, same file."""
    final = n >= 1_000_000  # the targets are set at 1M cases
    for key in FIGURES:
        fig = d.metric_service.figure(key, COUNTY, MONTH)
        expect = (fig.num, fig.den)
        for name, fn in (("bare", bare_lookup), ("SQL", sql_figure), ("recompute", own_recompute)):
            got = fn(d, key)
            assert got == expect, f"{name} gives {got} for {key}, the rollup {expect}"
        ours = median_ms(lambda k=key: d.metric_service.figure(k, COUNTY, MONTH), 300)
        theirs = median_ms(lambda k=key: bare_lookup(d, k), 300)
        sql = median_ms(lambda k=key: sql_figure(d, k), 5, warmup=1)
        own = median_ms(lambda k=key: own_recompute(d, k), 1 if n > 200_000 else 3, warmup=0)
        label = f"{key} {MONTH} county, {n:,} cases"
        report.add(Line(f"figure vs bare rollup lookup: {label}", ours, theirs, "ms",
                        2.0 if final else None, "max_ratio",
                        note=f"figure {fig.value} ({fig.num}/{fig.den}); medians of 300"))
        report.add(Line(f"figure vs SQL aggregate over the events: {label}", ours, sql, "ms",
                        100.0 if final else None, "min_speedup"))
        report.add(Line(f"figure vs suyuan's own recompute from events: {label}", ours, own, "ms",
                        100.0 if final else None, "min_speedup"))
    if d.dialect == "sqlite":
        group = median_ms(lambda: sql_group_by_all(d), 3, warmup=1)
        ours = median_ms(lambda: d.metric_service.figure(FIGURES[0], COUNTY, MONTH), 300)
        report.add(Line(f"figure vs GROUP BY of all town×month groups, {n:,} cases", ours, group,
                        "ms", 100.0 if final else None, "min_speedup"))


def run(sizes: list[int], directory: Path | None = None) -> Report:
    directory = directory or OUT / "metrics"
    report = Report("metrics", max(sizes))
    for n in sizes:
        d, info = built(n, directory)
        try:
            report.fact(f"db {n}", {k: info[k] for k in ("events", "rollup_rows", "cached")
                                    if k in info}, f"database of {n:,} cases")
            if "build_seconds" in info:
                report.fact(f"build {n}", f"{n / max(info['build_seconds'], 0.1):,.0f} cases/s wall "
                            f"({info['build_seconds']:.0f} s wall, {info['build_cpu_seconds']:.0f} s "
                            f"CPU{', cached from an earlier run' if info['cached'] else ''})",
                            f"built {n:,} cases through BulkWriter")
            measure(report, d, n)
        finally:
            d.close()
    report.save(directory)
    return report
