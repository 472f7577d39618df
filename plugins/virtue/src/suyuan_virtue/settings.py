"""``[plugins.virtue]`` in suyuan.toml: the local rules. The registers' encryption keys and the
shortest reason for unmasking are the core's ``[privacy]`` section (docs/config.md).

The statutory rules (who may read a sealed minor's record, that a PIA precedes processing, that
every unmasking needs a reason and is audited) are code, not settings: a county cannot switch them
off in a config file. Periods and thresholds that are local practice are settings with the
documented default (DOMAIN-RULES §5: make M/L rules configuration).
"""

from __future__ import annotations

import attrs


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be at least 1, not {value}")


@attrs.frozen
class Settings:
    #: counts about the registers below this are shown as "<N" (small-cell suppression).
    small_count: int = attrs.field(default=5, validator=_positive)
    #: years a community-correction record is kept after its term ends, then purged.
    correction_retention_years: int = attrs.field(default=5, validator=_positive)
    #: years a resettlement (安置帮教) record is kept after its term ends (帮教期), then purged.
    resettlement_retention_years: int = attrs.field(default=5, validator=_positive)
    #: years a counselling referral is kept after it closes.
    counselling_retention_years: int = attrs.field(default=3, validator=_positive)
    #: public notice period (公示期) of a moral-model selection, calendar days.
    notice_days: int = attrs.field(default=7, validator=_positive)
    #: 收养登记 review: days from the application to the decision (《中国公民收养子女登记办法》:
    #: 30 days from the day after receipt).
    adoption_review_days: int = attrs.field(default=30, validator=_positive)
    #: months between reviews of a guardianship agreement for a left-behind child.
    guardianship_review_months: int = attrs.field(default=6, validator=_positive)
    #: days after a counselling session by which its follow-up is due.
    counselling_follow_up_days: int = attrs.field(default=30, validator=_positive)
    #: the case category routed to a marriage mediator plus a kin mediation team.
    marriage_categories: tuple[str, ...] = ("marriage_family",)
