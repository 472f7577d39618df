"""A real PostgreSQL streaming replica on the loopback, for tests of ``[database] replica_url``.

:func:`streaming_replica` makes a second cluster of the primary's PostgreSQL version with the
Debian tools (``pg_createcluster``, then ``pg_basebackup -R`` from the primary into its data
directory), starts it as a hot standby streaming from the primary, and drops it afterwards. The
primary must accept replication connections from 127.0.0.1: when its ``pg_hba.conf`` has no such
line, one (``trust``, the loopback only) is added for the duration and removed after. It needs
root (or the ``postgres`` user) on the database's own machine; :func:`unavailable` says why not
when it cannot run, so a test skips with that reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from suyuan_core.testing.servers import free_port

TOOLS = ("pg_createcluster", "pg_dropcluster", "pg_ctlcluster", "pg_basebackup")
HBA_LINE = "host replication all 127.0.0.1/32 trust  # suyuan test replica"


@attrs.frozen
class Replica:
    """The standby: ``url`` is the primary's URL with the replica's port (same database)."""

    primary_url: str
    url: str
    cluster: str
    version: str

    def of(self, url: str) -> str:
        """``url`` (a database on the primary, with its options) pointed at the replica."""
        port = make_url(self.url).port
        return make_url(url).set(port=port).render_as_string(hide_password=False)

    def wait(self, timeout: float = 60) -> str:
        """Block until the replica has replayed everything the primary has written so far (its
        current WAL position, polled); returns that position."""
        primary = create_engine(self.primary_url)
        standby = create_engine(self.url)
        try:
            with primary.connect() as conn:
                target = conn.execute(text("SELECT pg_current_wal_lsn()")).scalar_one()
            deadline = time.monotonic() + timeout
            with standby.connect() as conn:
                while True:
                    behind = conn.execute(
                        text("SELECT pg_wal_lsn_diff(CAST(:t AS pg_lsn), "
                             "pg_last_wal_replay_lsn())"), {"t": target}).scalar_one()
                    conn.rollback()
                    if behind is not None and behind <= 0:
                        return str(target)
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"the replica did not reach {target} in {timeout} s")
                    time.sleep(0.02)  # polling the replay position, not a fixed wait
        finally:
            primary.dispose()
            standby.dispose()


def unavailable(primary_url: str | None) -> str | None:
    """Why a replica cannot be made here, or None when it can."""
    if not primary_url or not primary_url.startswith("postgresql"):
        return "needs PostgreSQL: set SUYUAN_TEST_DATABASE_URL=postgresql+psycopg://…"
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        return f"needs the PostgreSQL cluster tools ({', '.join(missing)} not found; " \
               "apt-get install postgresql-common)"
    if make_url(primary_url).host not in ("127.0.0.1", "localhost"):
        return "the primary must run on this machine (127.0.0.1) to make a replica of it"
    if os.geteuid() != 0:
        return "making a cluster needs root (pg_createcluster, the primary's pg_hba.conf)"
    return None


def _run(*cmd: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): "
                           f"{(done.stderr or done.stdout).strip()[-800:]}")


def _allow_replication(primary: URL) -> Path | None:
    """Add the loopback replication line to the primary's pg_hba.conf if it has none; returns the
    file when it was changed (to undo)."""
    engine = create_engine(primary)
    try:
        with engine.connect() as conn:
            ok = conn.execute(text(
                "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) "
                "AND type = 'host' AND (address IS NULL OR address IN ('127.0.0.1', 'all'))"
            )).scalar_one()
            if ok:
                return None
            hba = Path(conn.execute(text("SHOW hba_file")).scalar_one())
            hba.write_text(hba.read_text(encoding="utf-8").rstrip("\n") + "\n" + HBA_LINE + "\n",
                           encoding="utf-8")
            conn.execute(text("SELECT pg_reload_conf()"))
            return hba
    finally:
        engine.dispose()


def _undo_replication(primary: URL, hba: Path) -> None:
    lines = [line for line in hba.read_text(encoding="utf-8").splitlines() if line != HBA_LINE]
    hba.write_text("\n".join(lines) + "\n", encoding="utf-8")
    engine = create_engine(primary)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_reload_conf()"))
    engine.dispose()


@contextmanager
def streaming_replica(primary_url: str) -> Iterator[Replica]:
    """A hot standby of the primary on a free loopback port, dropped on exit."""
    reason = unavailable(primary_url)
    if reason:
        raise RuntimeError(reason)
    primary = make_url(primary_url)
    engine = create_engine(primary)
    with engine.connect() as conn:
        version = str(conn.execute(text("SHOW server_version_num")).scalar_one())[:-4]
    engine.dispose()
    port = free_port()
    cluster = f"suyuan_replica_{port}"
    hba = _allow_replication(primary)
    created = False
    try:
        _run("pg_createcluster", version, cluster, "-p", str(port), "--", "--auth=trust")
        created = True
        data = Path(f"/var/lib/postgresql/{version}/{cluster}")
        shutil.rmtree(data)
        _run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port or 5432),
             "-U", primary.username or "postgres", "-D", str(data), "-X", "stream", "-R",
             "--checkpoint=fast")
        _run("chown", "-R", "postgres:postgres", str(data))
        os.chmod(data, 0o700)
        conf = Path(f"/etc/postgresql/{version}/{cluster}")
        (conf / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n",
                                          encoding="utf-8")
        _run("pg_ctlcluster", version, cluster, "start")
        url = primary.set(port=port).render_as_string(hide_password=False)
        yield Replica(primary_url, url, cluster, version)
    finally:
        if created:
            _run("pg_dropcluster", version, cluster, "--stop")
        if hba is not None:
            _undo_replication(primary, hba)
