"""Tamper evidence (issue 14 point 5): case_events is append-only in the database, and the digest
chains over each case's events and over the audit log name an edited or removed row, even after
someone dropped the triggers."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from suyuan_core import integrity
from suyuan_core.testing.factories import Factories
from suyuan_core.testing.kit import run_cli


def _history(d: Any) -> list[int]:
    f = Factories(d)
    ids = []
    for _ in range(3):
        case = f.case()
        d.cases.act(case.id, "accept", actor="t")
        d.cases.note(case.id, "called the parties", actor="t")
        d.audit.write(None, actor="t", action="case.read", record=f"case:{case.id}")
        ids.append(case.id)
    return ids


def _check(d: Any) -> Any:
    with d.engine.connect() as conn:  # closed: an open read would block the test's teardown
        return integrity.check(conn)


def _drop_triggers(d: Any, table: str) -> None:
    with d.engine.begin() as conn:
        if d.engine.dialect.name == "postgresql":
            conn.execute(text(f"DROP TRIGGER {table}_append_only ON {table}"))
        else:
            conn.execute(text(f"DROP TRIGGER {table}_no_update"))
            conn.execute(text(f"DROP TRIGGER {table}_no_delete"))


def _rewind_head(d: Any, case_id: int) -> None:
    """What an attacker with the database's owner rights can do: drop every trigger on the
    events and their heads, delete the case's last event (seq 3) and rewind its head and the
    case's version to seq 2 — after which the chains check clean on their own."""
    sqlite = d.engine.dialect.name == "sqlite"
    with d.engine.begin() as conn:
        for name in ("case_events", "chain_heads"):
            for trig in conn.execute(text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"
                    if sqlite else
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass) "
                    "AND NOT tgisinternal"), {"t": name}).scalars().all():
                conn.execute(text(f"DROP TRIGGER {trig}" if sqlite
                                  else f"DROP TRIGGER {trig} ON {name}"))
        conn.execute(text("DELETE FROM case_events WHERE case_id = :c AND seq = 3"),
                     {"c": case_id})
        digest = conn.execute(text("SELECT digest FROM case_events WHERE case_id = :c AND "
                                   "seq = 2"), {"c": case_id}).scalar()
        conn.execute(text("UPDATE chain_heads SET seq = 2, digest = :d WHERE chain = :k"),
                     {"d": digest, "k": f"case:{case_id}"})
        conn.execute(text("UPDATE cases SET version = 2 WHERE id = :c"), {"c": case_id})


def test_a_clean_history_passes(deployment: Any) -> None:
    _history(deployment)
    r = run_cli(deployment, "integrity")
    assert r.exit_code == 0, r.output
    assert "9 events of 3 cases and 3 audit entries" in r.stdout
    assert run_cli(deployment, "metrics", "verify").exit_code == 0


@pytest.mark.parametrize("sql", ["UPDATE case_events SET reason = 'x' WHERE seq = 2",
                                 "DELETE FROM case_events WHERE seq = 3"])
def test_the_database_refuses_edits_of_events(deployment: Any, sql: str) -> None:
    _history(deployment)
    with pytest.raises(DatabaseError), deployment.engine.begin() as conn:
        conn.execute(text(sql))


def test_an_edited_event_is_named_even_without_the_trigger(deployment: Any) -> None:
    ids = _history(deployment)
    _drop_triggers(deployment, "case_events")
    with deployment.engine.begin() as conn:
        conn.execute(text("UPDATE case_events SET actor = 'someone-else' "
                          "WHERE case_id = :c AND seq = 2"), {"c": ids[1]})
    r = run_cli(deployment, "integrity")
    assert r.exit_code == 1
    assert f"case:{ids[1]} event 2" in r.stderr and "edited" in r.stderr
    breaks = [str(b) for b in _check(deployment).breaks]
    assert breaks == [f"case:{ids[1]} event 2: does not match its digest: the event was edited "
                      "(or one before it was)"]
    # verify refuses too: a rebuild from edited events would agree with itself
    assert run_cli(deployment, "metrics", "verify").exit_code == 1


@pytest.mark.parametrize("seq,problem", [(2, "removed"), (3, "last rows were removed")])
def test_a_removed_event_is_named(deployment: Any, seq: int, problem: str) -> None:
    ids = _history(deployment)
    _drop_triggers(deployment, "case_events")
    with deployment.engine.begin() as conn:
        conn.execute(text("DELETE FROM case_events WHERE case_id = :c AND seq = :s"),
                     {"c": ids[2], "s": seq})
    breaks = _check(deployment).breaks
    assert len(breaks) == 1 and breaks[0].chain == f"case:{ids[2]}"
    assert problem in breaks[0].problem


