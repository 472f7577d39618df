"""Web pages and the dashboard panel of the pillar, server-rendered with the pillar's own Jinja
templates and Babel catalog (written in English, translated to zh-Hans, the default language).
Shown inside the site's layout, so they use its stylesheet and print rules; nothing is fetched
from another server.

* ``/co_governance/ledger`` — the land-acquisition ledger a county bureau opens every week: the
  figures on top (each a link to the issues it counts), filters (area, unit, status, overdue,
  words), overdue issues first with the days late, the figures per responsible unit, an XLSX
  export of exactly what is shown and a print view; ``?id=N`` shows one issue with its entries;
* ``/co_governance/committees`` — the industry committees with what they cover and their
  caseload, results and days to result; ``?id=X[&result=…]`` lists the cases behind a figure;
* ``/co_governance/forces`` — Party organisations and groups (with the bodies still without
  one), the prevention and mediation teams, the social forces with their hours and
  participation;
* the dashboard panel: the pillar's headline figures for the area and period.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment

from suyuan_co_governance.common import code_of, today
from suyuan_co_governance.ledger import LedgerFilter, affected_as_shown
from suyuan_co_governance.service import service
from suyuan_co_governance.vocab import (
    COMMITTEE_FORMS,
    DEPUTY_KINDS,
    FORCES,
    LEDGER_ENTRY_KINDS,
    LEDGER_STATUS,
    ORG_KINDS,
    PARTICIPATION_ROLES,
    PARTY_KINDS,
    RESULTS,
    TEAMS,
    Labels,
)
from suyuan_co_governance.web.common import READ, ROSTER_READ, in_scope
from suyuan_core import (
    DashboardPanel,
    Deployment,
    NotFound,
    Page,
    Period,
    Principal,
    ValidationError,
    templates,
)

PANEL_METRICS = ("cases_with_party_participation", "mediation_bodies_with_party_group",
                 "industry_committee_caseload", "industry_committee_success_rate",
                 "land_ledger_settled_within_trade", "land_ledger_overdue",
                 "social_force_participations", "volunteer_service_hours")
#: where a computed figure's records are listed (flow figures drill to /cases).
PANEL_LINKS = {
    "mediation_bodies_with_party_group": "/co_governance/forces?area={area}#bodies",
    "communities_with_party_org": "/co_governance/forces?area={area}#orgs",
    "industry_committee_caseload": "/co_governance/committees?area={area}",
    "industry_committee_success_rate": "/co_governance/committees?area={area}",
    "land_ledger_settled_within_trade": "/co_governance/ledger?area={area}&status=closed",
    "land_ledger_overdue": "/co_governance/ledger?area={area}&overdue=1",
    "volunteer_service_hours": "/co_governance/forces?area={area}#hours",
}
ALL_LABELS: dict[str, Labels] = {
    "status": LEDGER_STATUS, "entry": LEDGER_ENTRY_KINDS, "force": FORCES, "team": TEAMS,
    "party": PARTY_KINDS, "role": PARTICIPATION_ROLES, "result": RESULTS,
    "form": COMMITTEE_FORMS, "org": ORG_KINDS, "deputy": DEPUTY_KINDS,
}


@functools.cache
def environment(lang: str) -> Environment:
    return templates.page_environment(
        "suyuan_co_governance.web", "suyuan_co_governance", lang,
        labels={f"{name}_label": labels for name, labels in ALL_LABELS.items()})


def render(lang: str, template: str, **context: Any) -> str:
    return environment(lang).get_template(template).render(**context)


def _paths(d: Deployment, principal: Principal, permission: str,
           area: str | None) -> list[str]:
    if area is not None:
        if area not in d.areas.tree:
            raise ValidationError(f"no area with code {area!r}", field="area", rule="exists")
        path = d.areas.tree.path(area)
        if not principal.can(permission, path):
            raise NotFound(f"no area {area!r} among yours", field="area", rule="exists")
        return [path]
    return sorted(set(principal.scope(permission)))



# -- the ledger -------------------------------------------------------------------------------
def ledger_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                lang: str) -> str:
    d = deployment
    cg = service(d)
    day = today(d)
    issue_id = templates.query_id(query)
    if issue_id is not None:
        issue = cg.ledger.get(issue_id)
        if not in_scope(d, principal, READ, issue.area_code):
            raise NotFound(f"no ledger issue {issue_id}", field="id", rule="exists")
        return render(lang, "issue.html", i=issue, day=day, area=d.areas.tree.name(issue.area_code),
                      names=affected_as_shown(d, issue))
    area = templates.query_text(query, "area", 64)
    unit = templates.query_text(query, "unit", 64)
    status = templates.query_text(query, "status", 16)
    if status is not None:
        code_of(LEDGER_STATUS, status, "status")
    overdue = str(query.get("overdue") or "") in ("1", "true", "on")
    q = templates.query_text(query, "q")
    paths = _paths(d, principal, READ, area)
    units = cg.forces.orgs()
    if unit is not None and unit not in {u["external_id"] for u in units}:
        raise ValidationError(f"no responsible unit {unit!r}", field="unit", rule="exists")
    f = LedgerFilter(area_paths=paths, unit=unit, status=status, overdue=overdue, q=q)
    issues = cg.ledger.list(f, on=day)
    everything = cg.ledger.list(LedgerFilter(area_paths=paths), on=day)
    by_unit = cg.ledger.by_unit(paths, on=day)
    year = Period("year", dt.date(day.year, 1, 1))
    closed_year = [i for i in everything if i.status == "closed" and i.closed_on
                   and i.closed_on >= year.start]
    within = sum(1 for i in closed_year if not i.lawsuit)
    base = {"area": area} if area else {}
    summary = [
        ("open", sum(1 for i in everything if i.status == "open"),
         {**base, "status": "open"}),
        ("overdue", sum(1 for i in everything if i.overdue_days(day)),
         {**base, "overdue": "1"}),
        ("closed", sum(1 for i in everything if i.status == "closed"),
         {**base, "status": "closed"}),
        ("within", f"{100.0 * within / len(closed_year):.1f}%" if closed_year else "—",
         {**base, "status": "closed"}),
    ]
    current = {k: v for k, v in {"area": area, "unit": unit, "status": status,
                                 "overdue": "1" if overdue else None, "q": q}.items() if v}
    return render(lang, "ledger.html", issues=issues, day=day, units=units, by_unit=by_unit,
                  summary=[(k, value, "?" + urlencode(link)) for k, value, link in summary],
                  q=current, export="/api/v1/co_governance/ledger/export.xlsx?"
                  + urlencode({**current, "lang": lang}),
                  closed_year=len(closed_year), within=within,
                  area_name=d.areas.tree.name)


# -- committees -------------------------------------------------------------------------------
def committees_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                    lang: str) -> str:
    d = deployment
    cg = service(d)
    area = templates.query_text(query, "area", 64)
    paths = _paths(d, principal, READ, area)
    chosen = templates.query_text(query, "id", 64)
    if chosen is not None:
        result = templates.query_text(query, "result", 16)
        if result is not None and result != "open":
            code_of(RESULTS, result, "result")
        committee = cg.committees.get(chosen)
        cases = cg.committees.cases(chosen, result=result, area_paths=paths)
        return render(lang, "committee_cases.html", c=committee, cases=cases, result=result)
    committees = cg.committees.list(area_paths=_paths(d, principal, ROSTER_READ, area))
    figures = {f["committee"]: f for f in cg.committees.figures(area_paths=paths)}
    return render(lang, "committees.html", committees=committees, figures=figures,
                  category=lambda c: d.categories.get(c).label.get(lang)  # type: ignore[union-attr]
                  if c in d.categories else c, area_name=d.areas.tree.name)


# -- Party and social forces ------------------------------------------------------------------
def forces_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                lang: str) -> str:
    d = deployment
    cg = service(d)
    area = templates.query_text(query, "area", 64)
    paths = _paths(d, principal, ROSTER_READ, area)
    read_paths = _paths(d, principal, READ, area)
    bodies: dict[str, dict[str, Any]] = {}
    for path in paths:
        for b in cg.party.bodies(path.strip("/").split("/")[-1]):
            bodies.setdefault(b["external_id"], b)
    people = cg.forces.people(paths)
    participations = cg.forces.participations(area_paths=read_paths)
    counts: dict[str, list[int]] = {}
    for p in participations:
        row = counts.setdefault(p["force"], [0, 0])
        row[0 if p["case_id"] is not None else 1] += 1
    return render(lang, "forces.html", orgs=cg.party.orgs(area_paths=paths),
                  bodies=[bodies[k] for k in sorted(bodies)], teams=cg.party.teams(paths),
                  people=people, social_orgs=[o for o in cg.forces.orgs(paths)
                                              if o["kind"] != "responsible_unit"],
                  counts=counts, hours=cg.forces.hours(area_paths=read_paths)[-50:],
                  total_hours=round(sum(p["hours"] for p in people
                                        if p["force"] == "volunteer"), 1),
                  area_name=d.areas.tree.name)


# -- the dashboard panel ----------------------------------------------------------------------
def panel(deployment: Deployment, area_code: str, period: Period, lang: str = "zh-Hans") -> str:
    cells = templates.figure_cells(deployment, PANEL_METRICS, area_code, period, lang,
                                   links=PANEL_LINKS)
    return render(lang, "panel.html", cells=cells)


def pages(deployment: Deployment) -> list[Page]:
    del deployment  # the pages read it per request
    return [
        Page("ledger", ("征地拆迁台账", "Land-acquisition ledger"), ledger_page, permission=READ),
        Page("committees", ("行业调解委员会", "Industry committees"), committees_page,
             permission=READ),
        Page("forces", ("党建引领与社会力量", "Party and social forces"), forces_page,
             permission=ROSTER_READ),
    ]


def panels() -> list[DashboardPanel]:
    """The pillar's dashboard panel (asked for once, through the panels hook)."""
    return [DashboardPanel("co_governance", ("诉源共治", "Co-governance"), panel, order=60)]
