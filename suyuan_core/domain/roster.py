"""The roster: people, organisations and the roles they hold (mediators, grid workers, committees …)."""

from __future__ import annotations

import datetime as dt

import attrs

from suyuan_core.domain.labels import Label, label
from suyuan_core.domain.rules import at_least, identifier, non_empty, one_of
from suyuan_core.errors import ValidationError

GENDERS = frozenset({"female", "male", "unknown"})
EMPLOYMENT = frozenset({"full_time", "part_time"})


def _tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.replace("；", ";").split(";") if v.strip())
    return tuple(str(v) for v in value)  # type: ignore[attr-defined]


@attrs.frozen
class Role:
    """A roster role a person can hold, registered by the core or a plugin (e.g. ``mediator``)."""

    code: str = attrs.field(validator=identifier)
    label: Label = attrs.field(converter=label)
    #: the permissions the role grants (see ``suyuan_register_permissions``).
    permissions: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    #: the plugin that registered it (filled in by the registry).
    provider: str = "suyuan_core"


@attrs.frozen
class Person:
    """A member of the roster. ``external_id`` is the county's own id; imports are idempotent on it."""

    external_id: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty)
    roles: tuple[str, ...] = attrs.field(converter=_tuple)
    areas: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    gender: str = attrs.field(default="unknown", validator=one_of(GENDERS))
    employment: str = attrs.field(default="part_time", validator=one_of(EMPLOYMENT))
    specialities: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    capacity: int = attrs.field(default=10, validator=at_least(0))
    phone: str | None = None
    organisation: str | None = None
    active_from: dt.date | None = None
    active_to: dt.date | None = None
    id: int | None = None

    def __attrs_post_init__(self) -> None:
        if not self.roles:
            raise ValidationError("a roster member needs at least one role",
                                  field="Person.roles", rule="non_empty",
                                  hint="e.g. roles = mediator")
        if self.active_from and self.active_to and self.active_to < self.active_from:
            raise ValidationError("active_to is before active_from", field="Person.active_to",
                                  rule="period")

    def active_on(self, day: dt.date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or day <= self.active_to)


@attrs.frozen
class Organisation:
    """A body on the roster: a mediation committee, a studio, a department, an invited organisation."""

    external_id: str = attrs.field(validator=non_empty)
    name: str = attrs.field(validator=non_empty)
    kind: str = attrs.field(validator=identifier)
    area_code: str = attrs.field(validator=non_empty)
    id: int | None = None
