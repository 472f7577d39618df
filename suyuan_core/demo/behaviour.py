"""How a demo case goes, case by case: the odds that its mediation fails, that an appeal is not
resolved, that a caller is unhappy — from the case's own attributes (its category, the level it
starts at, whether it was resolved).

Each case draws its own outcome from these odds, so the figures computed from the events
*land near* the seed's (mediation success 92.69 %, online satisfaction 97.73 %) the way a real
county's would, with the spread a sample of that size has; nothing forces a running share onto
the target. The odds are relative (a homestead boundary is harder to settle than a neighbour's
noise) and one factor per figure is solved so that, over the demo's mix of categories, channels
and levels, the *expected* figure is the seed's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from suyuan_core.domain.areas import Level

#: relative odds that a mediation of the category fails (a higher stake, a harder settlement).
DISPUTE_DIFFICULTY = {
    "neighbour": 0.6, "marriage_family": 0.9, "housing_homestead": 1.4, "damages": 0.9,
    "forest_land": 1.3, "contract": 1.1, "labour": 1.3, "traffic": 0.8, "land_acquisition": 2.0,
    "production_business": 1.2, "property_management": 1.0, "environment": 1.1,
    "consumer": 0.7, "other": 0.8, "medical": 1.6,
}
#: relative odds that an appeal cannot be resolved (policy says no: explained, closed).
APPEAL_DIFFICULTY = {
    "property_management": 1.0, "consumer": 0.8, "environment": 1.1, "labour": 1.5,
    "neighbour": 1.0, "other": 0.6, "housing_homestead": 1.4, "land_acquisition": 2.2,
    "contract": 1.0, "traffic": 0.9, "marriage_family": 1.0, "damages": 1.0,
    "production_business": 1.0, "forest_land": 1.3, "medical": 1.3,
}
#: where a case of each channel is first handled: (level, weight).
START_LEVELS: dict[str, tuple[tuple[Level, float], ...]] = {
    "patrol": ((Level.grid, 0.85), (Level.community, 0.15)),
    "self_initiated": ((Level.grid, 0.85), (Level.community, 0.15)),
    "phone": ((Level.grid, 0.85), (Level.community, 0.15)),
    "walk_in": ((Level.community, 0.8), (Level.grid, 0.1), (Level.town, 0.1)),
    "application": ((Level.community, 0.8), (Level.grid, 0.1), (Level.town, 0.1)),
    "referral": ((Level.town, 0.7), (Level.community, 0.3)),
    "hotline_12345": ((Level.community, 0.75), (Level.town, 0.25)),
    "mailbox": ((Level.community, 0.75), (Level.town, 0.25)),
}
#: a caller whose appeal was not resolved is this many times likelier to be unhappy.
UNRESOLVED_UNHAPPY = 6.0
#: a party to a failed mediation is this many times likelier to be unhappy.
FAILED_UNHAPPY = 4.0


def levels_above(level: Level) -> int:
    """How many times a case failed at ``level`` can still go up before the county."""
    return Level.county.value - level.value if level < Level.county else 0


def final_failure(q: float, above: int, escalate: float) -> float:
    """The chance a case ends failed when each mediation fails with ``q`` and a failure below
    the county goes up a level with ``escalate`` (the rest are referred or closed)."""
    f = q
    for _ in range(above):
        f = q * (1 - escalate) + q * escalate * f
    return f


def _solve(expected: Callable[[float], float], target: float) -> float:
    """The factor k in [0, hi] with ``expected(k) == target`` (expected is increasing)."""
    lo, hi = 0.0, 1.0
    while expected(hi) < target and hi < 1e6:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        if expected(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def mediation_odds(target: float, mix: Sequence[tuple[str, int]],
                   sources: Sequence[tuple[str, int]], escalate: float) -> dict[str, float]:
    """Each dispute category's chance that one mediation fails, scaled so the expected share
    of disputes that end resolved (counted once per case, by its last outcome) is ``target``
    over the category ``mix`` and the dispute channels' starting levels."""
    total = sum(w for _, w in mix)
    weights = {c: w / total for c, w in mix}
    channel = sum(w for _, w in sources)
    levels: dict[int, float] = {}
    for source, w in sources:
        for level, share in START_LEVELS[source]:
            above = levels_above(level)
            levels[above] = levels.get(above, 0.0) + w / channel * share

    def expected(k: float) -> float:
        return sum(wc * wl * final_failure(min(k * DISPUTE_DIFFICULTY[c], 0.95), above, escalate)
                   for c, wc in weights.items() for above, wl in levels.items())

    k = _solve(expected, 1 - target)
    return {c: min(k * DISPUTE_DIFFICULTY[c], 0.95) for c in DISPUTE_DIFFICULTY}


def appeal_odds(target: float, mix: Sequence[tuple[str, int]]) -> dict[str, float]:
    """Each appeal category's chance that it is not resolved; expected resolution ``target``."""
    total = sum(w for _, w in mix)
    mean = sum(w / total * APPEAL_DIFFICULTY[c] for c, w in mix)
    k = (1 - target) / mean
    return {c: min(k * APPEAL_DIFFICULTY[c], 0.95) for c in APPEAL_DIFFICULTY}


def unhappy_odds(target: float, failed_share: float, failed_factor: float,
                 again: float = 0.0) -> float:
    """The base chance a resolved case's caller is unhappy (a failed one: ``failed_factor``
    times it), such that the expected share of satisfied ratings is ``target``. With
    ``again``, that share of unhappy callers is handled again and asked again (the later
    rating is the one counted)."""
    def expected(k: float) -> float:
        first = k * (1 - failed_share + failed_share * failed_factor)
        return first * (1 - again + again * first)

    return _solve(expected, 1 - target)


def odds_of(table: Mapping[str, float], category: str, parent: Mapping[str, str]) -> float:
    """A category's odds; a county's local sub-type takes its parent's."""
    if category in table:
        return table[category]
    for up, sub in parent.items():
        if sub == category:
            return table[up]
    return sum(table.values()) / len(table)
