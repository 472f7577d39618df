"""Signed checkpoints of the digest chains, kept outside the database.

The chain heads (``chain_heads``, see :mod:`suyuan_core.integrity`) catch a removed last event
only while their own triggers stand: someone who can drop triggers can also rewind a head. A
checkpoint closes that gap for everything up to the moment it was taken. It lists every chain's
head — each case's last event (number and digest) and the audit log's last entry — and is signed
with an Ed25519 key the database never sees. Chains only grow, so every head a checkpoint names
must still be in the database with the same digest; :func:`verify` names each one that is not.
What happened after the newest checkpoint is covered by the chain heads alone, so a county takes
one on a schedule: with ``[integrity]`` set, the job ``core.integrity_checkpoint`` (:func:`nightly`)
checks the chains, compares the database with the newest checkpoint in the folder and only then
writes the next one; a break fails the run (``suyuan jobs``) and tells the county's admins.

The file is JSON Lines: a header, one ``[case id, seq, digest]`` line per case in id order, and a
last line with the Ed25519 signature of the SHA-256 of every line before it — written and
checked in one pass, so it stays small in memory at any size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection, column, select, table, tuple_

from suyuan_core.integrity import HEADS, Break, case_heads

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

FORMAT = "suyuan-checkpoint/1"
BATCH = 2000


class CheckpointError(ValueError):
    """A checkpoint file or key that cannot be used (unreadable, wrong format, bad signature)."""


@attrs.frozen
class Written:
    cases: int
    audit_id: int
    taken_at: str


def new_key(private: Path) -> Path:
    """Write a new Ed25519 key pair: ``private`` (PEM, keep it off the database host) and
    ``private`` + ``.pub`` (what verifying needs). Returns the public key's path."""
    key = Ed25519PrivateKey.generate()
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public = private.with_name(private.name + ".pub")
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return public


def _load(path: Path, private: bool) -> Any:
    try:
        data = path.read_bytes()
        key = (serialization.load_pem_private_key(data, None) if private
               else serialization.load_pem_public_key(data))
    except (OSError, ValueError, TypeError) as exc:
        raise CheckpointError(f"{path}: not a readable PEM "
                              f"{'private' if private else 'public'} key ({exc})") from None
    wanted = Ed25519PrivateKey if private else Ed25519PublicKey
    if not isinstance(key, wanted):
        raise CheckpointError(f"{path}: not an Ed25519 key (make one with "
                              "`suyuan integrity --new-key PATH`)")
    return key


def write(conn: Connection, out: IO[str], private_key: Path | Ed25519PrivateKey) -> Written:
    """Write a signed checkpoint of every chain's head as it is now to ``out``."""
    key: Ed25519PrivateKey = (private_key if isinstance(private_key, Ed25519PrivateKey)
                              else _load(private_key, private=True))
    h = HEADS
    audit = conn.execute(select(h.c.seq, h.c.digest).where(h.c.chain == "audit")).first()
    taken_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    running = hashlib.sha256()

    def line(value: Any) -> None:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False) + "\n"
        running.update(text.encode("utf-8"))
        out.write(text)

    line({"format": FORMAT, "taken_at": taken_at,
          "audit": [int(audit[0]), audit[1]] if audit else None})
    cases = 0
    for case_id, seq, digest in case_heads(conn):
        line([case_id, seq, digest])
        cases += 1
    out.write(json.dumps({"signature": key.sign(running.digest()).hex()}) + "\n")
    return Written(cases, int(audit[0]) if audit else 0, taken_at)


def _lines(source: IO[str], public: Ed25519PublicKey) -> Iterator[Any]:
    """The checkpoint's lines after the header, once the signature over all of them holds
    (read twice: a line is only trusted once the whole file is known to be signed)."""
    running = hashlib.sha256()
    signature: str | None = None
    for text in source:
        if signature is not None:
            raise CheckpointError("lines after the signature: the file was appended to")
        try:
            value = json.loads(text)
        except ValueError:
            raise CheckpointError("a line is not JSON: not a suyuan checkpoint") from None
        if isinstance(value, dict) and "signature" in value:
            signature = str(value["signature"])
            continue
        running.update(text.encode("utf-8"))
    if signature is None:
        raise CheckpointError("no signature line: not a whole suyuan checkpoint")
    try:
        public.verify(bytes.fromhex(signature), running.digest())
    except (InvalidSignature, ValueError):
        raise CheckpointError("the signature does not match: the checkpoint was altered or "
                              "signed with another key") from None
    source.seek(0)
    for text in source:
        value = json.loads(text)
        if not (isinstance(value, dict) and "signature" in value):
            yield value


