"""Web pages and the dashboard panel of the pillar (zh-Hans first, English beside), rendered with
the pillar's own Jinja templates and Babel catalog inside the site's layout.

* ``/virtue/registers`` — the 社区矫正 / 安置帮教 records the viewer may read, **masked**;
  ``?id=N`` shows one, masked, with the unmask form: a reason is required, the service checks the
  right and writes the audit entry; a refusal is shown and the record stays masked. Everything is
  decided by the service (the page only passes who asks and why).
* ``/virtue/selections`` — moral-model selections; ``?id=N`` its steps and disclosed results.
* the dashboard panel: register figures as counts only (small counts suppressed, no drill-down),
  guardianship agreements, and the success rate of each marriage-mediation channel.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment

from suyuan_core import (
    DashboardPanel,
    Deployment,
    Page,
    Period,
    Principal,
    SuyuanError,
    ValidationError,
    templates,
)
from suyuan_virtue.protection import REGISTERS, Access
from suyuan_virtue.registers import ENTRY_KINDS, PERSON_REGISTERS

STATUS = {"active": ("在册", "Active"), "ended": ("已解除", "Ended"),
          "nominating": ("推荐中", "Nominating"), "notice": ("公示中", "On public notice"),
          "voting": ("投票中", "Voting"), "awarded": ("已表彰", "Awarded"),
          "created": ("发起", "Opened"), "nominated": ("推荐", "Nominated"),
          "reviewed": ("审核", "Reviewed"), "vote_opened": ("开始投票", "Vote opened"),
          "voted": ("投票", "Vote cast")}
PANEL_RATES = ("marriage_mediator_success_rate", "kin_team_success_rate")


@functools.cache
def environment(lang: str) -> Environment:
    env = templates.page_environment("suyuan_virtue.web", "suyuan_virtue", lang)

    def pick(pair: tuple[str, str] | None, fallback: str = "") -> str:
        if not pair:
            return fallback
        return pair[1] if lang == "en" else pair[0]

    env.globals["pick"] = pick
    env.globals["status_label"] = lambda code: pick(STATUS.get(code or ""), code or "")
    env.globals["entry_label"] = lambda code: pick(ENTRY_KINDS.get(code or ""), code or "")
    return env


def render(lang: str, template: str, **context: Any) -> str:
    return environment(lang).get_template(template).render(**context)


def _id(query: dict[str, Any]) -> int | None:
    raw = query.get("id")
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        raise ValidationError(f"{raw!r} is not a number", field="id", rule="integer") from None
    if not 1 <= value <= 2**62:
        raise ValidationError(f"{value} is out of range", field="id", rule="range")
    return value


def registers_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                   lang: str) -> str:
    from suyuan_virtue.registers import Registers

    d = deployment
    register = str(query.get("register") or "community_correction")
    if register not in PERSON_REGISTERS:
        raise ValidationError(f"{register!r} is not a register", field="register", rule="one_of")
    regs = Registers(d)
    tree = d.areas.tree

    def area_name(code: str) -> str:
        return tree.get(code).name_zh if code in tree else code

    record_id = _id(query)
    if record_id is None:
        records = regs.list(Access(principal, ip="web"), register)
        return render(lang, "records.html", records=records, register=register,
                      registers=[(c, REGISTERS[c]) for c in PERSON_REGISTERS],
                      area_name=area_name)
    unmask = str(query.get("unmask") or "") in ("1", "true", "yes")
    reason = str(query.get("reason") or "")
    error: SuyuanError | None = None
    view = None
    if unmask:
        try:
            view = regs.get(Access(principal, ip="web", reason=reason), record_id, unmask=True)
        except ValidationError as exc:
            error = exc
        except SuyuanError as exc:
            if exc.status_code != 403:
                raise
            error = exc
    if view is None:
        view = regs.get(Access(principal, ip="web"), record_id)
    return render(lang, "record.html", r=view, register_label=REGISTERS[view.register],
                  error=error, reason=reason, area_name=area_name)


def selections_page(deployment: Deployment, query: dict[str, Any], lang: str) -> str:
    from suyuan_virtue.selection import Selections

    sel = Selections(deployment)
    selection_id = _id(query)
    if selection_id is None:
        return render(lang, "selections.html", selections=sel.list())
    s = sel.get(selection_id)
    results = sel.results(selection_id) if s["status"] == "awarded" else []
    return render(lang, "selection.html", s=s, results=results)


def panel(deployment: Deployment, area_code: str, period: Period, lang: str = "zh-Hans") -> str:
    from suyuan_virtue.figures import register_figures

    d = deployment
    figs = register_figures(d, area_code)
    labels = {"community_correction": ("社区矫正在册", "Under community correction"),
              "resettlement": ("安置帮教在册", "Under resettlement"),
              "guardianship_agreements": ("留守儿童委托监护确认书", "Guardianship agreements"),
              "guardianship_reviews_due": ("监护回访到期", "Guardianship reviews due")}
    en = lang == "en"
    register_figures_ = [(k, pair[1] if en else pair[0], figs[k]) for k, pair in labels.items()]
    rates = []
    for key in PANEL_RATES:
        if key not in d.metrics:
            continue
        f = d.metric_service.figure(key, area_code, period)
        link = "/cases?" + urlencode({"metric": key, "area": area_code, "period": str(period)})
        rates.append((d.metrics[key], {"value": None if f.value is None else f"{f.value:.2f}%",
                                       "num": f.num, "den": f.den, "link": link}))
    return render(lang, "panel.html", register_figures=register_figures_, rates=rates,
                  small_count=figs["small_count"])


def pages(deployment: Deployment) -> list[Page | DashboardPanel]:
    del deployment  # the pages read it per request
    return [
        Page("registers", ("社区矫正与安置帮教", "Correction and resettlement registers"),
             registers_page),
        Page("selections", ("道德模范评选", "Moral-model selections"), selections_page),
        DashboardPanel("virtue", ("诉源德治", "Virtue"), panel, order=60),
    ]
