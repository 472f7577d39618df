"""Benchmark: importing 12345 work orders (``suyuan smart import-12345``) against the bare
SQLAlchemy Core insert rate measured in the same run.

The bare baseline inserts the same number of case rows and their ``reported`` event rows with two
executemany statements in one transaction — no parsing, no checks, no rollups. The smart import
reads the CSV export, maps its columns, validates each order through the core's registries, area
tree and hooks, and writes cases, events and rollups through ``deployment.bulk`` in one
all-or-nothing transaction. Target: ≥ 50% of the bare rate.

    python bench/smart_import.py [--orders 20000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from suyuan_core import tables
from suyuan_core.testing import DeploymentFactory

HEADER = ["工单编号", "标题", "诉求内容", "诉求分类", "所属区域", "来电人", "联系电话", "受理时间",
          "紧急程度", "诉求类型"]
CATS = ["urban_management", "labour", "property_management", "environment", "public_utilities"]


def write_orders(path: Path, n: int, areas: list[str]) -> None:
    rng = random.Random(1)
    start = dt.datetime(2026, 6, 1, 8)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(n):
            at = start + dt.timedelta(minutes=rng.randrange(150 * 24 * 60))
            w.writerow([f"GD{i:08d}", "路灯不亮", f"小区门口路灯坏了 {i}", rng.choice(CATS),
                        rng.choice(areas), f"市民{i % 500}", f"138{rng.randrange(10**8):08d}",
                        at.strftime("%Y-%m-%d %H:%M"), "一般", "投诉"])


def bare(d, n: int, areas: list[str]) -> float:
    """Rows per second of a bare Core executemany of the same case and event rows."""
    tree = d.areas.tree
    now = dt.datetime(2026, 11, 1)
    cases = [{"kind": "appeal", "title": "路灯不亮", "description": f"x {i}",
              "category": CATS[i % 5], "source": "phone", "source_ref": f"B{i}",
              "area_code": areas[i % len(areas)], "area_path": tree.path(areas[i % len(areas)]),
              "level": "community", "handling_area_code": areas[i % len(areas)],
              "status": "reported", "version": 1, "reported_at": now, "parties": [],
              "assignees": [], "data": {}, "updated_at": now} for i in range(n)]
    t0 = time.perf_counter()
    with d.engine.begin() as conn:
        ids = list(conn.execute(insert(tables.cases).returning(
            tables.cases.c.id, sort_by_parameter_order=True), cases).scalars())
        conn.execute(insert(tables.case_events), [
            {"case_id": cid, "seq": 1, "kind": "reported", "actor": "bench", "occurred_at": now,
             "recorded_at": now, "data": {}, "status_after": "reported", "level": "community",
             "area_code": c["area_code"], "area_path": c["area_path"], "category": c["category"],
             "source": "phone", "case_kind": "appeal"} for cid, c in zip(ids, cases, strict=True)])
    return n / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL URL (a fresh schema is used); default SQLite")
    args = parser.parse_args(argv)
    from suyuan_smart.intake import import_orders

    with tempfile.TemporaryDirectory() as tmp:
        factory = DeploymentFactory(Path(tmp), args.database_url or "")
        try:
            config = {"plugins": {"smart": {"hotline_areas": {}}}}
            d_bare = factory(plugins=["smart"], config=config)
            d = factory(plugins=["smart"], config=config)
            areas = sorted(c for c, a in d.areas.tree.areas.items() if a.level.name == "community")
            path = Path(tmp) / "orders.csv"
            write_orders(path, args.orders, areas)
            base = bare(d_bare, args.orders, areas)
            t0 = time.perf_counter()
            created, _ = import_orders(d, path)
            rate = created / (time.perf_counter() - t0)
        finally:
            factory.close()
    db = "postgresql" if args.database_url else "sqlite"
    print(f"{db}: {args.orders} work orders — bare Core insert {base:,.0f} rows/s, "
          f"smart import {rate:,.0f} orders/s = {100 * rate / base:.0f}% of bare "
          f"(target ≥ 50%)")
    return 0 if rate >= 0.5 * base else 1


if __name__ == "__main__":
    sys.exit(main())
