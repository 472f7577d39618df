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

    lecture = inputs.from_dict(LectureIn, {"community": "C.T1.V1", "held_on": "2026-05-03"})

:func:`suyuan_core.bodies.parse` adds the JSON type checks an HTTP body needs on top of this.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs

from suyuan_core.errors import ValidationError
from suyuan_core.times import parse_date

__all__ = ["date_conv", "from_dict", "from_json_file", "need_date", "one_of", "opt_date",
           "opt_date_conv", "strs", "text"]

T = TypeVar("T")


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
