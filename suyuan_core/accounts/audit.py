"""The audit log: append-only (a database trigger refuses UPDATE and DELETE), written in the same
transaction as the change it records, and for every read of a sensitive record (PIPL Art 54).

Reads are many and change nothing, so they are not committed one by one: :meth:`AuditLog.read`
queues the entry (stamped with the time of the read) and a background thread appends the queue in
one transaction every ``[audit] read_flush_ms`` or as soon as ``read_batch`` entries wait, and at
shutdown (:meth:`Deployment.close`, the app's shutdown, interpreter exit). The trade-off, stated in
docs/config.md: a crash of the process (SIGKILL, power loss) loses at most the reads of the last
flush interval; a clean stop loses none. Every append — one change's entry or a batch of reads —
goes through :meth:`AuditLog.append`, the one place the hash chain is extended.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import select
from sqlalchemy.orm import Session

from suyuan_core import bounds, integrity, times
from suyuan_core.storage import tables

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment


#: the address recorded for what is done outside an HTTP request (the CLI, the scheduler).
LOCAL = "local"
log = logging.getLogger("suyuan.audit")


@attrs.frozen
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    action: str
    record: str | None
    reason: str | None
    ip: str | None
    detail: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        out["at"] = times.iso(self.at)
        return out


class AuditLog:
    """The append-only audit log (``deployment.audit``). A plugin's route writes through
    :func:`suyuan_core.http.audit` / :func:`~suyuan_core.http.audited` (which add the caller's
    address); non-GET plugin routes are audited automatically otherwise."""

    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        settings = deployment.config.core.audit
        self.flush_seconds = settings.read_flush_ms / 1000
        self.batch = settings.read_batch
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._flushing = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        _open_logs.add(self)

    @staticmethod
    def _row(actor: str, action: str, record: str | None, reason: str | None, ip: str | None,
             detail: dict[str, Any] | None) -> dict[str, Any]:
        if ip is None:
            from suyuan_core.web.addresses import CURRENT

            ip = CURRENT.get() or LOCAL
        return {"at": times.to_db(times.now()), "actor": actor, "action": action,
                "record": record, "reason": reason, "ip": ip, "detail": detail or {}}

    def write(self, session: Session | None, *, actor: str, action: str, record: str | None = None,
              reason: str | None = None, ip: str | None = None,
              detail: dict[str, Any] | None = None) -> None:
        """Append one entry; with ``session``, inside that transaction (it commits or rolls back
        with the change it records)."""
        self.append(session, [self._row(actor, action, record, reason, ip, detail)])

    def append(self, session: Session | None, rows: Sequence[dict[str, Any]]) -> None:
        """Chain ``rows`` (in order) onto the log's last entry and insert them: the only writer of
        ``audit_log``, so the chain is extended in one place."""
        if not rows:
            return
        with self.d.transaction(session) as s:
            conn = s.connection()
            integrity.lock_audit_chain(conn)
            previous = integrity.last_audit_digest(conn)
            chained = []
            for row in rows:
                previous = integrity.audit_digest(previous, row)
                chained.append({**row, "digest": previous})
            s.execute(tables.audit_log.insert(), chained)

    def read(self, *, actor: str, action: str, record: str | None = None,
             ip: str | None = None, detail: dict[str, Any] | None = None) -> None:
        """Queue the entry for a read (``case.read``): appended by the background flush within
        ``[audit] read_flush_ms``, not committed per read. Changes and unmasking use
        :meth:`write`, in their own transaction."""
        row = self._row(actor, action, record, None, ip, detail)
        with self._lock:
            closed = self._closed
            if not closed:
                self._pending.append(row)
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="suyuan-audit-flush",
                                                    daemon=True)
                    self._thread.start()
                if len(self._pending) >= self.batch:
                    self._wake.notify()
                if len(self._pending) < 4 * self.batch:
                    return
        if closed:  # a straggler after close: written through
            self.append(None, [row])
        else:  # the flusher is far behind (the database slow or away): the reader waits for
            self.flush()  # the queue rather than it growing without bound

    def flush(self) -> int:
        """Append every queued read entry now, in one transaction; returns how many. On failure
        the entries stay queued (and the error is raised)."""
        with self._flushing:
            with self._lock:
                rows, self._pending = self._pending, []
            if not rows:
                return 0
            try:
                self.append(None, rows)
            except BaseException:
                with self._lock:
                    self._pending[:0] = rows
                raise
            return len(rows)

    @property
    def pending(self) -> int:
        """How many read entries wait for the next flush."""
        with self._lock:
            return len(self._pending)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._closed and len(self._pending) < self.batch:
                    self._wake.wait(self.flush_seconds)
                if self._closed:
                    return
            try:
                self.flush()
            except Exception:  # the database is away: keep the entries, try again next round
                log.exception("audit: %d read entries not yet written; retrying", self.pending)
                with self._lock:
                    self._wake.wait(self.flush_seconds)

    def close(self) -> None:
        """Stop the flusher and write what is queued (the deployment's close calls this)."""
        with self._lock:
            self._closed = True
            self._wake.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join()
        self.flush()
        _open_logs.discard(self)

    def search(self, *, actor: str | None = None, since: dt.datetime | None = None,
               record: str | None = None, action: str | None = None, before_id: int | None = None,
               limit: int = 100) -> list[AuditEntry]:
        """Newest first. ``actor`` matches ``user:<name>`` or the bare user name; ``record`` a
        record (``case:12``) or a prefix ending in ``:`` (``case:``); ``action`` a prefix."""
        bounds.check_time(since, "since")
        a = tables.audit_log.c
        query = select(tables.audit_log).order_by(a.id.desc()).limit(max(1, min(limit, 1000)))
        if actor:
            query = query.where(a.actor.in_([actor, f"user:{actor}"]))
        if since is not None:
            query = query.where(a.at >= times.to_db(since))
        if record:
            query = query.where(a.record.startswith(record) if record.endswith(":")
                                else a.record == record)
        if action:
            query = query.where(a.action.startswith(action))
        if before_id is not None:
            query = query.where(a.id < before_id)
        self.flush()  # the reads queued in this process are part of the answer
        with self.d.primary() as s:
            rows = s.execute(query).all()
        return [AuditEntry(id=r.id, at=times.from_db(r.at),  # type: ignore[arg-type]
                           actor=r.actor, action=r.action, record=r.record, reason=r.reason,
                           ip=r.ip, detail=r.detail or {}) for r in rows]


#: every AuditLog not yet closed, so interpreter exit writes their queued reads.
_open_logs: weakref.WeakSet[AuditLog] = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    for audit in list(_open_logs):
        try:
            audit.close()
        except Exception:
            log.exception("audit: queued read entries could not be written at exit")
