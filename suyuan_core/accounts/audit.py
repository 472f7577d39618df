"""The audit log: append-only (a database trigger refuses UPDATE and DELETE), written in the same
transaction as the change it records, and for every read of a sensitive record (PIPL Art 54)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import select
from sqlalchemy.orm import Session

from suyuan_core import times
from suyuan_core.storage import tables

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment


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

    def write(self, session: Session | None, *, actor: str, action: str, record: str | None = None,
              reason: str | None = None, ip: str | None = None,
              detail: dict[str, Any] | None = None) -> None:
        """Append one entry; with ``session``, inside that transaction (it commits or rolls back
        with the change it records)."""
        row = {"at": times.to_db(times.now()), "actor": actor, "action": action,
               "record": record, "reason": reason, "ip": ip, "detail": detail or {}}
        with self.d.transaction(session) as s:
            s.execute(tables.audit_log.insert(), row)

    def search(self, *, actor: str | None = None, since: dt.datetime | None = None,
               record: str | None = None, action: str | None = None, before_id: int | None = None,
               limit: int = 100) -> list[AuditEntry]:
        """Newest first. ``actor`` matches ``user:<name>`` or the bare user name; ``record`` a
        record (``case:12``) or a prefix ending in ``:`` (``case:``); ``action`` a prefix."""
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
        with self.d.reading() as s:
            rows = s.execute(query).all()
        return [AuditEntry(id=r.id, at=times.from_db(r.at),  # type: ignore[arg-type]
                           actor=r.actor, action=r.action, record=r.record, reason=r.reason,
                           ip=r.ip, detail=r.detail or {}) for r in rows]
