"""Request bodies: the core's (:mod:`suyuan_core.bodies`), with this pillar's one extra rule —
any fee field is refused, since people's mediation is free by law."""

from __future__ import annotations

from typing import Any, TypeVar

from suyuan_core.bodies import body, list_body, object_schema
from suyuan_core.bodies import parse as _parse
from suyuan_core.bodies import parse_list as _parse_list
from suyuan_self_governance.common import refuse_fees

__all__ = ["body", "list_body", "object_schema", "parse", "parse_list"]

T = TypeVar("T")


def parse(cls: type[T], data: Any, **fixed: Any) -> T:
    """:func:`suyuan_core.bodies.parse`, refusing fee fields."""
    return _parse(cls, data, refuse=refuse_fees, **fixed)


def parse_list(cls: type[T], data: Any, key: str, **options: Any) -> list[T]:
    """:func:`suyuan_core.bodies.parse_list`, refusing fee fields in every item."""
    return _parse_list(cls, data, key, refuse=refuse_fees, **options)
