"""The outbox. ``notify`` writes one row per recipient and channel inside the caller's
transaction (so a notification exists exactly when the change it reports does); inbox rows are
delivered on commit, outside channels by the ``core.notifications.deliver`` job, which claims each
row with a compare-and-set (one sender per row across workers), sends through apprise, and keeps
failures for a retry — sent, failed and retried are all visible on the case."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from suyuan_core.config import ChannelSection
from suyuan_core.errors import ConfigError, NotFound, ValidationError
from suyuan_core.notifications.spec import CORE_KINDS, NotificationKind
from suyuan_core.registry import Registry
from suyuan_core.storage import tables as t

if TYPE_CHECKING:  # pragma: no cover
    from suyuan_core.deployment import Deployment

INBOX = "inbox"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _count(result: Any) -> int:
    """Rows an UPDATE/DELETE changed (the compare-and-set's answer)."""
    return int(result.rowcount)


def _utc(at: dt.datetime | None) -> dt.datetime:
    return _now() if at is None else at.astimezone(dt.UTC).replace(tzinfo=None)


def check_url(name: str, url: str) -> None:
    """A channel URL apprise cannot parse is a configuration error (at start-up, not at 3 a.m.)."""
    import apprise

    probe = apprise.Apprise()
    with apprise.LogCapture(  # type: ignore[no-untyped-call]
            level=logging.WARNING) as captured:
        ok = probe.add(url)
    if not ok:
        why = " ".join(str(captured.getvalue()).split())[:200] if hasattr(
            captured, "getvalue") else ""
        raise ConfigError(f"notifications.channels.{name}.url: {url.split('://')[0]}://… "
                          f"does not parse as a notification URL{': ' + why if why else ''}",
                          hint="use an apprise URL such as wecom://KEY, dingtalk://TOKEN, "
                               "mailto://user:pass@host or json://host:port/path")


@attrs.frozen
class Notification:
    id: int
    kind: str
    case_id: int | None
    area_code: str | None
    channel: str
    recipient: str
    subject: str
    body: str
    status: str
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    next_try_at: dt.datetime | None
    read_at: dt.datetime | None
    dedup: str | None
    data: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        for key in ("created_at", "sent_at", "next_try_at", "read_at"):
            out[key] = out[key].replace(tzinfo=dt.UTC).isoformat() if out[key] else None
        return out


class NotificationService:
    """``deployment.notifications``."""

    def __init__(self, d: Deployment) -> None:
        self.d = d
        self.kinds: Registry[NotificationKind] = Registry("notification kind")
        self.section = d.config.core.notifications
        self.channels: dict[str, ChannelSection] = dict(self.section.channels)

    def register(self) -> None:
        self.kinds.extend(CORE_KINDS, "suyuan_core")
        for name, kinds in self.d.call_each("suyuan_register_notification_kinds"):
            self.kinds.extend(kinds, name)
        for name, channel in self.channels.items():
            if name == INBOX:
                raise ConfigError("notifications.channels.inbox: 'inbox' is the built-in channel",
                                  hint="give the channel another name")
            check_url(name, channel.url)
            unknown = sorted(set(channel.kinds) - set(self.kinds.codes()))
            if unknown:
                raise ConfigError(f"notifications.channels.{name}.kinds: unknown kind(s) "
                                  f"{', '.join(unknown)}",
                                  hint="known: " + ", ".join(self.kinds.codes()))

    # -- emitting --------------------------------------------------------------------------
    def notify(self, kind: str, *, to: Iterable[str], subject: str, body: str = "",
               case_id: int | None = None, area_code: str | None = None,
               dedup: str | None = None, data: dict[str, Any] | None = None,
               at: dt.datetime | None = None, session: Session | None = None) -> list[int]:
        """Tell ``to`` about something. Recipients: user names (``user:NAME`` or ``NAME``),
        ``person:EXTERNAL_ID`` (the accounts of a roster member, so a case's ``person:…``
        assignees can be told as they are), ``role:ROLE`` (active users holding it over
        ``area_code``), ``permission:CODE`` (users whose roles grant it there) or
        ``acts_for:WHAT`` (accounts acting for a unit, e.g.
        ``acts_for:organisation:city_water``). Each lands in the users' inbox; each outside
        channel routing ``kind`` (and covering the area) gets one message too. With ``dedup``,
        a second call with the same key adds nothing (e.g. one reminder per deadline)."""
        if kind not in self.kinds:
            raise ValidationError(f"unknown notification kind {kind!r}", field="kind",
                                  rule="exists", hint="known: " + ", ".join(self.kinds.codes()))
        if not subject.strip():
            raise ValidationError("a notification needs a subject", field="subject",
                                  rule="required")
        created = _utc(at)
        base = {"kind": kind, "case_id": case_id, "area_code": area_code,
                "subject": subject.strip()[:300], "body": body, "created_at": created,
                "data": dict(data or {}), "last_error": None}
        with self.d.transaction(session) as s:
            users = self.resolve(to, area_code, s)
            rows = [{**base, "channel": INBOX, "recipient": u, "status": "sent", "attempts": 1,
                     "sent_at": created, "next_try_at": None,
                     "dedup": f"{dedup}|inbox|{u}"[:300] if dedup else None} for u in users]
            for name in self.routes(kind, area_code):
                rows.append({**base, "channel": name, "recipient": name, "status": "pending",
                             "attempts": 0, "sent_at": None, "next_try_at": created,
                             "dedup": f"{dedup}|{name}"[:300] if dedup else None})
            rows = self._unqueued(rows, s)
            if not rows:
                return []
            returning = insert(t.notifications).returning(t.notifications.c.id)
            try:  # all rows in one statement, in the caller's transaction
                with s.begin_nested():
                    return sorted(int(i) for i in s.scalars(returning, rows))
            except IntegrityError:  # another worker queued one of them meanwhile: row by row
                ids = []
                for row in rows:
                    try:
                        with s.begin_nested():
                            ids.append(int(s.execute(returning, [row]).scalar_one()))
                    except IntegrityError:
                        continue
                return ids

    def _unqueued(self, rows: list[dict[str, Any]], s: Session) -> list[dict[str, Any]]:
        """The rows whose dedup key is not queued yet (one query for every key)."""
        keys = [r["dedup"] for r in rows if r["dedup"]]
        if not keys:
            return rows
        seen = set(s.scalars(select(t.notifications.c.dedup)
                             .where(t.notifications.c.dedup.in_(keys))))
        return [r for r in rows if not r["dedup"] or r["dedup"] not in seen]

    def routes(self, kind: str, area_code: str | None) -> list[str]:
        """The outside channels a ``kind`` notification about ``area_code`` goes to."""
        out = []
        tree = self.d.areas.tree
        for name, ch in self.channels.items():
            if ch.kinds and kind not in ch.kinds:
                continue
            if ch.areas:
                if area_code is None or area_code not in tree:
                    continue
                path = tree.path(area_code)
                if not any(a in tree and path.startswith(tree.path(a)) for a in ch.areas):
                    continue
            out.append(name)
        return out

    def resolve(self, to: Iterable[str], area_code: str | None, s: Session) -> list[str]:
        """Recipient selectors → active user names (sorted, each once)."""
        tree = self.d.areas.tree
        covering = (set(tree.ancestors(area_code)) | {area_code}
                    if area_code and area_code in tree else None)
        u, g = t.users.c, t.user_grants.c
        wanted: dict[str, set[str]] = {"user": set(), "person": set(), "acts_for": set(),
                                       "role": set()}
        for item in to:
            what, _, rest = item.partition(":")
            if not rest:
                what, rest = "user", item
            if what in ("user", "person", "acts_for", "role"):
                wanted[what].add(rest)
            elif what == "permission":
                wanted["role"].update(r.code for r in self.d.roles if rest in r.permissions)
            else:
                raise ValidationError(f"recipient {item!r}: use a user name, person:, role:, "
                                      "permission: or acts_for:", field="to", rule="recipient")
        # one query per kind of selector, whatever the number of selectors
        queries = []
        if wanted["user"]:
            queries.append(select(u.username).where(u.username.in_(sorted(wanted["user"])),
                                                    u.active.is_(True)))
        if wanted["person"]:
            queries.append(select(u.username).where(
                u.person_external_id.in_(sorted(wanted["person"])), u.active.is_(True)))
        if wanted["acts_for"]:
            queries.append(select(u.username).where(u.acts_for.in_(sorted(wanted["acts_for"])),
                                                    u.active.is_(True)))
        if wanted["role"]:
            query = (select(u.username).join(t.user_grants, g.user_id == u.id)
                     .where(g.role.in_(sorted(wanted["role"])), u.active.is_(True)))
            if covering is not None:
                query = query.where(g.area_code.in_(sorted(covering)))
            queries.append(query)
        names: set[str] = set()
        for query in queries:
            names.update(s.scalars(query))
        return sorted(names)

    # -- delivering ------------------------------------------------------------------------
    def deliver(self, at: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
        """Send what is due to the outside channels; the ``core.notifications.deliver`` job."""
        import apprise

        now = _utc(at)
        n = t.notifications.c
        with self.d.reading() as s:
            due = s.execute(select(n.id, n.channel, n.subject, n.body, n.attempts, n.status)
                            .where(n.channel != INBOX, n.status.in_(("pending", "failed")),
                                   n.next_try_at <= now)
                            .order_by(n.id).limit(limit)).all()
        done = {"sent": 0, "failed": 0, "gave_up": 0}
        for row in due:
            with self.d.transaction() as s:
                won = _count(s.execute(update(t.notifications).where(
                    n.id == row.id, n.status == row.status, n.attempts == row.attempts).values(
                    status="sending", attempts=row.attempts + 1)))
            if won != 1:
                continue
            channel = self.channels.get(row.channel)
            error = None
            if channel is None:
                error = f"channel {row.channel!r} is no longer configured"
            else:
                sender = apprise.Apprise()
                sender.add(channel.url)
                with apprise.LogCapture(  # type: ignore[no-untyped-call]
            level=logging.WARNING) as captured:
                    ok = sender.notify(title=row.subject, body=row.body or row.subject)
                if not ok:
                    text = captured.getvalue() if hasattr(captured, "getvalue") else ""
                    error = " ".join(str(text).split())[:2000] or "the channel refused"
            attempts = row.attempts + 1
            if error is None:
                values: dict[str, Any] = {"status": "sent", "sent_at": _utc(None),
                                          "last_error": None, "next_try_at": None}
                done["sent"] += 1
            elif attempts <= self.section.retries:
                values = {"status": "failed", "last_error": error, "next_try_at":
                          now + dt.timedelta(minutes=self.section.retry_minutes * attempts)}
                done["failed"] += 1
            else:
                values = {"status": "gave_up", "last_error": error, "next_try_at": None}
                done["gave_up"] += 1
            with self.d.transaction() as s:
                s.execute(update(t.notifications).where(n.id == row.id).values(**values))
        return done

    # -- reading ---------------------------------------------------------------------------
    def _list(self, *where: Any, limit: int = 200) -> list[Notification]:
        n = t.notifications.c
        with self.d.reading() as s:
            rows = s.execute(select(t.notifications).where(*where)
                             .order_by(n.created_at.desc(), n.id.desc()).limit(limit)).all()
        return [Notification(**r._asdict()) for r in rows]

    def inbox(self, username: str, *, unread: bool = False, limit: int = 100) -> list[Notification]:
        n = t.notifications.c
        where = [n.channel == INBOX, n.recipient == username]
        if unread:
            where.append(n.read_at.is_(None))
        return self._list(*where, limit=limit)

    def unread_count(self, username: str) -> int:
        n = t.notifications.c
        with self.d.reading() as s:
            return int(s.scalar(select(func.count()).where(
                n.channel == INBOX, n.recipient == username, n.read_at.is_(None))) or 0)

    def mark_read(self, username: str, ids: Sequence[int] | None = None) -> int:
        """Mark the user's own inbox notifications read (all when ``ids`` is None)."""
        n = t.notifications.c
        where = [n.channel == INBOX, n.recipient == username, n.read_at.is_(None)]
        if ids is not None:
            where.append(n.id.in_(list(ids)))
        with self.d.transaction() as s:
            return int(_count(s.execute(update(t.notifications).where(*where)
                                 .values(read_at=_now()))))  # type: ignore[attr-defined]

    def for_case(self, case_id: int) -> list[Notification]:
        return self._list(t.notifications.c.case_id == case_id, limit=500)

    def recent(self, *, status: str | None = None, kind: str | None = None,
               limit: int = 100) -> list[Notification]:
        n = t.notifications.c
        where = []
        if status:
            where.append(n.status == status)
        if kind:
            where.append(n.kind == kind)
        return self._list(*where, limit=limit)

    def get(self, notification_id: int) -> Notification:
        found = self._list(t.notifications.c.id == notification_id, limit=1)
        if not found:
            raise NotFound(f"no notification {notification_id}", field="id", rule="exists")
        return found[0]

    def retry(self, notification_id: int) -> None:
        """Queue a failed or given-up message again now."""
        n = t.notifications.c
        with self.d.transaction() as s:
            changed = _count(s.execute(update(t.notifications).where(
                n.id == notification_id, or_(n.status == "failed", n.status == "gave_up"))
                .values(status="failed", next_try_at=_now(), attempts=0)))
        if not changed:
            raise ValidationError(f"notification {notification_id} is not failed",
                                  field="id", rule="failed")
