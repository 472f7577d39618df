"""Public: the range of every value suyuan accepts, declared once.

The API's DTOs take their ``Meta`` from here (so the OpenAPI document states the range), the
services check the same bounds on every path a value can arrive by (API, web form, CSV/JSONL/XLSX
import, a plugin calling the service), and plugins reuse them for their own fields. A value out of
range is a :class:`~suyuan_core.errors.ValidationError` naming the field, the range and how to fix
it — never a database error or a 500.

The table in docs/bounds.md is generated from :data:`TEXT` and the constants below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import msgspec

from suyuan_core.errors import ValidationError

#: the earliest and latest local wall-clock time suyuan stores (a case from the archive can be
#: old; nothing is reported in the 23rd century). Kept well inside Python's ``datetime`` range so
#: that no time-zone shift or period arithmetic can overflow.
EARLIEST = dt.datetime(1900, 1, 1)
LATEST = dt.datetime(2199, 12, 31, 23, 59, 59)
#: years a reporting period may lie in (``parse_period``).
YEARS = (EARLIEST.year, LATEST.year)
#: the largest id of any row: fits BIGINT on every database, and a round decimal so that it
#: survives a JSON tool that reads big numbers as doubles (2**62 came back as 4611686018427388000,
#: above the maximum the document stated, and was refused).
MAX_ID = 4 * 10**18
#: how deep a JSON document (API body, JSONL line, stored JSON) may nest.
MAX_JSON_DEPTH = 32
#: the largest request body the HTTP app reads (bytes); larger is refused with 413.
MAX_BODY_BYTES = 1_000_000
#: the most rows any list response returns (a page); larger lists are cursor-paged.
MAX_PAGE = 200
#: the largest field of an import file (characters): longer than any bound below.
MAX_IMPORT_FIELD = 100_000
#: the most handlers a case can be assigned to at once.
MAX_ASSIGNEES = 20
#: the most parties a case can have.
MAX_PARTIES = 50


@attrs.frozen
class TextBound:
    """A text field: between ``min_length`` and ``max_length`` characters."""

    field: str
    max_length: int
    min_length: int = 0
    doc: str = ""

    def meta(self, **extra: Any) -> msgspec.Meta:
        """The msgspec constraint for a DTO field (also what the OpenAPI document shows)."""
        if self.min_length:
            return msgspec.Meta(min_length=self.min_length, max_length=self.max_length, **extra)
        return msgspec.Meta(max_length=self.max_length, **extra)

    def check(self, value: Any, field: str | None = None) -> None:
        """Refuse ``value`` unless it is a text within the bound (``None`` passes when the
        minimum is 0)."""
        name = field or self.field
        if value is None:
            if self.min_length:
                raise ValidationError("is required", field=name, rule="required",
                                      hint=f"give 1 to {self.max_length} characters")
            return
        if not isinstance(value, str):
            raise ValidationError(f"must be text, not {type(value).__name__}", field=name,
                                  rule="type")
        n = len(value)
        if n < self.min_length or n > self.max_length:
            raise ValidationError(
                f"is {n} characters long; allowed {self.min_length} to {self.max_length}",
                field=name, rule="length",
                hint=f"shorten it to at most {self.max_length} characters" if n > self.max_length
                else "fill it in")


def _declare(*bounds: TextBound) -> dict[str, TextBound]:
    return {b.field: b for b in bounds}


#: every bounded text field of the core, by name.
TEXT: Mapping[str, TextBound] = _declare(
    TextBound("title", 500, 1, "a case's title"),
    TextBound("description", 20000, 0, "a case's description"),
    TextBound("code", 64, 1, "a code: area, category, source, role, plugin"),
    TextBound("source_ref", 128, 1, "the intake system's own reference (12345 work order no.)"),
    TextBound("party.name", 100, 1, "a party's name"),
    TextBound("party.phone", 32, 0, "a party's phone number"),
    TextBound("party.id_number", 32, 0, "a party's ID number"),
    TextBound("party.address", 300, 0, "a party's address"),
    TextBound("party.email", 254, 0, "a party's e-mail address"),
    TextBound("note", 20000, 1, "a note on the timeline"),
    TextBound("reason", 2000, 0, "the reason given for an action"),
    TextBound("assignee", 128, 1, "a handler, e.g. person:M0001"),
    TextBound("username", 64, 1, "a user name"),
    TextBound("password", 1024, 1, "a password"),
    TextBound("display_name", 100, 1, "a user's display name"),
    TextBound("query", 200, 0, "a search text"),
    TextBound("filename", 255, 1, "an attachment's file name"),
)

TITLE = TEXT["title"]
DESCRIPTION = TEXT["description"]
CODE = TEXT["code"]
SOURCE_REF = TEXT["source_ref"]
NOTE = TEXT["note"]
REASON = TEXT["reason"]
ASSIGNEE = TEXT["assignee"]
PARTY = {k.split(".", 1)[1]: v for k, v in TEXT.items() if k.startswith("party.")}


def text(name: str, value: Any, field: str | None = None) -> None:
    """Check ``value`` against the declared bound ``name`` (see :data:`TEXT`)."""
    TEXT[name].check(value, field)


def check_time(value: dt.datetime | None, field: str) -> None:
    """Refuse a datetime that is naive or outside :data:`EARLIEST` … :data:`LATEST` (checked on
    the wall clock, before any time-zone shift, so the check itself cannot overflow)."""
    if value is None:
        return
    if not isinstance(value, dt.datetime):
        raise ValidationError(f"must be a date and time, not {type(value).__name__}",
                              field=field, rule="type")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError("needs a time zone", field=field, rule="aware_datetime",
                              hint="e.g. 2026-06-01T18:00:00+08:00")
    wall = value.replace(tzinfo=None)
    if not (EARLIEST + dt.timedelta(days=1) <= wall <= LATEST - dt.timedelta(days=1)):
        raise ValidationError(f"{value.isoformat()} is outside the range suyuan stores",
                              field=field, rule="range",
                              hint=f"give a time between {EARLIEST.year + 1}-01-01 and "
                                   f"{LATEST.year}-12-30")


#: the ``pattern`` of a time :func:`check_time` takes: its year within :data:`YEARS` (the
#: OpenAPI document gives it to every checked date-time).
TIME_PATTERN = r"^(?:19|20|21)[0-9]{2}-"


def clamp_time(value: dt.datetime | None) -> dt.datetime | None:
    """An aware time moved inside the range :func:`check_time` takes: for a *filter* bound (since,
    reported_from), where a bound outside the stored years cannot exclude anything. A naive
    time is returned as it is, for the caller to refuse."""
    if value is None or value.tzinfo is None or value.utcoffset() is None:
        return value
    wall = value.replace(tzinfo=None)
    low, high = EARLIEST + dt.timedelta(days=1), LATEST - dt.timedelta(days=1)
    edge = low if wall < low else high if wall > high else None
    return value if edge is None else value.replace(year=edge.year, month=edge.month,
                                                    day=edge.day)


def check_id(value: Any, field: str) -> int:
    """An id (a whole number 1 … :data:`MAX_ID`), or a ValidationError saying so."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"{str(value)[:40]!r} is not a number", field=field, rule="integer",
                              hint="ids are whole numbers, e.g. 42") from None
    if not 1 <= number <= MAX_ID:
        raise ValidationError(f"{number} is not an id", field=field, rule="range",
                              hint=f"ids lie between 1 and {MAX_ID}")
    return number


