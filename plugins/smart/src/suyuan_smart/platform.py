"""Replies back to the hotline platform (DOMAIN-RULES §3: the 12345 loop is two-way): the reply
(答复), the completion (办结) and the callback result of every order that came from the platform
go back to it — pushed as signed HTTP (the same HMAC scheme as the intake webhook:
``X-Suyuan-Timestamp`` and ``X-Suyuan-Signature: sha256=…`` over ``timestamp.body``, plus an
``Idempotency-Key``), and written to a JSON Lines file export for platforms that take files.

Each message is queued once, in the transaction of the event it reports (its key is the case and
the event's number), so pushing and exporting again never duplicates: a message already sent is
not sent again, and an export lists each message once (``--all`` to list everything again).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Case, CaseEvent, Deployment, ValidationError
from suyuan_core.times import from_db, iso, now, to_db
from suyuan_smart.common import settings
from suyuan_smart.intake import sign
from suyuan_smart.models import platform_messages as pm
from suyuan_smart.notices import HISTORY

KINDS = ("reply", "completion", "callback")
PLATFORM_SOURCES = ("hotline_12345",)


def _message(case: Case, event: CaseEvent) -> tuple[str, dict[str, Any]] | None:
    data = dict(event.data or {})
    if event.kind == "smart.reply":
        return "reply", {"text": data.get("text", ""), "unit": data.get("unit"),
                         "resolved": bool(data.get("resolved", True))}
    if event.kind == "close":
        return "completion", {"outcome": case.outcome, "status": case.status.value}
    if event.kind == "callback":
        return "callback", {"reached": bool(data.get("reached")),
                            "satisfaction": data.get("satisfaction"),
                            "resolved": data.get("resolved"), "reason": event.reason}
    return None


def queue(d: Deployment, case: Case, event: CaseEvent, s: Session) -> int | None:
    """From ``suyuan_case_after_transition``: queue what the platform must hear of this event.
    History being recorded (an import of closed orders, the demo's January to May) is not news
    the platform must hear again: like the notices, an event older than
    :data:`~suyuan_smart.notices.HISTORY` queues nothing."""
    if case.source not in PLATFORM_SOURCES or not case.source_ref:
        return None
    if event.occurred_at < now() - HISTORY:
        return None
    found = _message(case, event)
    if found is None:
        return None
    kind, body = found
    key = f"{case.id}:{event.seq}"
    if s.execute(sa.select(pm.c.id).where(pm.c.key == key)).first() is not None:
        return None
    payload = {"order_no": case.source_ref, "kind": kind, "case_id": case.id,
               "occurred_at": iso(event.occurred_at), "idempotency_key": key, **body}
    return int(s.execute(pm.insert().returning(pm.c.id).values(
        key=key, case_id=case.id, kind=kind, payload=payload, status="pending", attempts=0,
        created_at=to_db(now()), next_try_at=to_db(now()))).scalar_one())


def push(d: Deployment, at: dt.datetime | None = None, *, limit: int = 200) -> dict[str, int]:
    """Send what is due (the ``smart.platform_push`` job). A 2xx answer marks it sent; anything
    else is kept, with the error, and retried ``platform_retries`` times."""
    s_ = settings(d)
    at = at or now()
    done = {"sent": 0, "failed": 0, "gave_up": 0}
    if not s_.platform_push_url:
        return done
    if not s_.platform_push_secret:
        raise ValidationError("set plugins.smart.platform_push_secret to sign the pushes",
                              field="plugins.smart.platform_push_secret", rule="required")
    with d.reading() as s:
        due = s.execute(sa.select(pm.c.id, pm.c.payload, pm.c.attempts, pm.c.status, pm.c.key)
                        .where(pm.c.status.in_(("pending", "failed")),
                               pm.c.next_try_at <= to_db(at)).order_by(pm.c.id)
                        .limit(limit)).all()
    with httpx.Client(timeout=s_.platform_timeout_seconds) as client:
        for row in due:
            with d.transaction() as s:  # claim it: one sender per message across workers
                won = s.execute(sa.update(pm).where(pm.c.id == row.id,
                                                    pm.c.status == row.status,
                                                    pm.c.attempts == row.attempts)
                                .values(status="sending", attempts=row.attempts + 1))
            if won.rowcount != 1:  # type: ignore[attr-defined]
                continue
            body = json.dumps(row.payload, ensure_ascii=False, sort_keys=True).encode()
            stamp = str(int(time.time()))
            error = None
            try:
                r = client.post(s_.platform_push_url, content=body, headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "X-Suyuan-Timestamp": stamp,
                    "X-Suyuan-Signature": sign(s_.platform_push_secret, body, stamp),
                    "Idempotency-Key": row.key})
                if not 200 <= r.status_code < 300:
                    error = f"HTTP {r.status_code}: {r.text[:300]}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
            attempts = row.attempts + 1
            if error is None:
                values: dict[str, Any] = {"status": "sent", "sent_at": to_db(now()),
                                          "last_error": None}
                done["sent"] += 1
            elif attempts <= s_.platform_retries:
                values = {"status": "failed", "last_error": error, "next_try_at": to_db(
                    at + dt.timedelta(minutes=5 * attempts))}
                done["failed"] += 1
            else:
                values = {"status": "gave_up", "last_error": error}
                done["gave_up"] += 1
            with d.transaction() as s:
                s.execute(sa.update(pm).where(pm.c.id == row.id).values(**values))
    return done


def export(d: Deployment, path: Path, *, everything: bool = False) -> int:
    """Append the messages not exported yet (all with ``everything``) to ``path`` as JSON
    Lines; returns how many. Running it again writes nothing new."""
    with d.transaction() as s:
        query = sa.select(pm.c.id, pm.c.payload).order_by(pm.c.id)
        if not everything:
            query = query.where(pm.c.exported_at.is_(None))
        rows = s.execute(query).all()
        if not rows:
            return 0
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a" if not everything else "w", encoding="utf-8") as fh:
            for _, payload in rows:
                fh.write(json.dumps(payload, ensure_ascii=False, sort_keys=True) + "\n")
        s.execute(sa.update(pm).where(pm.c.id.in_([r.id for r in rows]))
                  .values(exported_at=to_db(now())))
    return len(rows)


def messages(d: Deployment, case_id: int | None = None) -> list[dict[str, Any]]:
    query = sa.select(pm).order_by(pm.c.id)
    if case_id is not None:
        query = query.where(pm.c.case_id == case_id)
    with d.reading() as s:
        out = []
        for r in s.execute(query):
            row = dict(r._mapping)
            for k in ("created_at", "sent_at", "exported_at", "next_try_at"):
                row[k] = iso(from_db(row[k])) if row[k] else None
            out.append(row)
    return out
