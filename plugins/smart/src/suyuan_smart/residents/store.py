"""What the residents' page keeps of its own (table ``smart_resident_appeals``): which Open311
request a tracking code leads to, the photo, and the one rating the resident gives.

A tracking code is 60 random-looking bits (12 Crockford base-32 characters, ``7K3Q-M9XA-P2RT``)
derived by HMAC from the form's one-time submission id and the deployment's secret (the page's
api_key): re-sending the same form gives the same code and, through Open311's
``client_request_id``, the same request — never two. Only the code's SHA-256 is stored, and the
code is the only way in: request ids are never accepted, so nobody reads or rates another's
appeal by counting."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from suyuan_core import Deployment, ValidationError
from suyuan_core.times import now, to_db
from suyuan_smart import callbacks
from suyuan_smart.models import resident_appeals as T

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12


def secret(api_key: str, purpose: str) -> bytes:
    return hashlib.sha256(f"suyuan-residents:{purpose}:{api_key}".encode()).digest()


def new_submission() -> str:
    return secrets.token_urlsafe(16)


def code_for(api_key: str, submission: str) -> str:
    digest = hmac.new(secret(api_key, "code"), submission.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big") >> 4  # 60 bits
    chars = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))
    return "-".join(chars[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normal(code: str) -> str | None:
    """The code as typed (any case, dashes or spaces, O for 0, I or L for 1), or None when it
    cannot be one."""
    text = code.strip().upper().replace("-", "").replace(" ", "")
    text = text.translate(str.maketrans("OIL", "011"))
    if len(text) != CODE_LENGTH or any(c not in ALPHABET for c in text):
        return None
    return "-".join(text[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def keep(d: Deployment, s: Session, *, code: str, case_id: int, token: str,
         photo_key: str | None, photo: bytes | None) -> None:
    """Remember a filed appeal (again for the same request: nothing new)."""
    known = s.execute(select(T.c.id).where(T.c.case_id == case_id)).first()
    if known is None:
        s.execute(insert(T).values(code_hash=_hash(code), case_id=case_id, token=token,
                                   filed_at=to_db(now()), photo_key=photo_key, photo=photo))


def find(d: Deployment, code: str) -> dict[str, Any] | None:
    """The appeal a code leads to (without its photo), or None."""
    shaped = normal(code)
    if shaped is None:
        return None
    with d.reading() as s:
        row = s.execute(select(T.c.id, T.c.case_id, T.c.filed_at, T.c.photo_key, T.c.rated_at,
                               T.c.rating).where(T.c.code_hash == _hash(shaped))).first()
    if row is None:
        return None
    out = dict(row._mapping)
    out["filed_at"] = out["filed_at"].replace(tzinfo=dt.UTC)
    return out


def photo(d: Deployment, key: str) -> bytes | None:
    if not 16 <= len(key) <= 64:
        return None
    with d.reading() as s:
        found: bytes | None = s.scalar(select(T.c.photo).where(T.c.photo_key == key))
    return found


def rate(d: Deployment, s: Session, appeal: dict[str, Any], *, rating: str,
         comment: str | None) -> None:
    """The resident's one rating: the core's ``callback`` event (so ``satisfaction_rate`` counts
    it), refused when the appeal was rated already — the check and the mark are one UPDATE, so
    two ratings sent at once still make one."""
    if rating not in callbacks.RATINGS:
        raise ValidationError("请选择评价 choose how satisfied you are", field="rating",
                              rule="one_of", hint="满意 / 基本满意 / 不满意")
    marked = s.execute(update(T).where(T.c.id == appeal["id"], T.c.rated_at.is_(None))
                       .values(rated_at=to_db(now()), rating=rating))
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        raise ValidationError("已评价过 this appeal has been rated already", field="rating",
                              rule="once", hint="each appeal is rated once")
    callbacks.record(d, appeal["case_id"], actor=f"resident:appeal-{appeal['id']}",
                     reached=True, satisfaction=rating, reason=comment, session=s)
