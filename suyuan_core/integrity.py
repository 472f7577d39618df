"""Tamper evidence: a digest chain over each case's events and over the audit log.

``case_events`` and ``audit_log`` are append-only in the database (triggers refuse UPDATE and
DELETE, migrations c0003 and c0005). The chain is what catches someone who drops the trigger
first: each event's digest is ``sha256(previous digest + "\\n" + the event in canonical form)``,
the first event of a case chaining from ``""``; each audit entry chains from the entry before it
(in id order). A chain cut at its end is still a valid chain, so the database keeps each
chain's head (its last row's number and digest) in ``chain_heads`` by triggers of its own
(migration c0008). :func:`check` recomputes every chain, compares its end with its head, and
names the first event that was edited, removed (the last one too) or inserted — ``suyuan
integrity`` prints it, and ``metrics verify`` runs it too (a rebuild from edited events would
otherwise agree with itself).

The canonical form (version 1) is JSON with sorted keys of the columns below, date-times as
naive-UTC ISO text, as the database stores them. Changing it needs a migration that re-chains.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import msgspec
from sqlalchemy import BigInteger, Connection, column, func, select, table, text

#: the columns of a case event the digest covers (every column but the surrogate id).
EVENT_FIELDS = ("case_id", "seq", "kind", "actor", "occurred_at", "recorded_at", "data",
                "reason", "status_before", "status_after", "level_before", "level", "area_code",
                "area_path", "category", "source", "case_kind", "deadline")
#: the columns of an audit entry the digest covers.
AUDIT_FIELDS = ("at", "actor", "action", "record", "reason", "ip", "detail")
JSON_FIELDS = frozenset({"data", "detail"})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    return value


def _canonical_json(out: dict[str, Any]) -> str:
    """The canonical form's encoder (version 1), as it always was: the reference."""
    return json.dumps(out, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


_SCALARS = frozenset({str, int, bool, type(None)})


def _msgspec_safe(value: Any) -> bool:
    """Whether msgspec writes exactly :func:`_canonical_json`'s text for ``value``: plain
    JSON values only (exact types; string keys; floats finite and without an exponent, which
    msgspec writes ``1e16`` where Python writes ``1e+16``). Anything else — a date-time inside
    ``data``, a Decimal, an enum — takes the reference encoder."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not (type(item) in _SCALARS or _msgspec_safe(item)):
                return False
        return True
    if kind is list or kind is tuple:
        return all(type(item) in _SCALARS or _msgspec_safe(item) for item in value)
    if kind is float:
        return math.isfinite(value) and "e" not in repr(value)
    return False


def _canonical_bytes(row: Mapping[str, Any], fields: Iterable[str]) -> bytes:
    """:func:`canonical` as UTF-8 bytes; through msgspec (several times faster) when its bytes
    are the reference's (``tests/test_integrity_encoding.py`` holds the two to the same text)."""
    out: dict[str, Any] = {}
    safe = True
    get = row.get
    for name in fields:
        value: Any = get(name)
        if type(value) is dt.datetime and value.tzinfo is None:
            out[name] = value.isoformat(" ")
            continue
        if name in JSON_FIELDS:
            value = value or {}
        value = _plain(value)
        kind = type(value)
        if safe and kind not in _SCALARS:
            safe = _msgspec_safe(value)
        out[name] = value
    if safe:
        try:
            return _ENCODE(out)
        except (msgspec.EncodeError, UnicodeEncodeError):  # e.g. a lone surrogate:
            pass  # the reference raises its own error for it
    return _canonical_json(out).encode("utf-8")


_ENCODE = msgspec.json.Encoder(order="sorted").encode


def canonical(row: Mapping[str, Any], fields: Iterable[str]) -> str:
    """The row as the digest sees it (JSON, sorted keys, no spaces, UTF-8 text): the reference
    form; :func:`digest` hashes the same text, encoded faster."""
    out: dict[str, Any] = {}
    for name in fields:
        value = row.get(name)
        if name in JSON_FIELDS:
            value = value or {}
        out[name] = _plain(value)
    return _canonical_json(out)


def digest(previous: str | None, row: Mapping[str, Any], fields: Iterable[str]) -> str:
    body = (previous or "").encode("utf-8") + b"\n" + _canonical_bytes(row, fields)
    return hashlib.sha256(body).hexdigest()


def event_digest(previous: str | None, row: Mapping[str, Any]) -> str:
    return digest(previous, row, EVENT_FIELDS)


def audit_digest(previous: str | None, row: Mapping[str, Any]) -> str:
    return digest(previous, row, AUDIT_FIELDS)


def chain_events(rows: list[dict[str, Any]], previous: str | None = None) -> None:
    """Fill ``digest`` into event rows of one case, in seq order, starting from ``previous``."""
    for row in rows:
        previous = row["digest"] = event_digest(previous, row)


def last_event_digest(conn: Connection, case_id: int, seq: int) -> str | None:
    """The digest of event ``seq`` of a case (the one a new event ``seq + 1`` chains from)."""
    e = table("case_events", column("case_id"), column("seq"), column("digest"))
    return conn.execute(select(e.c.digest).where(e.c.case_id == case_id, e.c.seq == seq)
                        ).scalar()


def lock_audit_chain(conn: Connection) -> None:
    """Serialise appends to the audit chain. SQLite write transactions are already serial
    (BEGIN IMMEDIATE); on PostgreSQL a transaction-scoped advisory lock makes the read of the
    last digest and the insert one step, so two writers never chain from the same entry."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7140014)"))


def last_audit_digest(conn: Connection) -> str | None:
    a = table("audit_log", column("id"), column("digest"))
    return conn.execute(select(a.c.digest).order_by(a.c.id.desc()).limit(1)).scalar()


# -- checking ---------------------------------------------------------------------------------
#: each chain's head (its last row's number and digest), kept by the database's triggers.
HEADS = table("chain_heads", column("chain"), column("seq"), column("digest"))

@attrs.frozen
class Break:
    """Where a chain does not hold."""

    #: ``case:12`` or ``audit``
    chain: str
    #: the event's seq, or the audit entry's id
    at: int
    problem: str

    def __str__(self) -> str:
        where = f"{self.chain} event {self.at}" if self.chain.startswith("case:") else (
            f"audit entry {self.at}")
        return f"{where}: {self.problem}"


@attrs.frozen
class Report:
    events: int
    cases: int
    audit_entries: int
    breaks: list[Break]

    @property
    def ok(self) -> bool:
        return not self.breaks


def _event_rows(conn: Connection) -> Iterator[dict[str, Any]]:
    from suyuan_core.storage import tables

    e = tables.case_events.c
    cols = [e[name] for name in EVENT_FIELDS] + [e.digest]
    result = conn.execution_options(yield_per=5000).execute(
        select(*cols).order_by(e.case_id, e.seq))
    for r in result:
        yield dict(r._mapping)


def case_heads(conn: Connection) -> Iterator[tuple[int, int, str | None]]:
    """``(case id, seq, digest)`` of every case chain's head, in case id order (streamed)."""
    number = func.cast(func.substr(column("chain"), 6), BigInteger)
    h = HEADS
    query = (select(number, h.c.seq, h.c.digest).where(h.c.chain.like("case:%"))
             .order_by(number))
    for r in conn.execution_options(yield_per=5000).execute(query):
        yield int(r[0]), int(r[1]), r[2]


def _tail(chain: str, head_seq: int, last_seq: int) -> Break:
    return Break(chain, last_seq + 1, f"missing: the chain's head (chain_heads) is at "
                                      f"{head_seq} but its rows end at {last_seq} (the last "
                                      "rows were removed)")


def check_events(conn: Connection, limit: int = 100) -> tuple[int, int, list[Break]]:
    """Every case's chain, its end against its head in ``chain_heads`` (a removed last event
    leaves a valid shorter chain), and each case's version against its last event."""
    from suyuan_core.storage import tables

    breaks: list[Break] = []
    versions = dict(conn.execute(select(tables.cases.c.id, tables.cases.c.version)).all())
    heads = case_heads(conn)
    head = next(heads, None)
    events = cases = 0
    current: int | None = None
    previous: str | None = None
    expected_seq = 1
    broken = False

    def headless(before: int | None) -> None:
        """Heads of cases (below ``before``) none of whose events are left."""
        nonlocal head
        while head is not None and (before is None or head[0] < before):
            breaks.append(_tail(f"case:{head[0]}", head[1], 0))
            head = next(heads, None)

    def close(case_id: int | None, last_seq: int) -> None:
        nonlocal head
        if case_id is None:
            return
        headless(case_id)
        found, head = (head, next(heads, None)) if head and head[0] == case_id else (None, head)
        version = versions.pop(case_id, None)
        if broken:
            return
        if found is None:
            breaks.append(Break(f"case:{case_id}", last_seq, "has no head in chain_heads "
                                "(written around the database's trigger)"))
        elif found[1] != last_seq or found[2] != previous:
            breaks.append(_tail(f"case:{case_id}", found[1], last_seq))
        elif version is not None and version != last_seq:
            breaks.append(Break(f"case:{case_id}", last_seq + 1,
                                f"missing: the case is at version {version} but its events "
                                f"end at {last_seq} (events removed)"))

    last_seq = 0
    for row in _event_rows(conn):
        events += 1
        if row["case_id"] != current:
            close(current, last_seq)
            current, previous, expected_seq, broken = row["case_id"], None, 1, False
            cases += 1
        last_seq = row["seq"]
        if broken:
            continue
        chain = f"case:{row['case_id']}"
        if row["seq"] != expected_seq:
            breaks.append(Break(chain, expected_seq, f"missing (the next event is "
                                                     f"{row['seq']}): an event was removed"))
            broken = True
        elif row["digest"] is None:
            breaks.append(Break(chain, row["seq"], "has no digest (written around the chain)"))
            broken = True
        elif row["digest"] != event_digest(previous, row):
            breaks.append(Break(chain, row["seq"], "does not match its digest: the event was "
                                                   "edited (or one before it was)"))
            broken = True
        previous, expected_seq = row["digest"], expected_seq + 1
        if len(breaks) >= limit:
            return events, cases, breaks
    close(current, last_seq)
    headless(None)
    for case_id, version in sorted(versions.items()):
        if version:
            breaks.append(Break(f"case:{case_id}", 1, "missing: the case has no events at all"))
            if len(breaks) >= limit:
                break
    return events, cases, breaks


def check_audit(conn: Connection, limit: int = 100) -> tuple[int, list[Break]]:
    from suyuan_core.storage import tables

    a = tables.audit_log.c
    cols = [a.id] + [a[name] for name in AUDIT_FIELDS] + [a.digest]
    previous: str | None = None
    count = 0
    breaks: list[Break] = []
    for r in conn.execution_options(yield_per=5000).execute(select(*cols).order_by(a.id)):
        row = dict(r._mapping)
        count += 1
        if row["digest"] != audit_digest(previous, row):
            breaks.append(Break("audit", row["id"],
                                "does not chain from the entry before it: this entry, or the "
                                "one before it, was edited, removed or inserted"))
            if len(breaks) >= limit:
                break
        previous = row["digest"]
    h = HEADS
    head = conn.execute(select(h.c.seq, h.c.digest).where(h.c.chain == "audit")).first()
    last = int(row["id"]) if count else 0
    if head is not None and (int(head[0]) != last or head[1] != previous):
        breaks.append(_tail("audit", int(head[0]), last))
    elif head is None and count:
        breaks.append(Break("audit", last, "has no head in chain_heads (written around the "
                                           "database's trigger)"))
    return count, breaks


def check(conn: Connection) -> Report:
    events, cases, breaks = check_events(conn)
    entries, audit_breaks = check_audit(conn)
    return Report(events, cases, entries, breaks + audit_breaks)


# -- the migration that introduced the chain ---------------------------------------------------
def backfill(conn: Connection, which: str) -> int:
    """Chain the rows already there (migration c0005): events per case in seq order, audit
    entries in id order. Returns how many rows were given a digest."""
    fields: tuple[str, ...] = EVENT_FIELDS if which == "case_events" else AUDIT_FIELDS
    order = "case_id, seq" if which == "case_events" else "id"
    names = ", ".join(("id", *fields))
    rows = conn.execute(text(f"SELECT {names} FROM {which} ORDER BY {order}")).mappings().all()
    previous: str | None = None
    current: Any = object()
    updates = []
    for r in rows:
        row = dict(r)
        for name in JSON_FIELDS & set(fields):
            if isinstance(row[name], str):  # raw SQL gives JSON as text on SQLite
                row[name] = json.loads(row[name])
        for name in ("occurred_at", "recorded_at", "deadline", "at"):
            if isinstance(row.get(name), str):
                row[name] = dt.datetime.fromisoformat(row[name])
        if which == "case_events" and row["case_id"] != current:
            current, previous = row["case_id"], None
        previous = (event_digest if which == "case_events" else audit_digest)(previous, row)
        updates.append({"i": row["id"], "d": previous})
    if updates:
        conn.execute(text(f"UPDATE {which} SET digest = :d WHERE id = :i"), updates)
    return len(updates)
