"""Intake channels (受理): 12345 work orders from CSV/XLSX exports (column mapping in config) and
from a JSON webhook signed with a shared-secret HMAC, the leaders' mailboxes, and a generic webhook
for messaging platforms. Every channel is idempotent on the source's own id (the core's
``(source, source_ref)``): the same work order twice is one case.

Bad input is refused with the field and the rule named, and nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from suyuan_core import (
    CaseRecord,
    Deployment,
    ImportFailed,
    NewCase,
    Party,
    SuyuanError,
    ValidationError,
)
from suyuan_core.times import now
from suyuan_smart.common import calendar, settings

URGENCY_WORDS = {"紧急": "urgent", "特急": "urgent", "加急": "urgent", "一般": "normal",
                 "普通": "normal", "复杂": "complex", "urgent": "urgent", "normal": "normal",
                 "complex": "complex"}
REQUEST_TYPES = {"咨询": "consult", "求助": "help", "投诉": "complaint", "建议": "suggestion",
                 "举报": "complaint", "consult": "consult", "help": "help",
                 "complaint": "complaint", "suggestion": "suggestion"}
MAILBOXES = ("secretary", "mayor")


class SignatureError(SuyuanError):
    """A webhook's signature is missing, stale or wrong: refused before anything is read."""

    status_code = 401


class WebhookOff(SignatureError):
    """The webhook has no shared secret configured, so it takes nothing."""

    status_code = 403


@attrs.frozen
class Received:
    case_id: int
    created: bool
    duplicates: tuple[int, ...] = ()


# -- 12345 work orders ---------------------------------------------------------------------

def _time(d: Deployment, value: Any, field: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        text = str(value).strip().replace("/", "-")
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(f"{value!r} is not a date-time", field=field, rule="datetime",
                                  hint="e.g. 2026-05-03 09:30 or 2026-05-03T09:30:00+08:00") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=calendar(d).tz)


def order_case(d: Deployment, order: Mapping[str, Any], *, channel: str) -> NewCase:
    """One work order (already keyed by our field names) as a NewCase, or ValidationError."""
    s = settings(d)
    ref = str(order.get("source_ref") or "").strip()
    if not ref:
        raise ValidationError("a work order needs its number (工单编号)", field="source_ref",
                              rule="required")
    title = str(order.get("title") or "").strip()
    description = str(order.get("description") or "").strip()
    if not title and not description:
        raise ValidationError("a work order needs a title or its content", field="title",
                              rule="required")
    raw_cat = str(order.get("category") or "").strip()
    category = s.hotline_categories.get(raw_cat, raw_cat)
    if not category:
        from suyuan_smart.classify import suggest

        found = suggest(d, f"{title} {description}")
        category = found[0].category if found and found[0].confidence >= 0.5 else "other"
    if category not in d.categories:
        raise ValidationError(f"unknown category {raw_cat!r}", field="category", rule="exists",
                              hint="map it in plugins.smart.hotline_categories")
    raw_area = str(order.get("area") or "").strip()
    address = str(order.get("address") or "").strip()
    named = d.areas.locate_address(address) if address and not raw_area else None
    area = s.hotline_areas.get(raw_area, raw_area) or (named.code if named else None) \
        or s.default_area
    if not area:
        raise ValidationError("a work order needs its area (所属区域)", field="area",
                              rule="required", hint="or an address naming its town or "
                              "community, or set plugins.smart.default_area")
    if area not in d.areas.tree:
        raise ValidationError(f"unknown area {raw_area!r}", field="area", rule="exists",
                              hint="map it in plugins.smart.hotline_areas")
    urgency_raw = str(order.get("urgency") or "normal").strip()
    urgency = URGENCY_WORDS.get(urgency_raw)
    if urgency is None:
        raise ValidationError(f"{urgency_raw!r} is not an urgency", field="urgency",
                              rule="one_of", hint="紧急 / 一般 / 复杂")
    rtype_raw = str(order.get("request_type") or "").strip()
    request_type = REQUEST_TYPES.get(rtype_raw) if rtype_raw else None
    if rtype_raw and request_type is None:
        raise ValidationError(f"{rtype_raw!r} is not a request type", field="request_type",
                              rule="one_of", hint="咨询 / 求助 / 投诉 / 建议")
    parties = []
    caller, phone = str(order.get("caller") or "").strip(), str(order.get("phone") or "").strip()
    if phone and not phone.replace("-", "").replace("+", "").isdigit():
        raise ValidationError(f"{phone!r} is not a phone number", field="phone", rule="digits")
    if caller or phone:
        parties.append(Party(name=caller or "匿名", role="caller", phone=phone or None,
                             anonymous=not caller))
    data: dict[str, Any] = {"urgency": urgency, "channel": channel}
    if request_type:
        data["request_type"] = request_type
    if address:
        data["address"] = address
    if named is not None and named.code == area:
        data["located_by"] = named.rule
    return NewCase(title=(title or description)[:200], description=description,
                   category=category, source="hotline_12345", area_code=area,
                   source_ref=ref, parties=parties, data=data,
                   occurred_at=_time(d, order.get("reported_at"), "reported_at"))


