"""Web pages and the dashboard panel of the pillar, server-rendered with the pillar's own Jinja
templates and Babel catalog (written in English, translated to zh-Hans, which is the default
language — the same arrangement as the core's pages). Shown inside the site's layout, so they use
its stylesheet and print rules; nothing is fetched from another server.

* ``/self_governance/agreements`` — the agreements in your areas; ``?id=N`` shows one as the
  document the parties sign (the site's print rules leave only the document on paper), with links
  to the standalone print view and the DOCX;
* ``/self_governance/procedures`` — 四议两公开 in your areas; ``?id=N`` shows one matter's steps,
  meeting registers, votes, quorum, disclosures with their deadlines, and supervision reviews;
* the dashboard panel: talk-and-reason success, courtyard alliance satisfaction and patrol coverage
  for the area and period, and for each area under it.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from urllib.parse import urlencode

from babel.support import NullTranslations
from jinja2 import Environment
from markupsafe import Markup

from suyuan_core import (
    DashboardPanel,
    Deployment,
    NotFound,
    Page,
    Period,
    Principal,
    ValidationError,
    http,
    templates,
)
from suyuan_core.times import today as local_today
from suyuan_self_governance import agreements as agreement_text
from suyuan_self_governance.service import service
from suyuan_self_governance.settings import Settings
from suyuan_self_governance.vocab import MEETING_BODIES, PROCEDURE_MATTERS, STEPS
from suyuan_self_governance.web.common import AGREEMENTS, READ, UNMASK
from suyuan_self_governance.web.mediation_api import shown

PANEL_METRICS = ("talk_and_reason_success_rate", "courtyard_satisfaction_rate",
                 "patrol_coverage_rate")
STATUS_LABELS = {
    "draft": ("待签署", "Draft"), "effective": ("已生效", "In effect"),
    "performed": ("已履行", "Performed"), "not_performed": ("未履行", "Not performed"),
    "rejected": ("未通过", "Rejected"), "completed": ("已完成", "Completed"),
    "adopted": ("通过", "Adopted"), "on_time": ("按时", "On time"), "late": ("逾期", "Late"),
    "written": ("书面", "Written"), "oral": ("口头", "Oral"),
    **{k: v for k, v in STEPS.items()},
}


def translations(lang: str) -> NullTranslations:
    return templates.translations("suyuan_self_governance", lang)


@functools.cache
def environment(lang: str) -> Environment:
    return templates.page_environment(
        "suyuan_self_governance.web", "suyuan_self_governance", lang, labels={
            "status_label": STATUS_LABELS, "step_label": STEPS, "matter_label": PROCEDURE_MATTERS,
            "body_label": MEETING_BODIES})


def render(lang: str, template: str, **context: Any) -> str:
    return environment(lang).get_template(template).render(**context)


def _scope_codes(principal: Principal) -> list[str]:
    paths = set(principal.scope(READ))
    return sorted({g.area_code for g in principal.grants if g.area_path in paths})



# -- agreements -------------------------------------------------------------------------------
def agreements_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                    lang: str) -> str:
    d = deployment
    sg = service(d)
    agreement_id = templates.query_id(query)
    if agreement_id is None:
        found = sg.agreements.list(limit=500, area_paths=principal.scope(READ))
        return render(lang, "agreements.html", agreements=[shown(d, a, False) for a in found])
    return _agreement(d, principal, agreement_id, lang)


def _agreement(d: Deployment, principal: Principal, agreement_id: int, lang: str,
               reason: str | None = None, ip: str | None = None) -> str:
    """One agreement as the document; the parties in full for those who manage agreements
    here, or — with ``reason`` (from a form's body, never the URL) — for a holder of
    ``personal_data.unmask``; each full showing audited."""
    a = service(d).agreements.get(agreement_id)
    case = d.cases.get(a.case_id)
    if not http.in_scope(d, principal, READ, case.area_code):
        raise NotFound(f"no agreement {agreement_id}", field="id", rule="exists")
    path = d.areas.tree.path(case.area_code)
    manager = http.in_scope(d, principal, AGREEMENTS, case.area_code)
    full = manager or http.may_unmask(d, principal, case.area_code, reason is not None, reason)
    if full:  # those who draw it up and have it signed see the parties in full, audited
        d.audit.write(None, actor=principal.actor, action="self_governance.agreement.print",
                      record=f"agreement:{agreement_id}", reason=None if manager else reason,
                      ip=ip)
    a = shown(d, a, full)
    return render(lang, "agreement.html", a=a, title=agreement_text.title_of(a),
                  sections=agreement_text.sections(a),
                  signatures=agreement_text.signature_lines(a) if a.form == "written" else [],
                  footer=agreement_text.footer(a), area=d.areas.tree.name(case.area_code),
                  full=full, me=principal,
                  may_unmask=not full and principal.can(UNMASK, path))


def agreements_submit(deployment: Deployment, principal: Principal, form: dict[str, Any],
                      lang: str, ip: str) -> Markup:
    """Unmask one agreement for the reason in the form's body (CSRF checked by the core):
    shown to this response only, audited with the caller's address."""
    agreement_id = templates.query_id({"id": form.get("id")})
    if agreement_id is None:
        raise ValidationError("which agreement?", field="id", rule="required")
    reason = str(form.get("reason") or "").strip()
    return Markup(_agreement(deployment, principal, agreement_id, lang, reason, ip))


# -- four deliberations, two disclosures ------------------------------------------------------
def _deadlines(settings: Settings, proc: Any) -> list[tuple[str, dt.date, str | None]]:
    """(step, due, done on) for the two disclosures once they are due."""
    out: list[tuple[str, dt.date, str | None]] = []
    if proc.decision == "adopted" and proc.decided_on:
        done = next((s["occurred_on"] for s in proc.steps if s["step"] == "disclose_resolution"),
                    None)
        out.append(("disclose_resolution", proc.decided_on + dt.timedelta(
            days=settings.resolution_disclosure_days), done))
    if proc.resolution_disclosed_on:
        done = next((s["occurred_on"] for s in proc.steps if s["step"] == "disclose_result"),
                    None)
        out.append(("disclose_result", proc.resolution_disclosed_on + dt.timedelta(
            days=settings.result_disclosure_days), done))
    return out


def procedures_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                    lang: str) -> str:
    d = deployment
    sg = service(d)
    procedure_id = templates.query_id(query)
    if procedure_id is None:
        codes = _scope_codes(principal)
        found = {p.id: p for code in codes for p in sg.procedures.list(code)}
        overdue = {o["procedure_id"]: o for code in codes
                   for o in sg.procedures.overdue(area_code=code)}
        return render(lang, "procedures.html", procedures=[found[k] for k in sorted(found)],
                      overdue=overdue, area_name=d.areas.tree.name)
    proc = sg.procedures.get(procedure_id)
    if not http.in_scope(d, principal, READ, proc.area_code):
        raise NotFound(f"no procedure {procedure_id}", field="id", rule="exists")
    settings: Settings = d.settings("self_governance")
    today = local_today(d)
    return render(lang, "procedure.html", p=proc, area=d.areas.tree.name(proc.area_code),
                  deadlines=_deadlines(settings, proc), today=today)


