"""The Jintang roster, generated deterministically from the area tree and a seed.

Sizes come from the seed practice: 1,191 people's mediators of whom 137 full-time, 24 senior
lawyers as legal advisors (one per community, each covering eight or nine), one grid worker per
grid and one micro-grid worker per micro-grid (4,700+). Full-time mediators sit in the county's
and the towns' mediation committees; part-time ones — many of them "five veterans" (五老) — in the
villages and communities.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import random
from collections.abc import Sequence
from pathlib import Path

import attrs

from suyuan_core.areas.tree import AreaTree
from suyuan_core.demo import names
from suyuan_core.domain.areas import Level
from suyuan_core.domain.roster import Organisation, Person
from suyuan_core.roster.service import CSV_FIELDS

MEDIATORS = 1191
FULL_TIME = 137
LAWYERS = 24
COUNTY_FULL_TIME = 6

#: the five veterans (五老) and how common each is among part-time mediators.
VETERANS = [("veteran_party_member", 30), ("veteran_cadre", 20), ("veteran_soldier", 20),
            ("veteran_leader", 15), ("veteran_legal", 15)]
#: categories mediators specialise in, weighted like the case mix.
SPECIALITIES = [("neighbour", 20), ("marriage_family", 18), ("housing_homestead", 10),
                ("forest_land", 8), ("damages", 8), ("land_acquisition", 6), ("labour", 6),
                ("contract", 6), ("traffic", 5), ("property_management", 4),
                ("production_business", 3), ("environment", 3), ("consumer", 2), ("medical", 1)]
LAW_FIRMS = ["四川金堂律师事务所", "金堂县沱江律师事务所", "成都淮州律师事务所", "金堂县赵镇法律服务所"]
LAWYER_SPECIALITIES = ["contract", "labour", "land_acquisition", "marriage_family", "damages",
                       "traffic", "housing_homestead", "medical", "production_business"]


@attrs.frozen
class Roster:
    """The generated people plus indexes the case generator assigns from."""

    people: list[Person]
    #: the mediation committees (county, towns, communities) and the lawyers' firms.
    organisations: list[Organisation]
    #: area code → external ids of the mediators sitting there (county, town or community).
    mediators: dict[str, list[str]]
    #: community code → the lawyer advising it.
    lawyer_of: dict[str, str]
    #: grid / micro-grid code → its worker.
    worker_of: dict[str, str]

    def count(self, role: str, employment: str | None = None) -> int:
        return sum(1 for p in self.people if role in p.roles
                   and (employment is None or p.employment == employment))


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def _since(rng: random.Random) -> dt.date:
    return dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))


def _specialities(rng: random.Random, veteran: float) -> tuple[str, ...]:
    found: list[str] = []
    if rng.random() < veteran:
        found.append(_pick(rng, VETERANS))
    for _ in range(rng.choice((1, 1, 2))):
        s = _pick(rng, SPECIALITIES)
        if s not in found:
            found.append(s)
    return tuple(found)


def _split(total: int, slots: Sequence[str], weights: Sequence[int]) -> dict[str, int]:
    """``total`` shared out over ``slots`` in proportion to ``weights`` (largest remainders)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    out = {s: int(x) for s, x in zip(slots, exact, strict=True)}
    rest = total - sum(out.values())
    order = sorted(range(len(slots)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    for i in order[:rest]:
        out[slots[i]] += 1
    return out


def generate(tree: AreaTree, seed: int) -> Roster:
    rng = random.Random(f"roster-{seed}")
    county = tree.roots()[0]
    towns = sorted(tree.children.get(county, []))
    communities = sorted(c for t in towns for c in tree.children.get(t, []))
    size = {c: sum(1 for a in tree.subtree(c) if tree.get(a).level is Level.micro_grid)
            for c in communities}
    town_size = {t: sum(size[c] for c in tree.children.get(t, [])) for t in towns}
    people: list[Person] = []
    mediators: dict[str, list[str]] = {}
    numbers = itertools.count(1)
    organisations = [Organisation(external_id=f"JT-TJ-{area}", name=f"{tree.get(area).name_zh}人民调解委员会",
                                  kind="mediation_committee", area_code=area)
                     for area in (county, *towns, *communities)]
    organisations += [Organisation(external_id=f"JT-LF{i + 1}", name=name, kind="law_firm",
                                   area_code=county) for i, name in enumerate(LAW_FIRMS)]

    def mediator(area: str, employment: str) -> None:
        gender = "female" if rng.random() < 0.32 else "male"
        ext = f"JT-M{next(numbers):04d}"
        full = employment == "full_time"
        people.append(Person(
            external_id=ext, name=names.person(rng, gender), roles=("mediator",), areas=(area,),
            gender=gender, employment=employment,
            specialities=_specialities(rng, 0.3 if full else 0.65),
            capacity=25 if full else 8, organisation=f"JT-TJ-{area}", active_from=_since(rng)))
        mediators.setdefault(area, []).append(ext)

    full_time = {county: COUNTY_FULL_TIME,
                 **_split(FULL_TIME - COUNTY_FULL_TIME, towns, [town_size[t] for t in towns])}
    part_time = _split(MEDIATORS - FULL_TIME, communities, [size[c] for c in communities])
    for area, n in full_time.items():
        for _ in range(n):
            mediator(area, "full_time")
    for area in communities:
        for _ in range(part_time[area]):
            mediator(area, "part_time")

    lawyer_of: dict[str, str] = {}
    for i in range(LAWYERS):
        ext = f"JT-L{i + 1:02d}"
        covered = communities[i * len(communities) // LAWYERS:(i + 1) * len(communities) // LAWYERS]
        gender = "female" if rng.random() < 0.35 else "male"
        people.append(Person(
            external_id=ext, name=names.person(rng, gender), roles=("lawyer",),
            areas=tuple(covered), gender=gender, employment="part_time",
            specialities=tuple(rng.sample(LAWYER_SPECIALITIES, 3)), capacity=15,
            organisation=f"JT-LF{i % len(LAW_FIRMS) + 1}", active_from=_since(rng)))
        lawyer_of.update({c: ext for c in covered})

    worker_of: dict[str, str] = {}
    grids = [a for c in communities for a in sorted(tree.children.get(c, []))]
    for n, grid in enumerate(grids, start=1):
        gender = "female" if rng.random() < 0.55 else "male"
        ext = f"JT-G{n:04d}"
        people.append(Person(external_id=ext, name=names.person(rng, gender),
                             roles=("grid_worker",), areas=(grid,), gender=gender,
                             employment="full_time", capacity=10, active_from=_since(rng)))
        worker_of[grid] = ext
    micro = [m for g in grids for m in sorted(tree.children.get(g, []))]
    for n, code in enumerate(micro, start=1):
        gender = "female" if rng.random() < 0.5 else "male"
        ext = f"JT-W{n:05d}"
        people.append(Person(external_id=ext, name=names.person(rng, gender),
                             roles=("micro_grid_worker",), areas=(code,), gender=gender,
                             employment="part_time", capacity=5, active_from=_since(rng)))
        worker_of[code] = ext
    return Roster(people, organisations, mediators, lawyer_of, worker_of)


def write_organisations_csv(roster: Roster, path: Path) -> None:
    """The organisations as ``suyuan roster import-organisations`` reads them."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("external_id", "name", "kind", "area_code"))
        writer.writerows((o.external_id, o.name, o.kind, o.area_code) for o in roster.organisations)


def write_csv(roster: Roster, path: Path) -> None:
    """The roster as ``suyuan roster import`` reads it (lists separated by ``;``)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CSV_FIELDS)
        for p in roster.people:
            writer.writerow([p.external_id, p.name, ";".join(p.roles), ";".join(p.areas),
                             p.gender, p.employment, ";".join(p.specialities), p.capacity,
                             p.phone or "", p.organisation or "",
                             p.active_from.isoformat() if p.active_from else "",
                             p.active_to.isoformat() if p.active_to else ""])
