"""Request bodies: the core's (:mod:`suyuan_core.bodies`), with this pillar's one extra rule —
any fee field is refused, since people's mediation is free by law."""

from __future__ import annotations

from typing import Any, TypeVar

from suyuan_core.bodies import body, object_schema
from suyuan_core.bodies import parse as _parse
from suyuan_self_governance.common import refuse_fees

__all__ = ["body", "object_schema", "parse"]

T = TypeVar("T")


def parse(cls: type[T], data: Any, **fixed: Any) -> T:
    """:func:`suyuan_core.bodies.parse`, refusing fee fields."""
    return _parse(cls, data, refuse=refuse_fees, **fixed)
