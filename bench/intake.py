"""Intake: cases and events through the services (one transaction each, every hook) and through
bulk import, against bare SQLAlchemy writing the same rows into plain copies of the tables.

(a) per case — suyuan ``d.cases.create`` (one transaction: case row, ``reported`` event, rollup
    upserts, every hook) vs one bare ORM transaction adding a case and its event; then
    ``d.cases.act(id, "accept")`` (one transaction: lock and read the case, check the lifecycle and
    the hooks, update the case, append the event, rollups) vs one bare ORM transaction that loads
    the case, updates it and adds an event.
(b) bulk — ``suyuan_core.cases.files.import_file`` of a CSV file (parsing, validation, hooks,
    idempotency look-up, case + event rows, rollups; 5,000 rows per transaction) vs bare Core
    executemany of *the very rows suyuan wrote* (copied from its tables after the run, ids
    included) into the bare tables, 5,000 cases per transaction: the cases, then their events. The
    same is done for a JSON Lines file of cases with their histories (≈4 events a case).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bench import bare
from bench.common import OUT, Line, Report, Timer, case_rows, fresh_deployment, write_file
from suyuan_core import Deployment, NewCase
from suyuan_core.cases.files import import_file
from suyuan_core.storage import tables

BATCH = 5000


def _new_cases(n: int, start: int) -> list[NewCase]:
    return [NewCase(title=r["title"], category=r["category"], source=r["source"],
                    area_code=r["area_code"], source_ref=r["source_ref"],
                    occurred_at=dt.datetime.fromisoformat(r["reported_at"]))
            for r in case_rows(n, seed=11, start=start)]


def per_case_suyuan(d: Deployment, news: list[NewCase]) -> tuple[Timer, Timer]:
    ids: list[int] = []
    with Timer() as t_create:
        for new in news:
            ids.append(d.cases.create(new, actor="bench").id)  # type: ignore[arg-type]
    with Timer() as t_accept:
        for case_id in ids:
            d.cases.act(case_id, "accept", actor="bench")
    return t_create, t_accept


def per_case_bare(engine: Engine, d: Deployment, news: list[NewCase]) -> tuple[Timer, Timer]:
    """What a hand-written app does: an ORM session per case, the case and one event."""
    tree = d.areas.tree
    paths = {code: tree.path(code) for code in tree.areas}
    kinds = {s.code: s.case_kind for s in d.sources}
    utc = dt.UTC
    ids: list[int] = []
    with Timer() as t_create:
        for new in news:
            now = dt.datetime.now(utc).replace(tzinfo=None)
            at = new.occurred_at.astimezone(utc).replace(tzinfo=None)  # type: ignore[union-attr]
            path = paths[new.area_code]
            kind = kinds[new.source]
            with Session(engine) as s, s.begin():
                case = bare.BareCase(
                    kind=kind, title=new.title, description="", category=new.category,
                    source=new.source, source_ref=new.source_ref, area_code=new.area_code,
                    area_path=path, level="grid", handling_area_code=new.area_code,
                    status="reported", version=1, reported_at=at, parties=[], assignees=[],
                    data={}, updated_at=now)
                s.add(case)
                s.flush()
                s.add(bare.BareEvent(
                    case_id=case.id, seq=1, kind="reported", actor="bench", occurred_at=at,
                    recorded_at=now, data={"kind": kind, "title": new.title,
                                           "category": new.category, "source": new.source,
                                           "area_code": new.area_code, "level": "grid",
                                           "handling_area_code": new.area_code,
                                           "source_ref": new.source_ref},
                    status_after="reported", level="grid", area_code=new.area_code,
                    area_path=path, category=new.category, source=new.source, case_kind=kind))
                ids.append(case.id)
    with Timer() as t_accept:
        for case_id in ids:
            now = dt.datetime.now(utc).replace(tzinfo=None)
            with Session(engine) as s, s.begin():
                case = s.get(bare.BareCase, case_id)
                assert case is not None
                deadline = now + dt.timedelta(days=30)
                case.status, case.version, case.deadline, case.updated_at = (
                    "accepted", case.version + 1, deadline, now)
                s.add(bare.BareEvent(
                    case_id=case_id, seq=case.version, kind="accept", actor="bench",
                    occurred_at=now, recorded_at=now, data={"deadline": deadline.isoformat()},
                    status_before="reported", status_after="accepted", level_before="grid",
                    level="grid", area_code=case.area_code, area_path=case.area_path,
                    category=case.category, source=case.source, case_kind=case.kind,
                    deadline=deadline))
    return t_create, t_accept


def copied_rows(d: Deployment) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                        list[dict[str, Any]]]:
    """suyuan's case, event and rollup rows, exactly as it wrote them (ids included)."""
    with d.reading() as s:
        cases = [dict(r._mapping) for r in s.execute(select(tables.cases)
                                                      .order_by(tables.cases.c.id))]
        events = [dict(r._mapping) for r in s.execute(select(tables.case_events)
                                                       .order_by(tables.case_events.c.id))]
        rollups = [dict(r._mapping) for r in s.execute(select(tables.metric_rollups))]
    return cases, events, rollups


