"""``[plugins.co_governance]`` in suyuan.toml: the local practice a county may set."""

from __future__ import annotations

import attrs


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be at least 1, not {value}")


@attrs.frozen
class Settings:
    #: organisation kinds that count as mediation bodies (in which a Party group should exist;
    #: seed §四 一: "在各类矛盾纠纷调解组织中建立健全党的组织").
    mediation_body_kinds: tuple[str, ...] = ("mediation_committee", "mediation_studio",
                                             "industry_committee", "invited_mediation_org")
    #: the most hours one volunteer-hours entry may carry (one day's service).
    max_hours_per_entry: int = attrs.field(default=12, validator=_positive)
    #: the score a committee's exact-category match gets in routing (a parent-category match
    #: gets 0.1 less; each rank of priority behind another committee 0.05 less).
    route_score: float = 0.9
    #: the ledger's reference prefix (挂号号), e.g. ``ZDCQ-2026-0001``.
    ledger_prefix: str = "ZDCQ"