def test_an_edited_or_removed_audit_entry_is_named(deployment: Any) -> None:
    _history(deployment)
    _history(deployment)  # six entries
    with pytest.raises(DatabaseError), deployment.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    _drop_triggers(deployment, "audit_log")
    with deployment.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM audit_log ORDER BY id"))]
    with deployment.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET reason = 'nothing to see' WHERE id = :i"),
                     {"i": ids[1]})
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": ids[4]})
    breaks = _check(deployment).breaks
    # the edited entry, and the one after the removed entry
    assert [b.at for b in breaks] == [ids[1], ids[5]]
    assert all(b.chain == "audit" for b in breaks)


def test_bulk_imported_events_chain_too(deployment: Any, tmp_path: Any) -> None:
    import json

    path = tmp_path / "cases.jsonl"
    rows = [{"source": "walk_in", "title": f"t{i}", "category": "neighbour",
             "area_code": "C.T1.C1.G1", "reported_at": "2026-05-01T09:00:00+08:00",
             "events": [{"kind": "accept", "occurred_at": "2026-05-01T10:00:00+08:00"}]}
            for i in range(5)]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert run_cli(deployment, "cases", "import", str(path)).exit_code == 0
    report = _check(deployment)
    assert report.ok and report.events == 10


def test_a_removed_last_event_is_named_even_with_the_case_row_rewound(deployment: Any) -> None:
    """The tail: deleting a case's last event (and putting the case row back a version, as an
    attacker with database access would) leaves a valid chain; its head in chain_heads shows."""
    ids = _history(deployment)
    _drop_triggers(deployment, "case_events")
    with deployment.engine.begin() as conn:
        conn.execute(text("DELETE FROM case_events WHERE case_id = :c AND seq = 3"),
                     {"c": ids[0]})
        conn.execute(text("UPDATE cases SET version = 2 WHERE id = :c"), {"c": ids[0]})
    breaks = [str(b) for b in _check(deployment).breaks]
    assert breaks == [f"case:{ids[0]} event 3: missing: the chain's head (chain_heads) is at 3 "
                      "but its rows end at 2 (the last rows were removed)"]
    r = run_cli(deployment, "integrity")
    assert r.exit_code == 1 and f"case:{ids[0]} event 3" in r.stderr


def test_a_case_whose_every_event_was_removed_is_named(deployment: Any) -> None:
    ids = _history(deployment)
    _drop_triggers(deployment, "case_events")
    with deployment.engine.begin() as conn:
        conn.execute(text("DELETE FROM case_events WHERE case_id = :c"), {"c": ids[2]})
        conn.execute(text("DELETE FROM cases WHERE id = :c"), {"c": ids[2]})
    breaks = [str(b) for b in _check(deployment).breaks]
    assert breaks == [f"case:{ids[2]} event 1: missing: the chain's head (chain_heads) is at 3 "
                      "but its rows end at 0 (the last rows were removed)"]


def test_a_removed_last_audit_entry_is_named(deployment: Any) -> None:
    _history(deployment)
    _drop_triggers(deployment, "audit_log")
    with deployment.engine.connect() as conn:
        last = conn.scalar(text("SELECT MAX(id) FROM audit_log"))
    with deployment.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": last})
    breaks = [str(b) for b in _check(deployment).breaks]
    assert breaks == [f"audit entry {last}: missing: the chain's head (chain_heads) is at "
                      f"{last} but its rows end at {last - 1} (the last rows were removed)"]
    assert run_cli(deployment, "integrity").exit_code == 1


@pytest.mark.parametrize("sql", ["DELETE FROM chain_heads",
                                 "UPDATE chain_heads SET seq = seq - 1"])
def test_the_heads_only_move_forward(deployment: Any, sql: str) -> None:
    _history(deployment)
    with pytest.raises(DatabaseError), deployment.engine.begin() as conn:
        conn.execute(text(sql))


def test_a_signed_checkpoint_catches_a_rewound_head(deployment: Any, tmp_path: Any) -> None:
    """Dropping every trigger, deleting a case's last event and rewinding its head (and the
    case's version) leaves chains that check clean; the checkpoint signed before names it."""
    ids = _history(deployment)
    key, point = tmp_path / "cp.key", tmp_path / "cp.jsonl"
    assert run_cli(deployment, "integrity", "--new-key", str(key)).exit_code == 0
    r = run_cli(deployment, "integrity", "--write-checkpoint", str(point),
                "--private-key", str(key))
    assert r.exit_code == 0, r.output
    assert "3 case chains" in r.stdout
    ok = run_cli(deployment, "integrity", "--checkpoint", str(point),
                 "--public-key", f"{key}.pub")
    assert ok.exit_code == 0 and "checkpoint: ok" in ok.stdout, ok.output
    _rewind_head(deployment, ids[0])
    assert run_cli(deployment, "integrity").exit_code == 0  # the database alone cannot tell
    bad = run_cli(deployment, "integrity", "--checkpoint", str(point),
                  "--public-key", f"{key}.pub")
    assert bad.exit_code == 1
    assert f"case:{ids[0]} event 3: missing" in bad.stderr


