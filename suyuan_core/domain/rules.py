"""attrs validators whose errors name the field and the rule broken."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

import attrs

from suyuan_core.errors import ValidationError

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


def _name(obj: Any, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(obj).__name__}.{attribute.name}"


def identifier(obj: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """snake_case identifier, e.g. ``marriage_family``."""
    if not isinstance(value, str) or not _IDENT.match(value):
        raise ValidationError(f"{value!r} is not a snake_case identifier",
                              field=_name(obj, attribute), rule="identifier",
                              hint="use lower-case letters, digits and _ and start with a letter")


def non_empty(obj: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("must be a non-empty text", field=_name(obj, attribute),
                              rule="non_empty")


def one_of(choices: Collection[str]) -> Validator:
    def check(obj: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in choices:
            raise ValidationError(f"{value!r} is not one of {', '.join(sorted(choices))}",
                                  field=_name(obj, attribute), rule="one_of")
    return check


def at_least(minimum: int) -> Validator:
    def check(obj: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value < minimum:
            raise ValidationError(f"{value!r} is less than {minimum}",
                                  field=_name(obj, attribute), rule=f">= {minimum}")
    return check


def optional(validator: Validator) -> Validator:
    def check(obj: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            validator(obj, attribute, value)
    return check
