"""Web pages and the dashboard panel of the pillar, server-rendered with the pillar's own Jinja
templates and Babel catalog (written in English, translated to zh-Hans, the default language).
Shown inside the site's layout; nothing is fetched from another server.

* ``/rule_of_law/advisors`` — advisor coverage; ``?advisor=X&month=YYYY-MM`` shows her monthly
  report (一月一通报) with links to its XLSX and print view;
* ``/rule_of_law/lectures`` — 法治大讲堂 compliance for a month, the communities that fell short;
* ``/rule_of_law/confirmations`` — judicial-confirmation applications with their deadlines;
* the dashboard panel: advisor coverage, lectures held vs required, confirmation rate and invited
  mediation success for the area and period.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment

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
from suyuan_rule_of_law.common import today
from suyuan_rule_of_law.service import service
from suyuan_rule_of_law.vocab import CONFIRMATION_STATUS
from suyuan_rule_of_law.web.common import READ

PANEL_METRICS = ("advisor_coverage_rate", "legal_lecture_compliance_rate",
                 "judicial_confirmation_rate", "invited_mediation_success_rate")
STATES = {"covered": ("在任", "Covered"), "lapsed": ("聘期已满", "Term lapsed"),
          "none": ("未配备", "None")}


@functools.cache
def environment(lang: str) -> Environment:
    return templates.page_environment("suyuan_rule_of_law.web", "suyuan_rule_of_law", lang, labels={
        "state_label": STATES, "status_label": CONFIRMATION_STATUS})


def render(lang: str, template: str, **context: Any) -> str:
    return environment(lang).get_template(template).render(**context)


def _codes(principal: Principal) -> list[str]:
    paths = set(principal.scope(READ))
    return sorted({g.area_code for g in principal.grants if g.area_path in paths})


def _month(query: dict[str, Any], d: Deployment) -> str:
    raw = str(query.get("month") or today(d).strftime("%Y-%m"))
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", raw):
        raise ValidationError(f"{raw!r} is not a month (YYYY-MM)", field="month", rule="month")
    return raw


def advisors_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                  lang: str) -> str:
    d = deployment
    rol = service(d)
    month = _month(query, d)
    advisor = str(query.get("advisor") or "")
    if advisor:
        if len(advisor) > 128:
            raise ValidationError("at most 128 characters", field="advisor", rule="length")
        terms = rol.advisors.terms(advisor=advisor)
        if not any(principal.can(READ, d.areas.tree.path(t.area_code)) for t in terms):
            raise NotFound(f"no advisor {advisor!r}", field="advisor", rule="exists")
        report = rol.advisors.monthly_report(advisor, month)
        q = urlencode({"month": month})
        return render(lang, "report.html", r=report, totals=report.totals(),
                      xlsx=f"/api/v1/rule_of_law/advisors/{advisor}/report.xlsx?{q}",
                      printable=f"/api/v1/rule_of_law/advisors/{advisor}/report/print?{q}")
    rows = [r for code in _codes(principal) for r in rol.advisors.coverage(None, code)]
    return render(lang, "advisors.html", rows=rows, month=month,
                  covered=sum(1 for r in rows if r.state == "covered"))


def lectures_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                  lang: str) -> str:
    d = deployment
    month = _month(query, d)
    rows = [r for code in _codes(principal) for r in service(d).education.compliance(month, code)]
    short = [r for r in rows if r.short]
    return render(lang, "lectures.html", month=month, rows=rows, short=short,
                  met=len(rows) - len(short))


def confirmations_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                       lang: str) -> str:
    d = deployment
    found = service(d).confirmations.find(area_paths=principal.scope(READ))
    return render(lang, "confirmations.html", applications=found, today=today(d),
                  area_name=d.areas.tree.name)


def panel(deployment: Deployment, area_code: str, period: Period, lang: str = "zh-Hans") -> str:
    cells = templates.figure_cells(deployment, PANEL_METRICS, area_code, period, lang)
    return render(lang, "panel.html", cells=cells,
                  lectures_link=f"/rule_of_law/lectures?month={period.start.strftime('%Y-%m')}",
                  advisors_link="/rule_of_law/advisors")


def pages(deployment: Deployment) -> list[Page]:
    del deployment  # the pages read it per request
    return [
        Page("advisors", ("法律顾问", "Legal advisors"), advisors_page, permission=READ),
        Page("lectures", ("法治大讲堂", "Legal lectures"), lectures_page, permission=READ),
        Page("confirmations", ("司法确认", "Judicial confirmation"), confirmations_page,
             permission=READ),
    ]


def panels() -> list[DashboardPanel]:
    """The pillar's dashboard panel (asked for once, through the panels hook)."""
    return [DashboardPanel("rule_of_law", ("诉源法治", "Rule of law"), panel, order=40)]


__all__ = ["dt", "pages", "panels"]
