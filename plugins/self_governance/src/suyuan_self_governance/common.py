"""Small shared pieces: reading inputs (JSON from the CLI or HTTP), area coverage, dating an
event reported by its day. Time, roster look-ups and route helpers are the core's public API
(suyuan_core.times, ``deployment.roster``, suyuan_core.http)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Deployment, ValidationError, inputs, tables, times

# the core's input helpers, under the names this pillar's modules use
from suyuan_core.inputs import date_conv, opt_date_conv, strs
from suyuan_core.inputs import one_of as code_of
from suyuan_core.inputs import opt_date as to_date

__all__ = ["code_of", "date_conv", "from_dict", "opt_date_conv", "strs", "to_date"]

T = TypeVar("T")

#: any of these in an input means someone tries to record a charge: refused everywhere.
FEE_WORDS = ("fee", "fees", "charge", "charges", "cost", "price", "payment_to_mediator",
             "费用", "收费", "调解费")
NO_FEE = ("people's mediation charges no fee of any kind "
          "(人民调解不收取任何费用, People's Mediation Law Art 4)")


def refuse_fees(data: Mapping[str, Any], where: str) -> None:
    for key in data:
        if str(key).lower() in FEE_WORDS:
            raise ValidationError(NO_FEE, field=f"{where}.{key}", rule="no_fee")


def from_dict(cls: type[T], data: Mapping[str, Any], where: str | None = None) -> T:
    """:func:`suyuan_core.inputs.from_dict`, refusing fee fields with the law that forbids them."""
    return inputs.from_dict(cls, data, where, refuse=refuse_fees)


def time_conv(field: str) -> Any:
    """An attrs converter: an aware ISO time (or datetime) → a datetime, errors naming ``field``."""
    return lambda value: times.parse_datetime(value, field)


def covers(d: Deployment, areas: Sequence[str], area_code: str) -> bool:
    """Whether someone covering ``areas`` covers ``area_code`` (it is in one of their subtrees)."""
    tree = d.areas.tree
    if area_code not in tree:
        return False
    above = set(tree.ancestors(area_code))
    return any(a in above for a in areas)


def area_names(d: Deployment, codes: Sequence[str]) -> str:
    tree = d.areas.tree
    return "、".join(tree.name(c) for c in codes) or "no area"


def event_time(d: Deployment, s: Session, case_id: int, day: dt.date) -> dt.datetime:
    """:meth:`suyuan_core.CaseService.day_time`: noon of ``day``, never before the case's last
    event."""
    return d.cases.day_time(case_id, day, s)


def open_load(s: Session, handlers: Sequence[str]) -> dict[str, int]:
    """Open cases per handler (``person:<id>``) among assigned and in-progress cases."""
    c = tables.cases.c
    wanted = set(handlers)
    load: dict[str, int] = {}
    rows = s.execute(sa.select(c.assignees).where(c.status.in_(["assigned", "in_progress"])))
    for (assignees,) in rows:
        for a in assignees or ():
            if a in wanted:
                load[a] = load.get(a, 0) + 1
    return load
