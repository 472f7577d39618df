"""Routing (``suyuan_case_route``): which people's mediators should take a case.

Each available, active mediator who covers the case's area (her area or one above it) is scored:

* coverage (45 %): 1 for the case's own area or community, less the further up her area is;
* speciality (30 %): 1 when the case's category is among her specialities;
* load (25 %): the share of her capacity still free (open assigned / in-progress cases).

Unavailable mediators, those not yet or no longer active, and those at capacity are left out.
The reason says each part in words so the officer can judge.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Case, Deployment, RouteProposal
from suyuan_core.times import local_date
from suyuan_self_governance import models as m
from suyuan_self_governance.common import open_load
from suyuan_self_governance.settings import Settings

W_COVERAGE, W_SPECIALITY, W_LOAD = 0.45, 0.30, 0.25


def propose(case: Case, deployment: Deployment, session: Session) -> list[RouteProposal]:
    d = deployment
    settings: Settings = d.settings("self_governance")
    tree = d.areas.tree
    if case.area_code not in tree:
        return []
    ancestors = list(tree.ancestors(case.area_code))
    day = local_date(d, case.reported_at) if case.reported_at else None
    profiles = {r.person_id: r for r in session.execute(sa.select(m.mediators))}
    candidates = [who for who in deployment.roster.people(session, roles=list(settings.mediator_roles))
                  if any(a in ancestors for a in who.areas)]
    load = open_load(session, [f"person:{w.external_id}" for w in candidates])
    category = d.categories.get(case.category)
    category_name = category.label.zh if category else case.category
    out: list[RouteProposal] = []
    for who in candidates:
        profile = profiles.get(who.id)
        if day is not None and not who.active_on(day):
            continue
        if profile is not None and (not profile.available or (
                day is not None and profile.unavailable_until is not None
                and profile.unavailable_until >= day)):
            continue
        busy = load.get(f"person:{who.external_id}", 0)
        if who.capacity and busy >= who.capacity:
            continue
        distance = min(ancestors.index(a) for a in who.areas if a in ancestors)
        # grid and micro-grid cases are the community's: a community mediator is "at home".
        home = tree.get(ancestors[distance]).level.name in ("micro_grid", "grid", "community")
        coverage = 1.0 if home else 1.0 / (1 + distance - _community_index(d, ancestors))
        speciality = 1.0 if case.category in who.specialities else 0.0
        free = 1.0 - busy / who.capacity if who.capacity else 0.0
        score = round(W_COVERAGE * coverage + W_SPECIALITY * speciality + W_LOAD * free, 3)
        area = tree.get(ancestors[distance])
        reason = (f"覆盖{area.name_zh}; {'擅长' + category_name if speciality else '无对口专长'}; "
                  f"在办 {busy}/{who.capacity} — covers {area.code}, "
                  f"{'speciality matches' if speciality else 'no matching speciality'}, "
                  f"{busy} of {who.capacity} open cases")
        out.append(RouteProposal("person", who.external_id, score, reason))
    out.sort(key=lambda p: (-p.score, p.handler_id))
    return out[:settings.route_max_proposals]


def _community_index(d: Deployment, ancestors: list[str]) -> int:
    for i, code in enumerate(ancestors):
        if d.areas.tree.get(code).level.name == "community":
            return i
    return 0