def bulk_bare(engine: Engine, cases: list[dict[str, Any]], events: list[dict[str, Any]],
              rollups: list[dict[str, Any]] | None = None) -> Timer:
    """Bare Core executemany of the same rows, ids included (so no RETURNING is needed): per
    transaction 5,000 cases, then their events (then, with ``rollups``, an equal share of the
    rollup rows, upserted the way SQLAlchemy Core spells it)."""
    insert_cases, insert_events = bare.bare_cases.insert(), bare.bare_events.insert()
    upsert = sqlite_insert(bare.bare_rollups_full)
    upsert = upsert.on_conflict_do_update(
        index_elements=["metric", "area_code", "grain", "period_start", "category", "source"],
        set_={"num": bare.bare_rollups_full.c.num + upsert.excluded.num,
              "den": bare.bare_rollups_full.c.den + upsert.excluded.den})
    batches = max(1, -(-len(cases) // BATCH))
    share = -(-len(rollups or ()) // batches)
    with Timer() as t:
        j = 0
        for b, i in enumerate(range(0, len(cases), BATCH)):
            chunk = cases[i:i + BATCH]
            last = chunk[-1]["id"]
            k = j
            while k < len(events) and events[k]["case_id"] <= last:
                k += 1
            with engine.begin() as conn:
                conn.execute(insert_cases, chunk)
                conn.execute(insert_events, events[j:k])
                if rollups:
                    conn.execute(upsert, rollups[b * share:(b + 1) * share])
            j = k
    return t


def rates(n: int, ours: list[Timer], theirs: list[Timer]) -> tuple[float, float, str]:
    """Rates from CPU time (other work on a shared machine does not skew the ratio; SQLite runs
    in this process and WAL commits do not wait for the disk), with the wall-clock rates."""
    cpu = n * len(ours) / sum(t.cpu for t in ours), n * len(theirs) / sum(t.cpu for t in theirs)
    wall = (n * len(ours) / sum(t.seconds for t in ours),
            n * len(theirs) / sum(t.seconds for t in theirs))
    return cpu[0], cpu[1], f"wall clock: suyuan {wall[0]:,.0f}/s, bare {wall[1]:,.0f}/s"


def bulk(report: Report, d: Deployment, path: Path, label: str) -> None:
    with Timer() as t:
        created, _ = import_file(d, path, batch_size=BATCH)
    cases, event_rows, rollups = copied_rows(d)
    events = len(event_rows)
    theirs = bulk_bare(d.engine, cases, event_rows)
    ours, bare_rate, wall = rates(created, [t], [theirs])
    report.add(Line(f"bulk import, {label}", ours, bare_rate, "cases/s", 0.5,
                    note=f"both write {len(cases):,} case rows + {events:,} event rows "
                         f"(bare: {bare_rate * (len(cases) + events) / len(cases):,.0f} rows/s); "
                         f"suyuan also parses the file, checks every row and its hooks, and "
                         f"upserts {len(rollups):,} rollup rows; {wall}"))
    bare.reset(d.engine, bare.bare_events, bare.bare_cases)
    with_rollups = bulk_bare(d.engine, cases, event_rows, rollups)
    _, full_rate, wall = rates(created, [t], [with_rollups])
    report.add(Line(f"bulk import, {label}, bare writes the rollup rows too", ours, full_rate,
                    "cases/s", None, note=f"the same work on both sides; {wall}"))
    report.fact(f"bulk {label} events per case", round(events / len(cases), 2))


def run(cases: int, per_case: int | None = None, directory: Path | None = None) -> Report:
    directory = directory or OUT / "intake"
    per_case = per_case or min(cases, 2500)
    report = Report("intake", cases)
    from bench.common import installed_plugins

    report.fact("plugins", ", ".join(installed_plugins()) or "(none)", "plugins enabled (all hooks)")

    # (a) one transaction per case + event
    d = fresh_deployment(directory, "intake")
    try:
        bare.reset(d.engine)
        warm = _new_cases(50, 10_000_000)
        per_case_suyuan(d, warm[:25])
        per_case_bare(d.engine, d, warm[25:])
        ours: list[tuple[Timer, Timer]] = []
        theirs: list[tuple[Timer, Timer]] = []
        rounds = 3 if per_case >= 300 else 1
        size = per_case // rounds
        for r in range(rounds):  # alternate, so both sides see the same machine
            ours.append(per_case_suyuan(d, _new_cases(size, r * size)))
            theirs.append(per_case_bare(d.engine, d, _new_cases(size, 20_000_000 + r * size)))
        for i, what in enumerate(("create (case + reported event)", "accept (update + event)")):
            mine, bare_rate, wall = rates(size, [x[i] for x in ours], [x[i] for x in theirs])
            report.add(Line(f"per case: {what}", mine, bare_rate, "cases/s", 0.5,
                            note=f"{size * rounds:,} transactions each side, {rounds} alternating "
                                 f"rounds; {wall}"))
    finally:
        d.close()

    # (b) bulk import
    csv_path = write_file(directory / f"cases-{cases}.csv", cases, fmt="csv")
    jsonl_path = write_file(directory / f"cases-{cases}.jsonl", cases, fmt="jsonl", history=True)
    for label, path in (("CSV, cases only", csv_path), ("JSONL with histories", jsonl_path)):
        d = fresh_deployment(directory, "bulk")
        try:
            bare.reset(d.engine)
            bulk(report, d, path, label)
        finally:
            d.close()
    report.save(directory)
    return report