def test_an_altered_checkpoint_or_a_wrong_key_is_one_line(deployment: Any, tmp_path: Any
                                                           ) -> None:
    _history(deployment)
    key, other, point = tmp_path / "a.key", tmp_path / "b.key", tmp_path / "cp.jsonl"
    run_cli(deployment, "integrity", "--new-key", str(key))
    run_cli(deployment, "integrity", "--new-key", str(other))
    run_cli(deployment, "integrity", "--write-checkpoint", str(point), "--private-key", str(key))
    wrong = run_cli(deployment, "integrity", "--checkpoint", str(point),
                    "--public-key", f"{other}.pub")
    assert wrong.exit_code != 0 and "signature does not match" in wrong.output
    assert "Traceback" not in wrong.output
    lines = point.read_text().splitlines()
    lines[1] = lines[1].replace(lines[1][-3:-2], "0" if lines[1][-3:-2] != "0" else "1")
    point.write_text("\n".join(lines) + "\n")
    altered = run_cli(deployment, "integrity", "--checkpoint", str(point),
                      "--public-key", f"{key}.pub")
    assert altered.exit_code != 0 and "signature does not match" in altered.output
    point.write_bytes(b"\xff\xfe binary")
    binary = run_cli(deployment, "integrity", "--checkpoint", str(point),
                     "--public-key", f"{key}.pub")
    assert binary.exit_code != 0 and "Traceback" not in binary.output
    half = run_cli(deployment, "integrity", "--checkpoint", str(point))
    assert half.exit_code == 2 and "go together" in half.output


def test_the_nightly_job_checks_compares_and_signs(make_deployment: Any, tmp_path: Any) -> None:
    """``[integrity]`` set: the job ``core.integrity_checkpoint`` writes a signed checkpoint
    each night after a clean check; the next night it first compares the database with it, so a
    rewound head (triggers dropped, last event deleted) fails the run, tells the admins and
    writes no new checkpoint."""
    import datetime as dt

    from suyuan_core import checkpoint

    key, folder = tmp_path / "keys" / "cp.key", tmp_path / "checkpoints"
    key.parent.mkdir()
    checkpoint.new_key(key)
    d = make_deployment(config={"integrity": {"checkpoints": str(folder),
                                              "private_key": str(key), "at": "02:30"}})
    d.accounts.add_user("admin1", "管理员", "long-enough-pw")
    d.accounts.grant("admin1", "admin", "C")
    ids = _history(d)
    night = dt.datetime(2026, 12, 1, 19, 0, tzinfo=dt.UTC)  # 03:00 in Shanghai
    (run,) = [r for r in d.jobs.run_due(night) if r.job == "core.integrity_checkpoint"]
    assert run.status == "succeeded", run.error
    assert run.summary["compared_with"] is None and run.summary["cases"] == 3
    first = folder / run.summary["file"]
    with d.engine.connect() as conn, first.open(encoding="utf-8") as source:
        assert checkpoint.verify(conn, source, key.with_name("cp.key.pub"))[1] == []
    _rewind_head(d, ids[0])
    assert _check(d).ok  # the database alone cannot tell
    (bad,) = [r for r in d.jobs.run_due(night + dt.timedelta(days=1))
              if r.job == "core.integrity_checkpoint"]
    assert bad.status == "failed" and f"case:{ids[0]} event 3: missing" in bad.error
    assert sorted(p.name for p in folder.iterdir()) == [first.name]  # nothing new written
    (told,) = d.notifications.inbox("admin1")
    assert told.kind == "integrity" and f"case:{ids[0]}" in told.body


def test_integrity_settings_go_together(make_deployment: Any, tmp_path: Any) -> None:
    from suyuan_core import ConfigError

    with pytest.raises(ConfigError) as e:
        make_deployment(config={"integrity": {"checkpoints": str(tmp_path)}})
    assert "private_key" in str(e.value) and "go together" in str(e.value)
    with pytest.raises(ConfigError) as e:
        make_deployment(config={"integrity": {"checkpoints": "c", "private_key": "k",
                                              "at": "25:00"}})
    assert "HH:MM" in str(e.value)
    names = {j.name for j in make_deployment().jobs.registry}
    assert "core.integrity_checkpoint" not in names  # off until both are set
