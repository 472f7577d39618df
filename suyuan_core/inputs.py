"""Public: building a service's attrs input class from plain data — a JSON body, a form, a CSV
row, a CLI ``--json`` — with the same refusals everywhere (a 422 naming the field and the fix).

An input class is the one definition of a shape and its validators the one place of each rule;
these helpers only get plain data into it safely::

    import attrs
    from suyuan_core import inputs

    @attrs.frozen
    class LectureIn:
        community: str = attrs.field(converter=lambda v: inputs.text(v, "community", max_length=40))
        held_on: dt.date = attrs.field(converter=inputs.date_conv("held_on"))
        topics: tuple[str, ...] = attrs.field(default=(), converter=inputs.strs)
        kind: str = attrs.field(default="talk", metadata=inputs.accepts(enum=KINDS))
        attendance: int = attrs.field(default=0, metadata=inputs.accepts(minimum=0,
                                                                         maximum=5000))

    lecture = inputs.from_dict(LectureIn, {"community": "C.T1.V1", "held_on": "2026-05-03"})

:func:`accepts` declares a field's range on the field itself. :func:`from_dict` refuses what lies
outside it (so the API, the web forms and the imports refuse the same values) and
:func:`suyuan_core.bodies.object_schema` writes it into the OpenAPI document: one declaration read
by both, so the document and the server cannot disagree.

:func:`suyuan_core.bodies.parse` adds the JSON type checks an HTTP body needs on top of this.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs

from suyuan_core import bounds
from suyuan_core.domain.cases import PARTY_ROLES
from suyuan_core.errors import ValidationError
from suyuan_core.metrics.periods import period_pattern
from suyuan_core.times import parse_date

__all__ = ["BLANKS", "FILLED", "NOT_FUTURE", "NOT_FUTURE_TIME", "NO_NUL", "RANGE", "PartyInput",
           "Range", "accepts", "check_ranges", "date_conv", "from_dict", "from_json_file",
           "need_date", "nested", "one_of", "opt_date", "opt_date_conv", "range_of", "ranged",
           "strs", "text"]

T = TypeVar("T")
#: the characters ``str.strip`` removes (Python's whitespace), spelled out: ``\s`` means other
#: sets in Python (``\x1c``–``\x1f``, ``\x85``) and in the ECMA regexes of JSON Schema
#: (``\ufeff``), so a pattern written with it would say one thing and the server another.
BLANKS = (r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f"
          r"\u3000")
#: the ``pattern`` of a required text: something other than blanks (the converters trim).
FILLED = r"^[^\x00]*[^\x00" + BLANKS + r"][^\x00]*$"
#: the ``pattern`` of any text: no NUL character (which no database stores as text).
NO_NUL = r"^[^\x00]*$"
#: the ``pattern`` a :class:`Range` with ``not_future`` writes into a schema: a placeholder
#: (a real day, in any year counted) that the served OpenAPI document replaces with exactly the
#: days up to the deployment's today (:func:`suyuan_core.periods.days_up_to`).
NOT_FUTURE = r"^(?=[0-9]{4}-)" + period_pattern("day")[1:]
#: the ``pattern`` a :class:`Range` with ``not_future`` writes into the schema of a *time* field
#: (``dt.datetime``): a placeholder (a time in the years counted) that the served document
#: replaces with the times on the days up to two days before today (UTC) — written with any UTC
#: offset, such a time has passed. A pattern cannot follow the clock: the service takes the
#: later times too, up to now (the field's description says so).
NOT_FUTURE_TIME = r"^(?=[0-9]{4}-[0-9]{2}-[0-9]{2}T)(?:19|20|21)[0-9]{2}-"
#: the key of a field's :class:`Range` in its attrs metadata.
RANGE = "suyuan.range"


@attrs.frozen
class Range:
    """What a field accepts beyond its JSON type: one of ``enum``; a text of ``min_length`` …
    ``max_length`` characters matching ``pattern`` (searched, as JSON Schema does); a number in
    ``minimum`` … ``maximum``; a list of ``min_items`` … ``max_items`` whose every item is in
    ``items`` (no two equal when ``unique_items``); a day (``YYYY-MM-DD``) or a time that is
    ``not_future``. ``None`` (an optional field left empty) is always accepted; the converters
    decide what an empty value means.

    ``not_future`` is documented (the served document admits exactly the days up to the
    deployment's today; for a time, the times surely past, see :data:`NOT_FUTURE_TIME`) but,
    needing the deployment's clock and time zone, enforced by the service with
    :func:`suyuan_core.times.not_future` (a time: by the service's own check)."""

    enum: tuple[Any, ...] | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_items: int | None = None
    max_items: int | None = None
    items: Range | None = None
    unique_items: bool | None = None
    not_future: bool = False

    def schema(self) -> dict[str, Any]:
        """The OpenAPI keywords (litestar ``Schema`` field names) saying the same."""
        out = {k: v for k, v in attrs.asdict(self, recurse=False).items()
               if v is not None and k not in ("items", "not_future")}
        if self.enum is not None:
            out["enum"] = list(self.enum)
        if self.not_future:
            out["pattern"] = NOT_FUTURE
        return out

    def check(self, value: Any, field: str) -> None:
        """Refuse ``value`` outside the range, naming ``field``, the range and the fix."""
        if value is None:
            return
        if self.enum is not None and value not in self.enum:
            shown = ", ".join(str(v) for v in self.enum[:20])
            raise ValidationError(f"{str(value)[:60]!r} is not one of {shown}", field=field,
                                  rule="one_of", hint="use one of " + shown)
        if isinstance(value, str):
            if self.not_future and not (re.search(NOT_FUTURE, value)
                                        or re.search(NOT_FUTURE_TIME, value)):
                raise ValidationError(f"{value[:40]!r} is not a day", field=field, rule="date",
                                      hint="write a real day as YYYY-MM-DD, e.g. 2026-05-03, "
                                           "or a time as 2026-05-03T09:30+08:00")
            self._text(value, field)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            low, high = self.minimum, self.maximum
            if (low is not None and value < low) or (high is not None and value > high):
                raise ValidationError(f"{value} is out of range", field=field, rule="range",
                                      hint=_number_hint(low, high))
        elif isinstance(value, list | tuple):
            n = len(value)
            if (self.min_items is not None and n < self.min_items) or (
                    self.max_items is not None and n > self.max_items):
                raise ValidationError(f"{n} items", field=field, rule="items",
                                      hint=f"give {self.min_items or 0} to "
                                           f"{self.max_items or 'any number of'} items")
            if self.unique_items:
                seen: set[str] = set()
                for i, item in enumerate(value):
                    key = json.dumps(item, sort_keys=True, default=repr)
                    if key in seen:
                        raise ValidationError("repeats an earlier item", field=f"{field}[{i}]",
                                              rule="unique", hint="give each item once")
                    seen.add(key)
            if self.items is not None:
                for i, item in enumerate(value):
                    self.items.check(item, f"{field}[{i}]")

    def _text(self, value: str, field: str) -> None:
        n = len(value)
        if (self.min_length is not None and n < self.min_length) or (
                self.max_length is not None and n > self.max_length):
            raise ValidationError(f"is {n} characters long", field=field, rule="length",
                                  hint=f"give {self.min_length or 0} to "
                                       f"{self.max_length or 'any number of'} characters")
        if self.pattern is not None and not re.search(self.pattern, value):
            raise ValidationError(f"{value[:60]!r} is not in the expected form", field=field,
                                  rule="pattern", hint=f"match {self.pattern[:80]}")


def accepts(*, items: Range | Mapping[str, Any] | None = None, **limits: Any) -> dict[str, Range]:
    """``attrs.field(metadata=accepts(enum=KINDS))``: the field's :class:`Range` (``items`` a
    Range or the keywords of one), enforced by :func:`from_dict` and documented by
    :func:`suyuan_core.bodies.object_schema`."""
    inner = Range(**items) if isinstance(items, Mapping) else items
    if "enum" in limits:
        limits["enum"] = tuple(limits["enum"])
    return {RANGE: Range(items=inner, **limits)}


def ranged(*, default: Any = attrs.NOTHING, converter: Callable[[Any], Any] | None = None,
           items: Range | Mapping[str, Any] | None = None, **limits: Any) -> Any:
    """``attrs.field`` with a declared :class:`Range` (see :func:`accepts`), enforced also when
    the class is built directly (a validator over the converted value), so a service called by
    a plugin refuses what the API refuses::

        kind: str = inputs.ranged(enum=KINDS)
        note: str = inputs.ranged(default="", max_length=2000)
        target: int = inputs.ranged(minimum=1, maximum=10000)
    """
    metadata = accepts(items=items, **limits)
    limit = metadata[RANGE]

    def validate(instance: object, attribute: Any, value: Any) -> None:
        limit.check(value, attribute.name)

    return attrs.field(default=default, converter=converter, validator=validate,
                       metadata=metadata)


def range_of(field: Any) -> Range | None:
    """The :class:`Range` declared on an attrs field, if any."""
    found = field.metadata.get(RANGE)
    return found if isinstance(found, Range) else None


def check_ranges(cls: type, data: Mapping[str, Any], prefix: str = "") -> None:
    """Refuse any present value of ``data`` outside its field's declared :class:`Range`."""
    for f in attrs.fields(cls):  # type: ignore[arg-type]
        limits = range_of(f)
        if limits is not None and f.name in data:
            limits.check(data[f.name], f"{prefix}.{f.name}" if prefix else f.name)


def from_dict(cls: type[T], data: Any, where: str | None = None, *,
              refuse: Callable[[Mapping[str, Any], str], None] | None = None) -> T:
    """``cls(**data)``, refusing what is not an object, unknown fields (listing the known ones)
    and missing required fields by name. ``refuse(data, where)`` runs first, for a plugin's own
    rule over the keys (self_governance refuses any fee field: mediation is free by law)."""
    name = where or cls.__name__
    if not isinstance(data, Mapping):
        raise ValidationError("expected an object", field=name, rule="type",
                              hint="send an object of the fields, e.g. {\"name\": …}")
    if refuse is not None:
        refuse(data, name)
    fields = attrs.fields(cls)  # type: ignore[arg-type]
    known = {f.name for f in fields}
    unknown = sorted(str(k) for k in set(data) - known)
    if unknown:
        raise ValidationError(f"unknown field(s) {', '.join(unknown)}", field=name,
                              rule="known_fields", hint="known: " + ", ".join(sorted(known)))
    for f in fields:
        if f.default is attrs.NOTHING and f.name not in data:
            raise ValidationError("is required", field=f.name, rule="required",
                                  hint=f"add {f.name} to the {name}")
    check_ranges(cls, data)  # type: ignore[arg-type]
    try:
        return cls(**data)
    except (TypeError, ValueError) as exc:  # a converter's own refusal is a ValidationError
        raise ValidationError(str(exc), field=name, rule="shape",
                              hint="see the fields' types in the documentation") from None


def from_json_file(path: str | Path, cls: type[T], *,
                   refuse: Callable[[Mapping[str, Any], str], None] | None = None) -> T:
    """:func:`from_dict` over a UTF-8 JSON file holding one object (a CLI's ``--file``); an
    unreadable or malformed file is a 422 naming it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(f"cannot read {path}: {exc}", field="file", rule="json",
                              hint="give a UTF-8 JSON file with one object") from None
    return from_dict(cls, data, refuse=refuse)


def strs(value: Iterable[Any] | str | None) -> tuple[str, ...]:
    """attrs converter: any iterable of texts → a tuple (one text alone is one item, None none)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def text(value: Any, field: str, *, max_length: int = 200, required: bool = True) -> str:
    """Trimmed text of at most ``max_length`` characters, without NUL; empty only when not
    ``required`` (None counts as empty)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"expected text, not {type(value).__name__}", field=field,
                              rule="type", hint="send it as a string")
    found = value.strip()
    if required and not found:
        raise ValidationError("must not be empty", field=field, rule="required",
                              hint=f"give the {field}")
    if len(found) > max_length:
        raise ValidationError(f"longer than {max_length} characters", field=field,
                              rule="max_length", hint=f"shorten it to {max_length} characters")
    if "\x00" in found:
        raise ValidationError("contains a NUL character", field=field, rule="text",
                              hint="remove the NUL character")
    return found


def one_of(choices: Iterable[str], value: Any, field: str) -> str:
    """``value`` when it is one of ``choices`` (codes; a vocabulary's keys), else a 422 listing
    them."""
    allowed = list(choices)
    if not isinstance(value, str) or value not in allowed:
        raise ValidationError(f"{value!r} is not one of {', '.join(allowed)}", field=field,
                              rule="one_of", hint="use one of " + ", ".join(allowed))
    return value


def opt_date(value: Any, field: str) -> dt.date | None:
    """An optional calendar day: None or "" → None, else :func:`suyuan_core.times.parse_date`."""
    return None if value is None or value == "" else parse_date(value, field)


def need_date(value: Any, field: str) -> dt.date:
    """A required calendar day (``YYYY-MM-DD``)."""
    found = opt_date(value, field)
    if found is None:
        raise ValidationError("a date is required", field=field, rule="required",
                              hint="write it as YYYY-MM-DD, e.g. 2026-05-03")
    return found


def date_conv(field: str) -> Callable[[Any], dt.date]:
    """attrs converter for a required day, naming ``field`` in its error."""
    return lambda value: need_date(value, field)


def opt_date_conv(field: str) -> Callable[[Any], dt.date | None]:
    """attrs converter for an optional day."""
    return lambda value: opt_date(value, field)


def _number_hint(low: float | None, high: float | None) -> str:
    """``give a number from 1 to 12``, or the one bound there is (short, never ``None``)."""
    def shown(v: float) -> str:
        return f"{v:g}"
    if low is not None and high is not None:
        return f"give a number from {shown(low)} to {shown(high)}"
    return (f"give a number of at least {shown(low)}" if low is not None
            else f"give a number of at most {shown(high)}" if high is not None else "")


def nested(cls: type[T], field: str, *,
           refuse: Callable[[Mapping[str, Any], str], None] | None = None,
           ) -> Callable[[Any], tuple[T, ...]]:
    """attrs converter of a list of objects typed ``tuple[cls, ...]`` (which
    :func:`suyuan_core.bodies.schema_for` documents as ``cls``'s object schema): each item built
    by :func:`from_dict` (unknown and missing fields, ranges and ``refuse`` refused, naming
    ``field[i]``); an item that is already a ``cls`` is kept."""
    def convert(value: Any) -> tuple[T, ...]:
        if value is None:
            return ()
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise ValidationError("expected a list of objects", field=field, rule="type",
                                  hint=f"send [{{…}}, …], each a {cls.__name__}")
        return tuple(item if isinstance(item, cls) else _item(cls, item, f"{field}[{i}]", refuse)
                     for i, item in enumerate(value))
    return convert


def _item(cls: type[T], data: Any, where: str,
          refuse: Callable[[Mapping[str, Any], str], None] | None) -> T:
    try:
        return from_dict(cls, data, where, refuse=refuse)
    except ValidationError as exc:
        if exc.field and exc.field != where and not exc.field.startswith(where):
            raise ValidationError(exc.message, field=f"{where}.{exc.field}", rule=exc.rule,
                                  hint=exc.hint) from None
        raise


def _text_of(name: str, *, filled: bool = False) -> dict[str, Range]:
    bound = bounds.PARTY[name]
    return accepts(min_length=bound.min_length or None, max_length=bound.max_length,
                   pattern=FILLED if filled else NO_NUL)


@attrs.frozen
class PartyInput:
    """A party (当事人) as a request gives it: a name, a role and, optionally, how to reach her
    (the same bounds as a case's parties, :data:`suyuan_core.bounds.PARTY`)."""

    name: str = attrs.field(metadata=_text_of("name", filled=True))
    role: str = attrs.field(default="party", metadata=accepts(enum=sorted(PARTY_ROLES)))
    phone: str | None = attrs.field(default=None, metadata=_text_of("phone"))
    id_number: str | None = attrs.field(default=None, metadata=_text_of("id_number"))
    address: str | None = attrs.field(default=None, metadata=_text_of("address"))
    #: the party asked to stay anonymous: hidden from the handling unit.
    anonymous: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The party as :class:`suyuan_core.NewCase` takes it (empty fields left out)."""
        return {k: v for k, v in attrs.asdict(self).items() if v not in (None, False)}