def json_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep ``value`` (decoded JSON) nests, counting at most to ``limit + 1``; iterative, so
    a hostile document cannot exhaust the stack."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            if depth > limit:
                return depth
            stack.extend((v, depth) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def raw_json_depth(raw: bytes | str, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep the JSON text ``raw`` nests, without decoding it (brackets outside strings);
    stops counting past ``limit``. Use before ``json.loads`` on untrusted input."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if data.count(b"[") + data.count(b"{") <= limit:
        return 0 if not (b"[" in data or b"{" in data) else 1
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def check_json_depth(raw: bytes | str, field: str = "body", limit: int = MAX_JSON_DEPTH) -> None:
    if raw_json_depth(raw, limit) > limit:
        raise ValidationError(f"the JSON nests deeper than {limit} levels", field=field,
                              rule="json_depth", hint="flatten the document")


def check_parties(parties: Iterable[Mapping[str, Any]], field: str = "parties") -> None:
    items = list(parties)
    if len(items) > MAX_PARTIES:
        raise ValidationError(f"{len(items)} parties; at most {MAX_PARTIES}", field=field,
                              rule="length")
    for i, party in enumerate(items):
        for key, bound in PARTY.items():
            if key in party:
                bound.check(party[key], f"{field}[{i}].{key}")


def check_assignees(assignees: Any, field: str = "assignees") -> None:
    if not isinstance(assignees, list | tuple) or not assignees:
        raise ValidationError("needs a non-empty list of handlers", field=field,
                              rule="non_empty", hint='e.g. ["person:M0001"] or ["organisation:TC01"]')
    if len(assignees) > MAX_ASSIGNEES:
        raise ValidationError(f"{len(assignees)} handlers; at most {MAX_ASSIGNEES}", field=field,
                              rule="length")
    for i, a in enumerate(assignees):
        ASSIGNEE.check(a, f"{field}[{i}]")


def rows() -> list[tuple[str, str, str]]:
    """The documented ranges: (field, range, what) — for docs/bounds.md and ``--help``."""
    out = [(b.field, f"{b.min_length}–{b.max_length} characters", b.doc) for b in TEXT.values()]
    out += [
        ("date/time", f"{EARLIEST.year + 1}-01-01 … {LATEST.year}-12-30, with a time zone",
         "occurred_at, deadline, reported_from/to, since"),
        ("period", f"years {YEARS[0]}–{YEARS[1]}", "2026-05-03, 2026-W18, 2026-05, 2026-Q2, 2026"),
        ("id", f"1 … {MAX_ID}", "case, user, audit and page ids"),
        ("assignees", f"1–{MAX_ASSIGNEES} handlers on the roster", "assign"),
        ("parties", f"0–{MAX_PARTIES}", "a case's parties"),
        ("JSON nesting", f"at most {MAX_JSON_DEPTH} levels", "API bodies, JSONL lines"),
        ("request body", f"at most {MAX_BODY_BYTES} bytes", "every HTTP request"),
        ("list page", f"at most {MAX_PAGE} rows", "every list response (cursor-paged)"),
        ("import field", f"at most {MAX_IMPORT_FIELD} characters", "CSV/XLSX cells"),
    ]
    return out


def markdown() -> str:
    """docs/bounds.md (a test checks the file is up to date)."""
    head = [
        "# Bounds: the range of every value", "",
        "Declared once in `suyuan_core.bounds` (public: plugins bound their own fields with it) and",
        "enforced the same way on every path a value arrives by — the API (the DTOs take their",
        "constraints from it, so the OpenAPI document shows them), the web forms, CSV/JSONL imports",
        "and plugins calling the services. Out of range is a 4xx (or a one-line CLI error) naming",
        "the field and the range; nothing is written. Generated by `suyuan_core.bounds.markdown()`.",
        "", "| field | range | where |", "|---|---|---|"]
    return "\n".join(head + [f"| `{f}` | {r} | {w} |" for f, r, w in rows()]) + "\n"