# -- the dashboard panel ----------------------------------------------------------------------
def panel(deployment: Deployment, area_code: str, period: Period, lang: str = "zh-Hans") -> str:
    d = deployment
    svc = d.metric_service
    metrics = [d.metrics[k] for k in PANEL_METRICS if k in d.metrics]

    tree = d.areas.tree
    children = sorted(tree.children.get(area_code, []))
    # one batch for the whole table (child areas × metrics), not a figure at a time
    found = svc.figures([m.key for m in metrics], [area_code, *children], period)

    def cell(key: str, code: str) -> dict[str, Any]:
        f = found[(key, code)]
        m = d.metrics[key]
        link = None
        if m.compute is None:
            link = "/cases?" + urlencode({"metric": key, "area": code, "period": str(period)})
        return {"value": None if f.value is None else f"{f.value:.2f}%", "num": f.num,
                "den": f.den, "link": link}

    rows = [(tree.get(c), [cell(m.key, c) for m in metrics]) for c in children]
    return render(lang, "panel.html", metrics=metrics, total=[cell(m.key, area_code)
                                                              for m in metrics],
                  rows=rows, period=str(period), label=lambda m: m.label.get(lang))


def pages() -> list[Page]:
    return [
        Page("agreements", ("调解协议书", "Mediation agreements"), agreements_page,
             permission=READ, submit=agreements_submit),
        Page("procedures", ("四议两公开", "Four deliberations, two disclosures"), procedures_page,
             permission=READ),
    ]


def panels() -> list[DashboardPanel]:
    return [DashboardPanel("self_governance", ("诉源自治", "Self-governance"), panel, order=50)]
