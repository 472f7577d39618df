"""The Organic Law of Villagers' Committees' quorum and majority rules, as exact integer counts.

Legal counting (Civil Code Art 1259): 以上 includes the number, 过半数 ("more than half") is
``2·x > n``. No floating point anywhere, so a meeting exactly at a threshold is decided right.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from suyuan_core import ValidationError
from suyuan_core.inputs import accepts
from suyuan_self_governance.vocab import MEETING_BODIES


def _count(name: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or value < 0):
            raise ValidationError(f"{value!r} is not a count (a whole number ≥ 0)",
                                  field=f"meeting.{name}", rule="count")
    return check


#: a head count (应到 at least one): the document states the range the validators check.
COUNT = accepts(minimum=0, maximum=10**7)
COUNT_1 = accepts(minimum=1, maximum=10**7)


@attrs.frozen
class Meeting:
    """A meeting's register: 应到 (``members``), 实到 (``present``), votes, and households for the
    villagers' assembly's alternative quorum."""

    #: households and households_present come together, or not at all
    SCHEMA_RULES: ClassVar[Mapping[str, Any]] = {"dependent_required": {
        "households": ["households_present"], "households_present": ["households"]}}

    body: str = attrs.field(metadata=accepts(enum=MEETING_BODIES))
    members: int = attrs.field(validator=_count("members"), metadata=COUNT_1)
    present: int = attrs.field(validator=_count("present"), metadata=COUNT)
    yes: int | None = attrs.field(default=None, validator=_count("yes"), metadata=COUNT)
    no: int | None = attrs.field(default=None, validator=_count("no"), metadata=COUNT)
    abstain: int | None = attrs.field(default=None, validator=_count("abstain"), metadata=COUNT)
    households: int | None = attrs.field(default=None, validator=_count("households"),
                                         metadata=COUNT)
    households_present: int | None = attrs.field(default=None,
                                                 validator=_count("households_present"),
                                                 metadata=COUNT)

    def __attrs_post_init__(self) -> None:
        if self.body not in MEETING_BODIES:
            raise ValidationError(f"{self.body!r} is not one of {', '.join(MEETING_BODIES)}",
                                  field="meeting.body", rule="one_of")
        if self.members < 1:
            raise ValidationError("a meeting needs at least one member (应到)",
                                  field="meeting.members", rule=">= 1")
        if self.present > self.members:
            raise ValidationError(f"{self.present} present is more than the {self.members} "
                                  "members (实到 > 应到)", field="meeting.present", rule="<= members")
        votes = sum(v for v in (self.yes, self.no, self.abstain) if v is not None)
        if votes > self.present:
            raise ValidationError(f"{votes} votes cast by {self.present} people present",
                                  field="meeting.yes", rule="votes <= present")
        if (self.households is None) != (self.households_present is None):
            raise ValidationError("give both households and households_present, or neither",
                                  field="meeting.households", rule="pair")
        if self.households is not None and self.households_present is not None \
                and self.households_present > self.households:
            raise ValidationError(f"{self.households_present} households represented out of "
                                  f"{self.households}", field="meeting.households_present",
                                  rule="<= households")

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in attrs.asdict(self).items() if v is not None}


def meeting_from(data: Meeting | dict[str, Any]) -> Meeting:
    if isinstance(data, Meeting):
        return data
    from suyuan_self_governance.common import from_dict

    return from_dict(Meeting, data, "meeting")


def quorum(m: Meeting, review_fraction: tuple[int, int] = (2, 3)) -> tuple[bool, str, str]:
    """(quorate?, the rule's name, the rule and the counts in words)."""
    p, n = m.present, m.members
    if m.body in ("villagers_assembly", "residents_assembly", "villager_group"):
        art = "organic_law_art28_quorum" if m.body == "villager_group" else "organic_law_art22_quorum"
        if m.body == "villager_group":
            by_people = 3 * p >= 2 * n
            people_rule = f"at least two thirds of adults present ({p} of {n})"
        else:
            by_people = 2 * p > n
            people_rule = f"more than half of adult villagers present ({p} of {n})"
        text = people_rule
        by_households = False
        if m.households is not None and m.households_present is not None:
            by_households = 3 * m.households_present >= 2 * m.households
            text += (f", or representatives of at least two thirds of households "
                     f"({m.households_present} of {m.households})")
        zh = ("村民小组会议须有三分之二以上成员或户代表参加" if m.body == "villager_group" else
              "村民会议须有本村十八周岁以上村民过半数或三分之二以上户的代表参加")
        return by_people or by_households, art, f"{zh}: {text}"
    if m.body == "representative_assembly":
        return (3 * p >= 2 * n, "organic_law_art26_quorum",
                f"村民代表会议须有三分之二以上组成人员参加: at least two thirds of the representatives "
                f"present ({p} of {n})")
    if m.body == "party_members_meeting":
        num, den = review_fraction
        return (den * p >= num * n, "party_members_meeting_quorum",
                f"党员大会须有{num}/{den}以上党员到会: at least {num}/{den} of Party members present "
                f"({p} of {n})")
    return 2 * p > n, "majority_present", f"须过半数成员到会: more than half present ({p} of {n})"


def require_quorum(m: Meeting, review_fraction: tuple[int, int] = (2, 3)) -> None:
    ok, rule, text = quorum(m, review_fraction)
    if not ok:
        raise ValidationError(f"the meeting is inquorate: {text}", field="meeting.present",
                              rule=rule, hint="nothing was recorded; hold the meeting again with "
                                              "enough members present")


def passed(m: Meeting, matter: str | None = None) -> tuple[bool, str]:
    """Whether the vote carried: more than half of those present (Art 22/26), or for a land
    contracting plan two thirds of all members (Rural Land Contracting Law Art 19/28)."""
    if m.yes is None:
        raise ValidationError("a decision needs the vote count (yes)", field="meeting.yes",
                              rule="required")
    if matter == "land_contracting":
        return (3 * m.yes >= 2 * m.members,
                f"土地承包方案须经三分之二以上成员同意: {m.yes} yes of {m.members} members")
    return 2 * m.yes > m.present, f"须经到会人员过半数通过: {m.yes} yes of {m.present} present"
