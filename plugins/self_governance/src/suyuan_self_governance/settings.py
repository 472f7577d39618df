"""``[plugins.self_governance]`` in suyuan.toml: the rules that are local practice, not statute.

Statutory rules (committee size 3–9, one chair, a woman, a 3-year term; the Organic Law's quorum
and majority counts; no fees) are constants in the code, not settings: a county cannot vote them
away in a config file.
"""

from __future__ import annotations

import attrs


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be at least 1, not {value}")


@attrs.frozen
class Settings:
    #: 司法部《人民调解工作若干规定》(2002) Art 33: mediation is "generally settled within one
    #: month"; provinces allow longer when both parties agree. Calendar months from acceptance.
    mediation_limit_months: int = attrs.field(default=1, validator=_positive)
    #: categories the mediation time limit applies to; empty means every dispute (kind ``dispute``).
    mediation_limit_categories: tuple[str, ...] = ()
    #: 村务公开 (Organic Law Art 30): days after the decision by which the resolution is disclosed.
    resolution_disclosure_days: int = attrs.field(default=5, validator=_positive)
    #: days after the resolution's disclosure by which the result of carrying it out is disclosed
    #: (general matters at least quarterly).
    result_disclosure_days: int = attrs.field(default=90, validator=_positive)
    #: 党员大会审议 (local rule): quorum as a fraction of Party members, default two thirds.
    review_quorum_numerator: int = attrs.field(default=2, validator=_positive)
    review_quorum_denominator: int = attrs.field(default=3, validator=_positive)
    #: roster roles that count as mediators (for sessions, routing and assignment).
    mediator_roles: tuple[str, ...] = ("mediator", "lawyer")
    #: roster roles that may record patrols.
    patrol_roles: tuple[str, ...] = ("grid_worker", "micro_grid_worker", "patrol_volunteer")
    #: how many mediators routing proposes at most.
    route_max_proposals: int = attrs.field(default=8, validator=_positive)