def verify(conn: Connection, source: IO[str], public_key: Path | Ed25519PublicKey,
           limit: int = 100) -> tuple[dict[str, Any], list[Break]]:
    """Check that every head the signed checkpoint names is still in the database with the
    digest it had. Returns the header and the breaks (a removed or rewritten chain end)."""
    public: Ed25519PublicKey = (public_key if isinstance(public_key, Ed25519PublicKey)
                                else _load(public_key, private=False))
    lines = _lines(source, public)
    header = next(lines, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CheckpointError(f"not a {FORMAT} file")
    breaks: list[Break] = []
    if header.get("audit"):
        audit_id, digest = header["audit"]
        a = table("audit_log", column("id"), column("digest"))
        found = conn.execute(select(a.c.digest).where(a.c.id == audit_id)).scalar()
        if found != digest:
            breaks.append(Break("audit", audit_id, _problem(found, header["taken_at"])))
    e = table("case_events", column("case_id"), column("seq"), column("digest"))
    batch: list[tuple[int, int, str]] = []

    def flush() -> None:
        keys = [(c, s) for c, s, _ in batch]
        found = {(int(r[0]), int(r[1])): r[2] for r in conn.execute(
            select(e.c.case_id, e.c.seq, e.c.digest).where(tuple_(e.c.case_id, e.c.seq).in_(keys)))}
        for case_id, seq, digest in batch:
            if found.get((case_id, seq)) != digest and len(breaks) < limit:
                breaks.append(Break(f"case:{case_id}", seq,
                                    _problem(found.get((case_id, seq)), header["taken_at"])))
        batch.clear()

    for item in lines:
        if not (isinstance(item, list) and len(item) == 3):
            raise CheckpointError(f"a case line is not [case id, seq, digest]: {item!r:.80}")
        batch.append((int(item[0]), int(item[1]), str(item[2])))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return header, breaks


def _problem(found: str | None, taken_at: str) -> str:
    if found is None:
        return f"missing: the signed checkpoint of {taken_at} has it as a chain's head"
    return f"rewritten: its digest differs from the signed checkpoint of {taken_at}"


#: the nightly checkpoints' file names: ``checkpoint-20261202T0230.jsonl`` (sorted = in time).
PREFIX, SUFFIX = "checkpoint-", ".jsonl"


def newest(folder: Path) -> Path | None:
    """The newest checkpoint the job wrote into ``folder``, if any."""
    found = sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))
    return found[-1] if found else None


def nightly(deployment: Deployment, slot: dt.datetime) -> dict[str, Any]:
    """The job ``core.integrity_checkpoint``: check every chain, compare the database with the
    newest checkpoint in ``[integrity] checkpoints``, then write the next one for ``slot``
    (written to a temporary name and renamed, so a crash leaves no half file). A break writes
    nothing, tells the admins of the root area (notification ``integrity``) and fails the run."""
    from suyuan_core import integrity

    d = deployment  # the job runner passes the arguments a job names: deployment, slot
    section = d.config.core.integrity
    if section.checkpoints is None or section.private_key is None:
        raise CheckpointError("[integrity] checkpoints and private_key are not set")
    folder = d.config.resolve(section.checkpoints)
    key: Ed25519PrivateKey = _load(d.config.resolve(section.private_key), private=True)
    folder.mkdir(parents=True, exist_ok=True)
    before = newest(folder)
    with d.engine.connect() as conn:
        report = integrity.check(conn)
        breaks = list(report.breaks)
        if before is not None:
            with before.open(encoding="utf-8") as source:
                breaks += verify(conn, source, key.public_key())[1]
        if not breaks:
            target = folder / f"{PREFIX}{slot.strftime('%Y%m%dT%H%M')}{SUFFIX}"
            partial = target.with_name(f".{target.name}.partial")
            with partial.open("w", encoding="utf-8") as out:
                written = write(conn, out, key)
            partial.replace(target)
    if breaks:
        shown = "; ".join(str(b) for b in breaks[:5])
        roots = d.areas.tree.roots()
        d.notifications.notify(
            "integrity", to=["role:admin"], area_code=roots[0] if roots else None,
            subject=f"完整性检查发现 {len(breaks)} 处断链 — integrity: {len(breaks)} break(s)",
            body=f"{shown}\nRun `suyuan integrity` and restore from a backup (`suyuan restore`)"
                 " to compare; no new checkpoint was written.",
            dedup=f"integrity:{slot.isoformat()}")
        raise CheckpointError(f"{len(breaks)} break(s) in the digest chains: {shown}")
    return {"file": target.name, "cases": written.cases, "audit_entry": written.audit_id,
            "compared_with": before.name if before is not None else None}
