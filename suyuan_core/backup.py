"""``suyuan backup`` and ``suyuan restore``: the whole database — every table of the core and of
every plugin, users, sessions and the audit log included — in one file.

SQLite: the online backup API (a consistent copy while the deployment keeps serving). PostgreSQL:
``pg_dump --format=custom`` of the deployment's schema, restored with ``pg_restore``. A restored
deployment passes ``suyuan integrity`` and ``suyuan metrics verify`` (a test checks it).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from suyuan_core.errors import ConfigError, ValidationError

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


def _schema_of(url: URL) -> str | None:
    """The schema a PostgreSQL URL's ``options=-csearch_path=…`` selects, if any."""
    options = url.query.get("options")
    text = options if isinstance(options, str) else " ".join(options or ())
    for part in text.split():
        if part.startswith("-csearch_path="):
            return part.split("=", 1)[1].split(",")[0].strip('"')
    return None


def _libpq(url: URL) -> str:
    """The URL as pg_dump/pg_restore take it (no SQLAlchemy driver, no options)."""
    plain = url.set(drivername="postgresql").difference_update_query(["options"])
    return plain.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ConfigError(f"{name} is not installed", hint="install the PostgreSQL client tools "
                          "(apt install postgresql-client) of the server's version")
    return found


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        first = (done.stderr or done.stdout).strip().splitlines()
        raise ConfigError(f"{Path(args[0]).name} failed: {first[0] if first else done.returncode}",
                          hint="check the database URL and that the server is reachable")


def backup(d: Deployment, target: Path) -> dict[str, int]:
    """Write the deployment's database to ``target``; returns rows per table (what was saved)."""
    if target.exists() and target.is_dir():
        raise ValidationError(f"{target} is a directory", field="file", rule="file",
                              hint="name the backup file, e.g. suyuan-2026-06-01.backup")
    url = make_url(d.config.database_url)
    counts = table_counts(d)
    tmp = target.with_name(target.name + ".partial")
    if url.get_backend_name() == "sqlite":
        raw = d.engine.raw_connection()
        try:
            dest = sqlite3.connect(tmp)
            try:
                raw.driver_connection.backup(dest)  # type: ignore[union-attr]
            finally:
                dest.close()
        finally:
            raw.close()
    else:
        args = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                f"--file={tmp}"]
        schema = _schema_of(url)
        if schema:
            args.append(f"--schema={schema}")
        _run([*args, _libpq(url)])
    tmp.replace(target)  # a half-written backup never carries the final name
    return counts


def restore(d: Deployment, source: Path) -> dict[str, int]:
    """Replace the deployment's database with the backup ``source``; returns rows per table."""
    if not source.is_file():
        raise ValidationError(f"{source} is not a file", field="file", rule="exists")
    head = source.read_bytes()[:16]
    url = make_url(d.config.database_url)
    if url.get_backend_name() == "sqlite":
        if head != SQLITE_MAGIC:
            raise ValidationError(f"{source} is not a SQLite backup", field="file",
                                  rule="format", hint="restore the file `suyuan backup` wrote")
        d.close()
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            assert url.database
            dest = sqlite3.connect(url.database)
            try:
                src.backup(dest)
            finally:
                dest.close()
        finally:
            src.close()
    else:
        if not head.startswith(PGDUMP_MAGIC):
            raise ValidationError(f"{source} is not a pg_dump backup", field="file",
                                  rule="format", hint="restore the file `suyuan backup` wrote")
        d.close()
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", f"--dbname={_libpq(url)}", str(source)])
    d.areas.refresh()
    return table_counts(d)


def table_counts(d: Deployment) -> dict[str, int]:
    from sqlalchemy import func, select, table

    with d.engine.connect() as conn:
        names = sorted(inspect(conn).get_table_names())
        return {n: int(conn.execute(select(func.count()).select_from(table(n))).scalar_one())
                for n in names}
