"""Backup and restore (issue 14 point 6): every table of the core and of the enabled plugins,
users and the audit log included, restored into a fresh deployment that passes `integrity` and
`metrics verify`; and a personal-data export writes an audit entry."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from suyuan_core.backup import table_counts
from suyuan_core.deployment import Deployment
from suyuan_core.testing.factories import Factories
from suyuan_core.testing.kit import ENV_URL, dump_toml, run_cli


def _populate(d: Any) -> None:
    f = Factories(d)
    f.person(external_id="M1")
    for status in ("reported", "assigned", "closed", "resolved"):
        f.case(status, parties=[{"name": "张三", "phone": "13812341234"}])
    closed = f.case("closed")
    d.cases.callback(closed.id, actor="t", reached=True, satisfaction="satisfied")
    d.accounts.add_user("clerk", "Clerk", "pw-pw-pw-pw-1", actor="t")
    d.accounts.grant("clerk", "mediator", "C.T1", actor="t")
    d.audit.write(None, actor="t", action="case.read", record="case:1")


def _fresh_target(make_deployment: Any, tmp_path: Path, source: Any) -> Deployment:
    """An empty deployment on its own new database, with the same plugins (not migrated: the
    restore brings the schema)."""
    plugins = [p.name for p in source.plugins if p.name != "suyuan_core"]
    url = os.environ.get(ENV_URL)
    if not url:
        return make_deployment(plugins=plugins, upgrade=False)
    # PostgreSQL: a new database; the dump recreates the source's schema inside it
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    target_url = make_url(source.config.database_url).set(database=name)
    cfg = tmp_path / f"{name}.toml"
    cfg.write_text(dump_toml({"deployment": {"name": "restored", "database":
                                             target_url.render_as_string(hide_password=False)},
                              "plugins": {"enabled": plugins}}), encoding="utf-8")
    return Deployment.from_file(cfg)


def test_backup_restores_into_a_fresh_deployment(make_deployment: Any, tmp_path: Path) -> None:
    source = make_deployment(plugins=["self_governance", "smart"])
    _populate(source)
    before = table_counts(source)
    assert before["users"] >= 1 and before["audit_log"] >= 1 and before["case_events"] >= 10
    assert any(name.startswith(("sg_", "smart_")) or "smart" in name for name in before)
    path = tmp_path / "suyuan.backup"
    r = run_cli(source, "backup", str(path))
    assert r.exit_code == 0, r.output
    target = _fresh_target(make_deployment, tmp_path, source)
    try:
        r = run_cli(target, "restore", str(path), "--yes")
        assert r.exit_code == 0, r.output
        assert table_counts(target) == before
        for args in (("integrity",), ("metrics", "verify", "--quiet"), ("db", "status")):
            r = run_cli(target, *args)
            assert r.exit_code == 0, (args, r.output)
        assert target.accounts.login("clerk", "pw-pw-pw-pw-1", ip="127.0.0.1")
    finally:
        target.close()


def test_restore_refuses_a_file_that_is_not_a_backup(deployment: Any, tmp_path: Path) -> None:
    bad = tmp_path / "not.backup"
    bad.write_bytes(b"hello")
    before = table_counts(deployment)
    r = run_cli(deployment, "restore", str(bad), "--yes")
    assert r.exit_code == 1 and "not a" in r.stderr and "Traceback" not in r.output
    assert table_counts(deployment) == before


def test_personal_data_export_needs_a_reason_and_is_audited(deployment: Any,
                                                            tmp_path: Path) -> None:
    Factories(deployment).case(parties=[{"name": "张三", "phone": "13812341234"}])
    out = tmp_path / "cases.jsonl"
    r = run_cli(deployment, "cases", "export", str(out), "--personal-data")
    assert r.exit_code == 1 and "reason" in r.stderr and not out.exists()
    r = run_cli(deployment, "cases", "export", str(out), "--personal-data", "--reason",
                "移交法院司法确认")
    assert r.exit_code == 0, r.output
    entries = deployment.audit.search(action="cases.export.personal_data")
    assert len(entries) == 1
    assert entries[0].reason == "移交法院司法确认" and entries[0].detail["cases"] == 1
    assert entries[0].ip == "local"
