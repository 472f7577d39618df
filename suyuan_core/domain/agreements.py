"""What one pillar tells another about a mediation agreement, and the outside systems a pillar
reaches through a hook (a court's mediation platform, a video-conference system).

The pillar that keeps mediation agreements (self_governance, or any plugin) answers
``suyuan_mediation_agreement`` with a :class:`MediationAgreement`; the pillar that files judicial
confirmation (rule_of_law) reads it and, when the court decides, calls
``suyuan_judicial_confirmation_decided`` so the keeper moves the agreement's state. Neither imports
the other: both speak these public values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

from suyuan_core.errors import ValidationError

#: the outcomes a court gives on an application for judicial confirmation (人民调解法 Art 33).
CONFIRMATION_OUTCOMES = ("confirmed", "refused")


def _parties(value: Sequence[Mapping[str, Any]]) -> tuple[dict[str, str], ...]:
    out = tuple({str(k): str(v) for k, v in p.items()} for p in value)
    for i, p in enumerate(out):
        if not p.get("name", "").strip():
            raise ValidationError("each party has a name", field=f"parties[{i}].name",
                                  rule="required")
    return out


@attrs.frozen
class MediationAgreement:
    """A mediation agreement as another pillar sees it.

    ``ref`` is ``"<plugin>:<id>"`` (e.g. ``"self_governance:12"``) so every plugin answers only for
    its own agreements; ``effective_on`` is None while the agreement has not taken effect (an
    unsigned written agreement). ``matter`` is the category code of the case it settled; ``status``
    the keeper's own state (``effective``, ``performed``, ``court_confirmed`` …).
    """

    ref: str
    case_id: int
    area_code: str
    matter: str
    parties: tuple[dict[str, str], ...] = attrs.field(converter=_parties)
    effective_on: dt.date | None
    status: str
    terms: str = ""
    form: str = "written"

    def __attrs_post_init__(self) -> None:
        plugin, _, local = self.ref.partition(":")
        if not plugin or not local:
            raise ValidationError(f"{self.ref!r} is not <plugin>:<id>", field="ref",
                                  rule="agreement_ref")

    @property
    def keeper(self) -> str:
        """The plugin that keeps the agreement (the part of ``ref`` before the colon)."""
        return self.ref.partition(":")[0]

    @property
    def party_names(self) -> tuple[str, ...]:
        return tuple(p["name"] for p in self.parties)


@attrs.frozen
class ConfirmationDecision:
    """A court's decision on judicial confirmation, handed to the agreement's keeper."""

    agreement_ref: str
    outcome: str
    decided_on: dt.date
    court_case_number: str
    application_id: int
    reason: str = ""

    def __attrs_post_init__(self) -> None:
        if self.outcome not in CONFIRMATION_OUTCOMES:
            raise ValidationError(f"{self.outcome!r} is not one of "
                                  f"{', '.join(CONFIRMATION_OUTCOMES)}", field="outcome",
                                  rule="one_of")


@attrs.frozen
class VideoRoom:
    """A remote mediation room in an existing video system: where the parties join."""

    system: str
    room: str
    join_url: str


@runtime_checkable
class CourtPlatform(Protocol):
    """A connection to a court's online mediation platform (人民法院调解平台 / 和合智解).

    ``pull`` returns the cases the court delegated (委派) or entrusted (委托) as plain records
    (``{"platform_ref", "kind", "title", "category", "area_code", "parties", "due_on", …}``);
    ``push`` sends results (``{"platform_ref", "result", "closed_on", …}``) and returns how many
    the platform accepted. Both must be safe to repeat: the caller de-duplicates by
    ``platform_ref``.
    """

    name: str

    def pull(self) -> Sequence[Mapping[str, Any]]: ...

    def push(self, results: Sequence[Mapping[str, Any]]) -> int: ...
