"""The digest chain's fast encoder writes exactly the canonical form it always had.

``integrity.digest`` encodes through msgspec when it can; a database's existing chains verify
only if every event hashes to the same bytes as before. The reference below is the encoder as it
was before msgspec (copied here, frozen), and each property holds the two to the same digest
over event-like rows: unicode (CJK, emoji, control characters), floats of every size, nested
data, date-times naive and aware, dates and decimals inside ``data``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from suyuan_core import integrity

_JSON_FIELDS = frozenset({"data", "detail"})


def _reference_plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    return value


def _reference_canonical(row: Mapping[str, Any], fields: Iterable[str]) -> str:
    out: dict[str, Any] = {}
    for name in fields:
        value = row.get(name)
        if name in _JSON_FIELDS:
            value = value or {}
        out[name] = _reference_plain(value)
    return json.dumps(out, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


def _reference_digest(previous: str | None, row: Mapping[str, Any], fields: Iterable[str]) -> str:
    body = (previous or "") + "\n" + _reference_canonical(row, fields)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
zones = st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=8)),
                         dt.timezone(dt.timedelta(hours=-5, minutes=-30))])
datetimes = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1),
                         timezones=zones)
floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [1e16, 1e-7, 1e22, 5e-324, 1.5e300, -0.0, 0.1, 1e15, 123456789.123])
ints = st.integers() | st.integers(min_value=-(2**70), max_value=2**70)
scalars = (st.none() | st.booleans() | ints | floats | texts)
odd = (datetimes | st.dates() | st.decimals(allow_nan=False, places=3)
       | st.just(decimal.Decimal("1E+3")))
values = st.recursive(
    scalars | odd,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20)
data = st.dictionaries(texts, values, max_size=6) | st.none() | st.just({})


@st.composite
def event_rows(draw: st.DrawFn) -> dict[str, Any]:
    nullable_text = st.none() | texts
    return {
        "case_id": draw(st.integers(min_value=1, max_value=10**9)),
        "seq": draw(st.integers(min_value=1, max_value=500)),
        "kind": draw(st.sampled_from(["report", "assign", "resolve", "smart.reply"]) | texts),
        "actor": draw(texts),
        "occurred_at": draw(datetimes),
        "recorded_at": draw(datetimes | st.none()),
        "data": draw(data),
        "reason": draw(nullable_text),
        "status_before": draw(nullable_text),
        "status_after": draw(texts),
        "level_before": draw(st.none() | st.integers(0, 6)),
        "level": draw(st.integers(0, 6)),
        "area_code": draw(texts),
        "area_path": draw(texts),
        "category": draw(texts),
        "source": draw(texts),
        "case_kind": draw(texts),
        "deadline": draw(datetimes | st.none()),
    }


@settings(max_examples=600, deadline=None)
@given(event_rows(), st.none() | st.text(st.sampled_from("0123456789abcdef"), min_size=64,
                                         max_size=64))
def test_event_digest_is_the_reference_digest(row: dict[str, Any], previous: str | None) -> None:
    assert integrity.event_digest(previous, row) == _reference_digest(
        previous, row, integrity.EVENT_FIELDS)
    assert integrity.canonical(row, integrity.EVENT_FIELDS) == _reference_canonical(
        row, integrity.EVENT_FIELDS)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(integrity.AUDIT_FIELDS), values | datetimes))
def test_audit_digest_is_the_reference_digest(row: dict[str, Any]) -> None:
    assert integrity.audit_digest("ab" * 32, row) == _reference_digest(
        "ab" * 32, row, integrity.AUDIT_FIELDS)


@settings(max_examples=300, deadline=None)
@given(values)
def test_any_data_value_digests_as_the_reference(value: Any) -> None:
    row = {"case_id": 1, "seq": 1, "kind": "note", "data": {"x": value, "中文": [value]}}
    assert integrity.event_digest(None, row) == _reference_digest(None, row,
                                                                  integrity.EVENT_FIELDS)


def test_a_lone_surrogate_fails_as_before() -> None:
    row = {"case_id": 1, "data": {"x": "\ud800"}}
    for fn in (integrity.event_digest, lambda p, r: _reference_digest(p, r,
                                                                      integrity.EVENT_FIELDS)):
        try:
            fn(None, row)
        except UnicodeEncodeError:
            continue
        raise AssertionError("a lone surrogate was hashed")
