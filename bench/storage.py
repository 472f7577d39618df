"""Storage and bulk writes on SQLite or PostgreSQL: a JSON Lines file of cases with their
histories imported through ``suyuan_core.cases.files.import_file``, then

* bytes of database per case (the whole database's growth: cases, events, rollups, every index;
  SQLite: the file after a checkpoint, PostgreSQL: ``pg_database_size``) and rollup rows per case;
* the import's rate against bare SQLAlchemy Core executemany of the very case and event rows
  suyuan wrote (``bench/intake.py``'s baseline), in the same run on the same database.

``python -m bench storage --cases 20000 [--database-url postgresql+psycopg://…/db]``: the
PostgreSQL database named is dropped and created anew (never point it at one you keep). Rates are
wall clock on PostgreSQL (the server's work is in another process) and CPU time on SQLite.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench import bare
from bench.common import OUT, Line, Report, Timer, bench_areas, bench_mediators, write_config, write_file
from bench.intake import BATCH, bulk_bare, copied_rows
from suyuan_core import Deployment
from suyuan_core.cases.files import import_file
from suyuan_core.storage import tables
from suyuan_core.testing.kit import dump_toml


def _deployment(directory: Path, url: str | None, plugins: list[str] | None) -> Deployment:
    """A fresh, migrated deployment with the bench areas on SQLite (a new file) or on a freshly
    created PostgreSQL database."""
    if url is None:
        for suffix in (".db", ".db-wal", ".db-shm"):
            (directory / ("storage" + suffix)).unlink(missing_ok=True)
        config = write_config(directory, "storage", plugins)
    else:
        target = make_url(url)
        admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}"'))
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
        admin.dispose()
        from bench.common import installed_plugins

        config = directory / "storage-pg.toml"
        directory.mkdir(parents=True, exist_ok=True)
        config.write_text(dump_toml({
            "deployment": {"name": "bench-storage", "database": url,
                           "timezone": "Asia/Shanghai"},
            "plugins": {"enabled": installed_plugins() if plugins is None else plugins}}),
            encoding="utf-8")
    d = Deployment.from_file(config)
    d.upgrade()
    d.areas.import_areas(bench_areas())
    d.roster.save(bench_mediators())  # the synthetic histories assign to them
    return d


def database_bytes(d: Deployment) -> int:
    """The database's size on disk now."""
    if d.engine.dialect.name == "sqlite":
        with d.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
            size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
            free = conn.exec_driver_sql("PRAGMA freelist_count").scalar_one()
        return int((pages - free) * size)
    with d.engine.connect() as conn:
        conn.execute(text("CHECKPOINT"))
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def table_bytes(d: Deployment, name: str) -> int | None:
    """One table with its indexes (SQLite: needs the dbstat table, else None)."""
    with d.engine.connect() as conn:
        if d.engine.dialect.name != "sqlite":
            return int(conn.execute(text("SELECT pg_total_relation_size(:t)"),
                                    {"t": name}).scalar_one())
        try:
            return int(conn.exec_driver_sql(
                "SELECT sum(pgsize) FROM dbstat WHERE name = ? OR name IN "
                "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?)",
                (name, name)).scalar_one() or 0)
        except Exception:  # dbstat not compiled in
            return None


def run(cases: int, url: str | None = None, directory: Path | None = None,
        plugins: list[str] | None = None) -> Report:
    """``plugins``: the plugins to enable (default every one installed; ``[]``: the core alone,
    the framework's own cost without the plugins' hooks)."""
    directory = directory or OUT / "storage"
    engine = "postgresql" if url else "sqlite"
    report = Report(f"storage-{engine}" + ("-core" if plugins == [] else ""), cases)
    path = write_file(directory / f"cases-{cases}.jsonl", cases, fmt="jsonl", history=True)
    d = _deployment(directory, url, plugins)
    from bench.common import installed_plugins

    report.fact("plugins", ", ".join(installed_plugins() if plugins is None else plugins)
                or "(none)")
    try:
        empty = database_bytes(d)
        with Timer() as t:
            created, _ = import_file(d, path, batch_size=BATCH)
        grown = database_bytes(d) - empty
        with d.reading() as s:
            events = s.scalar(select(func.count()).select_from(tables.case_events)) or 0
            rollups = s.scalar(select(func.count()).select_from(tables.metric_rollups)) or 0
        report.fact("events per case", round(events / created, 2))
        report.fact("rollup rows per case", round(rollups / created, 3))
        report.add(Line("database bytes per case, with its history", grown / created, 2500,
                        "bytes", 2500, target_kind="max_value", baseline="target",
                        note=f"{grown:,} bytes for {created:,} cases and {events:,} events"))
        for name in ("cases", "case_events", "metric_rollups"):
            size = table_bytes(d, name)
            if size is not None:
                report.fact(f"{name} bytes per case (with indexes)", round(size / created))
        rows: tuple[list[dict[str, Any]], ...] = copied_rows(d)
        bare.reset(d.engine, bare.bare_events, bare.bare_cases)
        theirs = bulk_bare(d.engine, rows[0], rows[1])
        if url is None:
            ours_rate, bare_rate = created / t.cpu, created / theirs.cpu
        else:
            ours_rate, bare_rate = created / t.seconds, created / theirs.seconds
        report.add(Line(f"bulk import JSONL with histories ({engine})", ours_rate, bare_rate,
                        "cases/s", 0.6, note=f"bare: Core executemany of the same {created:,} "
                        f"case + {events:,} event rows; suyuan also parses, checks, runs the "
                        f"hooks and upserts the rollups; {'wall' if url else 'CPU'} time, "
                        f"{t.seconds:.1f} s vs {theirs.seconds:.1f} s wall"))
        report.fact("measured at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        bare.reset(d.engine)
    finally:
        d.close()
    report.save(directory)
    return report
