"""What plugins register at start-up: categories, intake sources, permissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from suyuan_core.domain.labels import Label, label
from suyuan_core.domain.rules import identifier
from suyuan_core.errors import ValidationError


@attrs.frozen
class Category:
    """A case category in the versioned code list (DOMAIN-RULES §7).

    ``valid_from``/``valid_to`` bound when new cases may use it; old cases keep theirs.
    """

    code: str = attrs.field(validator=identifier)
    label: Label = attrs.field(converter=label)
    parent: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    provider: str = "suyuan_core"

    def __attrs_post_init__(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError(f"category {self.code}: valid_to is before valid_from",
                                  field="Category.valid_to", rule="period")

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to)


@attrs.frozen
class IntakeSource:
    """A channel cases come in through (walk-in, 12345 hotline, a webhook …)."""

    code: str = attrs.field(validator=identifier)
    label: Label = attrs.field(converter=label)
    #: the kind of case this channel brings by default.
    case_kind: str = "dispute"
    provider: str = "suyuan_core"


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Permission:
    """A right a role may grant, e.g. ``cases.transition`` or ``roster.edit``.

    ``granted_to`` names roles registered by others (the core's ``official``, ``supervisor`` …)
    that also grant this permission, so a plugin can give existing roles its new rights without
    redefining them; naming a role nobody registered is a start-up error.

    ``restricted`` marks a right the law gives to named roles only (a sealed minor's record, a
    community-correction register): the county administrator, who otherwise holds every
    permission the plugins register, does not get it — only the roles that name it do.
    """

    code: str = attrs.field()
    label: Label = attrs.field(converter=label)
    provider: str = "suyuan_core"
    granted_to: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    restricted: bool = False

    @code.validator
    def _check(self, attribute: attrs.Attribute[str], value: str) -> None:
        parts = value.split(".")
        if len(parts) < 2 or not all(p and p.replace("_", "a").isalnum() and p.islower()
                                     for p in parts):
            raise ValidationError(f"{value!r} is not a permission code",
                                  field="Permission.code", rule="dotted_identifier",
                                  hint="use dotted lower-case words, e.g. cases.transition")


@attrs.frozen
class Suggestion:
    """A category suggested by ``suyuan_case_classify``."""

    category: str = attrs.field(validator=identifier)
    confidence: float = 0.0
    reason: str = ""


@attrs.frozen
class RouteProposal:
    """A handler proposed by ``suyuan_case_route``: a person or an organisation, scored and explained."""

    handler_kind: str  # "person" | "organisation"
    handler_id: str
    score: float
    reason: str
    provider: str = ""


@attrs.frozen
class Refusal:
    """Returned by ``suyuan_case_before_transition`` to stop a change, with the reason shown to users."""

    reason: str


@attrs.frozen
class EscalationTarget:
    """Where ``suyuan_case_escalation_target`` sends a case instead of the parent area."""

    level: str
    area_code: str | None
    reason: str = ""


@attrs.frozen
class Problem:
    """A validation finding from a plugin hook: ``field`` and ``message``."""

    field: str
    message: str