def read_orders(d: Deployment, path: Path, fmt: str | None = None) -> Iterator[tuple[int,
                                                                                   dict[str, Any]]]:
    """Rows of a 12345 export, keyed by our field names through ``hotline_columns``."""
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "xlsx"):
        raise ValidationError(f"cannot read {path.name}", field="format", rule="one_of",
                              hint="a .csv (UTF-8) or .xlsx export of the 12345 system")
    columns = settings(d).hotline_columns
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            index = _index(header, columns)
            for line, row in enumerate(reader, start=2):
                if not any(v.strip() for v in row):
                    continue
                if len(row) > len(header):
                    raise ImportFailed(line, None, "more values than columns")
                yield line, {k: row[i] if i < len(row) else None for k, i in index.items()}
        return
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [str(v or "").strip() for v in next(rows, ())]
        index = _index(header, columns)
        for line, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            yield line, {k: values[i] if i < len(values) else None for k, i in index.items()}
    finally:
        wb.close()


def _index(header: list[str], columns: Mapping[str, str]) -> dict[str, int]:
    header = [h.strip() for h in header]
    index = {field: header.index(col) for field, col in columns.items() if col in header}
    for needed in ("source_ref",):
        if needed not in index:
            raise ValidationError(f"the export has no column {columns.get(needed)!r}",
                                  field="hotline_columns." + needed, rule="column",
                                  hint="columns found: " + ", ".join(header))
    return index


def import_orders(d: Deployment, path: Path, *, fmt: str | None = None,
                  actor: str = "import:12345") -> tuple[int, int]:
    """Import a 12345 export in one all-or-nothing transaction: (created, already there)."""
    records = []
    for line, row in read_orders(d, path, fmt):
        try:
            records.append(CaseRecord(case=order_case(d, row, channel="file"), actor=actor,
                                      line=line))
        except SuyuanError as exc:
            raise ImportFailed(line, exc.field, exc.message) from None
        except (TypeError, ValueError) as exc:
            raise ImportFailed(line, None, str(exc)) from None
    result = d.bulk.write(records)
    if result.ids:  # 多人同诉 and 重复诉求 among the orders just written, oldest first
        from suyuan_smart.duplicates import propose_for

        with d.transaction() as s:
            for case in sorted((d.cases.get(i, s) for i in result.ids),
                               key=lambda c: (c.reported_at or now(), c.id or 0)):
                propose_for(d, case, s)
    return result.created, result.skipped


# -- signed webhooks -------------------------------------------------------------------------

def sign(secret: str, body: bytes, timestamp: str) -> str:
    """``hex(HMAC-SHA256(secret, timestamp + "." + body))``: what the sender puts in the
    ``X-Suyuan-Signature`` header (``sha256=<hex>``), with ``X-Suyuan-Timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, body: bytes, timestamp: str | None, signature: str | None,
           max_age: int, at: dt.datetime | None = None) -> None:
    if not secret:
        raise WebhookOff("this webhook is switched off (no shared secret configured)",
                             field="signature", rule="configured",
                             hint="set plugins.smart.webhook_secret / messaging_secret")
    if not signature or not timestamp:
        raise SignatureError("the request is not signed", field="signature", rule="required",
                             hint="send X-Suyuan-Timestamp and X-Suyuan-Signature")
    try:
        sent = dt.datetime.fromtimestamp(int(timestamp), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise SignatureError(f"{timestamp!r} is not a Unix time", field="timestamp",
                             rule="unix_time") from None
    if abs(((at or now()) - sent).total_seconds()) > max_age:
        raise SignatureError("the signature is too old or from the future", field="timestamp",
                             rule="max_age", hint=f"within {max_age} s of the server's clock")
    if not hmac.compare_digest(sign(secret, body, timestamp), signature):
        raise SignatureError("the signature does not match the body", field="signature",
                             rule="hmac_sha256")


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"the body is not JSON ({exc})", field="body", rule="json") from None


def _create(d: Deployment, new: NewCase, actor: str, session: Any) -> Received:
    from suyuan_smart.duplicates import propose_for

    assert new.source_ref is not None
    existing = d.cases.find_by_source(new.source, new.source_ref, session)
    if existing is not None:
        assert existing.id is not None
        return Received(existing.id, False)
    case = d.cases.create(new, actor=actor, session=session)
    assert case.id is not None
    return Received(case.id, True, tuple(propose_for(d, case, session)))


TIMESTAMP_HEADER = "x-suyuan-timestamp"
SIGNATURE_HEADER = "x-suyuan-signature"


def verify_hotline(d: Deployment, headers: Mapping[str, str], body: bytes) -> str:
    """The 12345 webhook's :data:`~suyuan_core.SignatureVerifier` (HMAC with ``webhook_secret``)."""
    s = settings(d)
    verify(s.webhook_secret, body, headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER),
           s.signature_max_age_seconds)
    return "webhook:12345"


