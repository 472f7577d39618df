"""Reads near the framework's speed (issue 15 point 5): a case read is audited in batches (durable
after a flush or shutdown, the hash chain intact), the case and its timeline are read in one
transaction, and reads can go to a real PostgreSQL streaming replica (point 6)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from suyuan_core import integrity
from suyuan_core.storage import tables
from suyuan_core.testing.factories import Factories

API = "/api/v1"


def _stored(d: Any, action: str | None = None) -> int:
    query = select(func.count()).select_from(tables.audit_log)
    if action:
        query = query.where(tables.audit_log.c.action == action)
    with d.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _chain_ok(d: Any) -> tuple[int, list[Any]]:
    with d.engine.connect() as conn:
        return integrity.check_audit(conn)


def test_reads_are_queued_then_written_in_one_batch_on_the_chain(make_deployment):
    d = make_deployment(config={"audit": {"read_flush_ms": 3_600_000, "read_batch": 1000}})
    case = Factories(d).case()
    d.audit.write(None, actor="t", action="case.note", record=f"case:{case.id}")
    before = _stored(d)
    for i in range(5):
        d.audit.read(actor=f"user:r{i}", action="case.read", record=f"case:{case.id}")
    # nothing committed per read: they wait in the queue (the flush interval is an hour here)
    assert d.audit.pending == 5 and _stored(d) == before
    # a change's entry in between still chains (written at once, the reads after it)
    d.audit.write(None, actor="t", action="case.accept", record=f"case:{case.id}")
    assert d.audit.flush() == 5 and d.audit.pending == 0
    assert _stored(d, "case.read") == 5
    count, breaks = _chain_ok(d)
    assert count == before + 6 and breaks == []
    actors = [e.actor for e in d.audit.search(action="case.read")]
    assert actors == [f"user:r{i}" for i in reversed(range(5))]  # in the order they were read


def test_a_full_batch_is_written_by_the_background_thread(make_deployment):
    d = make_deployment(config={"audit": {"read_flush_ms": 3_600_000, "read_batch": 3}})
    case = Factories(d).case()
    written = []
    original = d.audit.append

    def spy(session: Any, rows: Any) -> None:
        original(session, rows)
        written.append(len(rows))

    d.audit.append = spy  # type: ignore[method-assign]
    for _ in range(3):
        d.audit.read(actor="user:a", action="case.read", record=f"case:{case.id}")
    thread = d.audit._thread
    assert thread is not None and thread.daemon
    # the third entry woke the flusher (the hour-long interval did not pass): wait for it to write
    deadline = 200
    while d.audit.pending and deadline:
        thread.join(0.05)
        deadline -= 1
    assert d.audit.pending == 0 and written == [3]
    assert _stored(d, "case.read") == 3


def test_close_writes_the_queued_reads_and_the_integrity_check_passes(make_deployment, tmp_path):
    from suyuan_core.deployment import Deployment
    from suyuan_core.testing.kit import run_cli

    d = make_deployment(config={"audit": {"read_flush_ms": 3_600_000}})
    case = Factories(d).case()
    for _ in range(4):
        d.audit.read(actor="user:a", action="case.read", record=f"case:{case.id}")
    assert _stored(d, "case.read") == 0
    d.close()  # what shutdown does: the queue is written before the connections go
    again = Deployment.from_file(d.config.path)
    try:
        assert _stored(again, "case.read") == 4
        r = run_cli(again, "integrity")
        assert r.exit_code == 0, r.output
    finally:
        again.close()


def test_a_failed_flush_keeps_the_entries(make_deployment):
    d = make_deployment(config={"audit": {"read_flush_ms": 3_600_000}})
    d.audit.read(actor="user:a", action="case.read", record="case:1")
    original = d.audit.append

    def down(session: Any, rows: Any) -> None:
        raise ConnectionError("database away")

    d.audit.append = down  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        d.audit.flush()
    assert d.audit.pending == 1
    d.audit.append = original  # type: ignore[method-assign]
    assert d.audit.flush() == 1 and _stored(d, "case.read") == 1


def test_the_case_api_reads_in_one_transaction_and_audits_in_the_batch(api, deployment):
    d = deployment
    h = api.as_role("supervisor", "C")
    cid = api.post(f"{API}/cases", json={
        "title": "噪音", "category": "neighbour", "source": "walk_in", "area_code": "C.T1.C1.G1",
        "parties": [{"name": "张三", "phone": "13812341234"}]}, headers=h).json()["id"]
    assert api.post(f"{API}/cases/{cid}/actions/accept", json={"expected_version": 1},
                    headers=h).status_code == 200
    d.audit.flush()
    begins: list[str] = []
    statements: list[str] = []

    def on_begin(conn: Any) -> None:
        begins.append("begin")

    def on_statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engines = {d.engine, d.read_engine}
    for engine in engines:
        event.listen(engine, "begin", on_begin)
        event.listen(engine, "before_cursor_execute", on_statement)
    try:
        r = api.get(f"{API}/cases/{cid}", headers=h)
    finally:
        for engine in engines:
            event.remove(engine, "begin", on_begin)
            event.remove(engine, "before_cursor_execute", on_statement)
    assert r.status_code == 200 and [e["kind"] for e in r.json()["timeline"]] == ["reported",
                                                                                    "accept"]
    case_reads = [s for s in statements if "FROM cases" in s]
    assert len(begins) == 1, statements  # one read transaction, no audit commit
    assert len(case_reads) == 1, case_reads  # the case is fetched once
    assert not any("audit_log" in s for s in statements)
    assert d.audit.pending == 1
    d.audit.flush()
    entries = d.audit.search(record=f"case:{cid}", action="case.read")
    assert len(entries) == 1 and entries[0].actor.startswith("user:")
    assert _chain_ok(d)[1] == []


def test_an_unknown_case_is_still_404_and_audits_nothing(api, deployment):
    h = api.as_role("supervisor", "C")
    r = api.get(f"{API}/cases/999999", headers=h)
    assert r.status_code == 404 and "no case with id 999999" in r.text
    assert deployment.audit.pending == 0


def test_unmasking_is_written_at_once(api, deployment):
    h = api.as_role("admin", "C")
    cid = api.post(f"{API}/cases", json={
        "title": "噪音", "category": "neighbour", "source": "walk_in", "area_code": "C.T1.C1.G1",
        "parties": [{"name": "张三", "phone": "13812341234"}]}, headers=h).json()["id"]
    r = api.post(f"{API}/cases/{cid}/unmask", json={"reason": "回访当事人核实"}, headers=h)
    assert r.status_code == 200 and r.json()["case"]["parties"][0]["name"] == "张三"
    assert _stored(deployment, "case.unmask") == 1  # not waiting for a batch


def test_bad_audit_settings_are_refused_with_the_path(make_deployment):
    from suyuan_core.errors import ConfigError

    with pytest.raises(ConfigError, match=r"audit.read_flush_ms: must be at least 1"):
        make_deployment(config={"audit": {"read_flush_ms": 0}})
    with pytest.raises(ConfigError, match=r"database.replica_url: .* is not a PostgreSQL URL"):
        make_deployment(config={"database": {"replica_url": "sqlite:///x.db"}})


# -- a real streaming replica -------------------------------------------------------------------
def _recovery(session: Any) -> bool:
    return bool(session.execute(text("SELECT pg_is_in_recovery()")).scalar_one())


def _with_replica(d: Any, replica_url: str) -> Any:
    """A second deployment on ``d``'s database (its schema) reading from ``replica_url``."""
    from suyuan_core.deployment import Deployment

    return Deployment.from_dict({"deployment": {"name": "test", "database": d.config.database_url},
                                 "database": {"replica_url": replica_url}}, discover=False)


