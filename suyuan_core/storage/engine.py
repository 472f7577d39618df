"""Engines: SQLite (WAL, foreign keys, immediate write transactions) or PostgreSQL by URL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from suyuan_core.errors import ConfigError


def _sqlite_pragmas(engine: Engine, immediate: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN IMMEDIATE below is honoured.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        # A write transaction takes the write lock up front: two writers queue on busy_timeout
        # instead of failing half-way with "database is locked" when a reader upgrades.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, immediate: bool = True, **kwargs: Any) -> Engine:
    """An engine for ``url``. On SQLite, ``immediate`` makes every transaction a write transaction
    (the writer engine); the Deployment keeps a second, deferred engine for reads."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"deployment.database: {url!r} is not a database URL",
                          hint="use sqlite:///path/to/suyuan.db or postgresql+psycopg://…") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"deployment.database: {parsed.get_backend_name()!r} is not supported",
                          hint="use SQLite or PostgreSQL")
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise ConfigError(f"deployment.database: driver missing ({exc})",
                          hint="pip install 'suyuan[postgres]' for PostgreSQL") from None
    if engine.dialect.name == "sqlite":
        _sqlite_pragmas(engine, immediate)
    return engine