def verify_messaging(d: Deployment, headers: Mapping[str, str], body: bytes) -> str:
    """The messaging webhook's verifier (HMAC with ``messaging_secret``)."""
    s = settings(d)
    verify(s.messaging_secret, body, headers.get(TIMESTAMP_HEADER),
           headers.get(SIGNATURE_HEADER), s.signature_max_age_seconds)
    return "webhook:messaging"


def hotline_webhook(d: Deployment, body: bytes, *, timestamp: str | None,
                    signature: str | None, at: dt.datetime | None = None) -> list[Received]:
    """The 12345 system pushes one work order (a JSON object) or several (a list), keyed by our
    field names. All or nothing: one bad order refuses the request."""
    s = settings(d)
    verify(s.webhook_secret, body, timestamp, signature, s.signature_max_age_seconds, at)
    return receive_orders(d, body)


def receive_orders(d: Deployment, body: bytes, *, session: Any = None) -> list[Received]:
    """The verified body of the 12345 webhook: one work order or a list, all or nothing (in
    ``session``'s transaction when given)."""
    payload = _json(body)
    orders = payload if isinstance(payload, list) else [payload]
    if not all(isinstance(o, dict) for o in orders):
        raise ValidationError("each work order must be a JSON object", field="body",
                              rule="object")
    if not orders:
        raise ValidationError("no work order in the body", field="body", rule="non_empty")
    with d.transaction(session) as s:
        out = []
        for i, order in enumerate(orders):
            try:
                new = order_case(d, order, channel="webhook")
            except SuyuanError as exc:
                raise ValidationError(exc.message, field=f"[{i}].{exc.field}",
                                      rule=exc.rule or "order", hint=exc.hint) from None
            out.append(_create(d, new, "webhook:12345", s))
        return out


def mailbox_letter(d: Deployment, letter: Mapping[str, Any], *,
                   actor: str = "mailbox", session: Any = None) -> Received:
    """书记/县长信箱: a letter (box, letter_id, subject, body, name, phone, area_code,
    received_at) as an appeal from source ``mailbox``."""
    box = letter.get("box")
    if box not in MAILBOXES:
        raise ValidationError(f"{box!r} is not a mailbox", field="box", rule="one_of",
                              hint="secretary (书记信箱) or mayor (县长信箱)")
    letter_id = str(letter.get("letter_id") or "").strip()
    if not letter_id:
        raise ValidationError("a letter needs its id", field="letter_id", rule="required")
    order = {"source_ref": letter_id, "title": letter.get("subject"),
             "description": letter.get("body"), "category": letter.get("category"),
             "area": letter.get("area_code"), "caller": letter.get("name"),
             "phone": letter.get("phone"), "reported_at": letter.get("received_at"),
             "address": letter.get("address")}
    new = order_case(d, order, channel=f"mailbox:{box}")
    new = attrs.evolve(new, source="mailbox", source_ref=f"{box}:{letter_id}",
                       data={**new.data, "mailbox": box})
    with d.transaction(session) as s:
        return _create(d, new, actor, s)


def messaging_webhook(d: Deployment, body: bytes, *, timestamp: str | None,
                      signature: str | None, at: dt.datetime | None = None) -> Received:
    """A messaging platform (a city news account, WeChat …) forwards one message:
    ``{"platform", "message_id", "text", "sender": {"name", "phone"}, "area_code", "sent_at"}``."""
    s = settings(d)
    verify(s.messaging_secret, body, timestamp, signature, s.signature_max_age_seconds, at)
    return receive_message(d, body)


def receive_message(d: Deployment, body: bytes, *, session: Any = None) -> Received:
    """The verified body of the messaging webhook (in ``session``'s transaction when given)."""
    msg = _json(body)
    if not isinstance(msg, dict):
        raise ValidationError("the message must be a JSON object", field="body", rule="object")
    platform = str(msg.get("platform") or "").strip()
    mid = str(msg.get("message_id") or "").strip()
    if not platform or not mid:
        raise ValidationError("platform and message_id are required",
                              field="platform" if not platform else "message_id",
                              rule="required")
    text = str(msg.get("text") or "").strip()
    sender = msg.get("sender") or {}
    if not isinstance(sender, dict):
        raise ValidationError("sender must be an object", field="sender", rule="object")
    order = {"source_ref": f"{platform}:{mid}", "title": text[:40], "description": text,
             "category": msg.get("category"), "area": msg.get("area_code"),
             "caller": sender.get("name"), "phone": sender.get("phone"),
             "reported_at": msg.get("sent_at")}
    new = order_case(d, order, channel=f"messaging:{platform}")
    new = attrs.evolve(new, source="messaging", data={**new.data, "platform": platform})
    with d.transaction(session) as s:
        return _create(d, new, f"messaging:{platform}", s)