def test_reads_go_to_the_replica_and_writes_to_the_primary(pg_replica, deployment):
    d = _with_replica(deployment, pg_replica.of(deployment.config.database_url))
    try:
        assert d.replica_engine is not None
        case = Factories(d).case()
        pg_replica.wait()  # the replica has replayed the case (polled by WAL position)
        with d.reading() as s:
            assert _recovery(s)  # the replica: a hot standby
            assert s.execute(select(tables.cases.c.title).where(tables.cases.c.id == case.id)
                             ).scalar_one() == case.title
        with d.primary() as s:
            assert not _recovery(s)
        with d.transaction() as s:
            assert not _recovery(s)
        # the core's reads through the replica: the case, its timeline
        assert d.cases.get(case.id).title == case.title
        assert [e.kind for e in d.cases.timeline(case.id)] == ["reported"]
        # a write lands on the primary (the replica would refuse it) and reaches the replica
        d.cases.act(case.id, "accept", actor="t")
        d.audit.read(actor="user:a", action="case.read", record=f"case:{case.id}")
        d.audit.flush()
        pg_replica.wait()
        assert d.cases.get(case.id).status.value == "accepted"
        with d.reading() as s:
            assert s.execute(select(func.count()).select_from(tables.audit_log)).scalar_one() >= 1
    finally:
        d.close()


