"""Cases (disputes and appeals), their parties, and the append-only events they are made of."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from suyuan_core.domain.areas import Level, to_level
from suyuan_core.domain.lifecycle import Status
from suyuan_core.domain.rules import at_least, identifier, non_empty, one_of
from suyuan_core.errors import ValidationError

CASE_KINDS = frozenset({"dispute", "appeal"})
PARTY_ROLES = frozenset({"applicant", "respondent", "party", "caller"})
#: a callback's ratings, best first (满意 / 基本满意 / 不满意).
RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")
SATISFACTION = frozenset(RATINGS)


def check_callback(data: dict[str, Any]) -> None:
    """The callback rule, in one place (every path that writes a ``callback`` event meets it):
    a rating is one of :data:`RATINGS`, and a resident who was not reached gives no rating and
    says nothing about whether the matter is resolved."""
    rating = data.get("satisfaction")
    if rating is not None and rating not in SATISFACTION:
        raise ValidationError(f"{rating!r} is not a rating", field="satisfaction", rule="one_of",
                              hint="use " + ", ".join(RATINGS))
    if data.get("reached") is False and (rating is not None or data.get("resolved") is not None):
        raise ValidationError("a resident who was not reached cannot give a rating",
                              field="satisfaction", rule="callback",
                              hint="leave satisfaction (and resolved) empty when reached is false")


@attrs.frozen
class Party:
    """当事人. Personal fields are masked on display unless the viewer may unmask them."""

    name: str = attrs.field(validator=non_empty)
    role: str = attrs.field(default="party", validator=one_of(PARTY_ROLES))
    phone: str | None = None
    id_number: str | None = None
    address: str | None = None
    anonymous: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in attrs.asdict(self).items() if v not in (None, False)}


def _aware(obj: object, attribute: attrs.Attribute[Any], value: dt.datetime | None) -> None:
    if value is not None and (not isinstance(value, dt.datetime) or value.tzinfo is None):
        raise ValidationError("must be a timezone-aware datetime",
                              field=f"{type(obj).__name__}.{attribute.name}", rule="aware_datetime",
                              hint="attach a timezone, e.g. datetime.now(timezone.utc)")


def _parties(value: Iterable[Party | dict[str, Any]] | None) -> tuple[Party, ...]:
    return tuple(p if isinstance(p, Party) else Party(**p) for p in (value or ()))


@attrs.frozen
class Case:
    """The current state of a case: a projection of its events (never edited directly)."""

    id: int | None
    kind: str = attrs.field(validator=one_of(CASE_KINDS))
    title: str = attrs.field(validator=non_empty)
    category: str = attrs.field(validator=identifier)
    source: str = attrs.field(validator=identifier)
    area_code: str = attrs.field(validator=non_empty)
    level: Level = attrs.field(converter=to_level)
    handling_area_code: str | None = None
    status: Status = attrs.field(default=Status.reported, converter=Status)
    version: int = attrs.field(default=0, validator=at_least(0))
    description: str = ""
    source_ref: str | None = None
    parties: tuple[Party, ...] = attrs.field(default=(), converter=_parties)
    deadline: dt.datetime | None = attrs.field(default=None, validator=_aware)
    reported_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    closed_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    outcome: str | None = None
    satisfaction: str | None = None
    assignees: tuple[str, ...] = ()
    data: dict[str, Any] = attrs.field(factory=dict)
    #: the case this one was merged into as a duplicate (a ``merge`` event sets it, ``unmerge``
    #: clears it). A merged case keeps its own history but counts in no figure: see
    #: :class:`~suyuan_core.EventFacts` ``merged``.
    merged_into: int | None = None


@attrs.frozen
class CaseEvent:
    """One append-only fact about a case. ``seq`` numbers a case's events from 1 without gaps."""

    case_id: int
    seq: int = attrs.field(validator=at_least(1))
    kind: str = attrs.field(validator=non_empty)
    actor: str = attrs.field(validator=non_empty)
    occurred_at: dt.datetime = attrs.field(validator=_aware)
    data: dict[str, Any] = attrs.field(factory=dict)
    status_before: Status | None = None
    status_after: Status | None = None
    level: Level | None = None
    reason: str | None = None