def test_reads_fall_back_to_the_primary_when_the_replica_is_down(make_deployment, caplog):
    from suyuan_core.testing.servers import free_port

    d = make_deployment()
    if d.dialect != "postgresql":
        pytest.skip("a replica is a PostgreSQL standby: set SUYUAN_TEST_DATABASE_URL")
    from sqlalchemy.engine import make_url

    dead = make_url(d.config.database_url).set(port=free_port()).render_as_string(False)
    down = _with_replica(d, dead)
    try:
        case = Factories(down).case()
        with caplog.at_level("WARNING", logger="suyuan.database"):
            assert down.cases.get(case.id).title == case.title
        assert "the replica does not answer" in caplog.text
        with down.reading() as s:
            assert not _recovery(s)
    finally:
        down.close()


# -- dashboards and drill-downs: batched figures, keyset drill pages ------------------------------
STATUSES = ("closed", "unresolved", "reported", "resolved", "in_progress", "withdrawn")
AREAS = ("C.T1.C1.G1", "C.T1.C2", "C.T2.C1.G2", "C.T2.C2", "C.T1.C1.G2.M1")


def _history(d: Any) -> None:
    f = Factories(d)
    for i in range(18):
        case = f.case(STATUSES[i % len(STATUSES)], area_code=AREAS[i % len(AREAS)])
        if i % 4 == 0 and case.status.value in ("resolved", "closed", "unresolved"):
            d.cases.record(case.id, "callback", actor="t",
                           data={"reached": True, "satisfaction": "satisfied"})


def _period() -> Any:
    import datetime as dt

    from suyuan_core import Period

    return Period.containing("month", dt.datetime.now(dt.UTC).date())


def test_figures_in_a_batch_equal_figures_one_by_one(deployment):
    _history(deployment)
    svc, p = deployment.metric_service, _period()
    areas = ["C", "C.T1", "C.T2", "C.T1.C1", "C.T2.C2", "C.T1.C1.G1"]
    keys = [m.key for m in deployment.metrics]
    batch = svc.figures(keys, areas, p)
    assert set(batch) == {(k, a) for k in keys for a in areas}
    for (k, a), f in batch.items():
        one = svc.figure(k, a, p)
        assert (f.num, f.den, f.value) == (one.num, one.den, one.value), (k, a)
    assert batch[("cases_received", "C")].num == 18  # not all zeros


def test_drill_pages_walk_exactly_the_cases_of_the_whole_drill(deployment):
    _history(deployment)
    svc, p = deployment.metric_service, _period()
    checked = 0
    for key, part in (("cases_received", "numerator"), ("mediation_success_rate", "numerator"),
                      ("mediation_success_rate", "denominator"),
                      ("satisfaction_rate", "denominator"), ("open_now", "numerator"),
                      ("cases_closed", "numerator")):
        for area in ("C", "C.T1", "C.T2.C2", "C.T1.C1.G1"):
            whole = sorted(svc.drill(key, area, p, part=part), reverse=True)
            pages: list[int] = []
            before = None
            while True:
                ids, more = svc.drill_page(key, area, p, part=part, before=before, limit=2)
                pages += ids
                assert len(ids) <= 2
                if not more:
                    break
                before = ids[-1]
            assert pages == whole, (key, area, part)
            assert svc.drill_count(key, area, p, part=part) == len(whole), (key, area, part)
            checked += len(whole)
    assert checked > 20


def test_a_drill_page_reads_only_its_own_chunk_of_events(deployment):
    """The page is read with LIMIT along the (case_id, seq) order, not the whole figure."""
    _history(deployment)
    svc, p = deployment.metric_service, _period()
    statements: list[str] = []

    def on_statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(deployment.read_engine, "before_cursor_execute", on_statement)
    try:
        ids, more = svc.drill_page("cases_received", "C", p, limit=3)
    finally:
        event.remove(deployment.read_engine, "before_cursor_execute", on_statement)
    assert len(ids) == 3 and more
    reads = [s for s in statements if "FROM case_events" in s]
    assert reads and all("LIMIT" in s and "ORDER BY case_events.case_id DESC" in s
                         for s in reads), reads


def test_the_drill_api_pages_and_counts(api, deployment):
    _history(deployment)
    h = api.as_role("admin", "C")
    p = str(_period())
    whole = sorted(deployment.metric_service.drill("cases_received", "C", _period()),
                   reverse=True)
    seen: list[int] = []
    cursor = None
    while True:
        url = f"{API}/metrics/cases_received/drill?area=C&period={p}&limit=5"
        r = api.get(url + (f"&cursor={cursor}" if cursor else ""), headers=h)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["count"] == len(whole)
        seen += [c["id"] for c in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == whole
    bad = api.get(f"{API}/metrics/cases_received/drill?area=C&period={p}&cursor=zz", headers=h)
    assert bad.status_code == 422 and "not a cursor" in bad.text
