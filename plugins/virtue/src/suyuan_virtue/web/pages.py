"""Web pages and the dashboard panel of the pillar (zh-Hans first, English beside), rendered with
the pillar's own Jinja templates and Babel catalog inside the site's layout.

* ``/virtue/registers`` — the 社区矫正 / 安置帮教 records the viewer may read, **masked**;
  ``?id=N`` shows one, masked, with the unmask form. The form **POSTs** its reason (a reason in a
  URL would land in access logs and the browser's history) and the unmasked record is the POST's
  own response, never a page to come back to. The service checks the right, requires the reason
  and writes the audit entry; a refusal is shown and the record stays masked.
* ``/virtue/guardianships`` — agreements for left-behind children, reviews due first; a child under
  14 is never named on the list, identity numbers and dates of birth are never on a page; reviews
  are recorded from the agreement's page, renewals linked both ways.
* ``/virtue/counselling`` — referrals (masked), follow-ups due, sessions and follow-ups recorded.
* ``/virtue/culture`` — the culture brands with their venues and events, family-code readings.
* ``/virtue/selections`` — moral-model selections taken through every step from the page
  (nominate → review → notice → vote → award; the service enforces the notice period and one vote
  per household), every step's event, the results disclosed once awarded.
* the dashboard panel: register figures as counts only (small counts suppressed, no drill-down),
  guardianship agreements, and the success rate of each marriage-mediation channel.
"""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from suyuan_core import (
    DashboardPanel,
    Deployment,
    NotFound,
    Page,
    Period,
    Principal,
    SuyuanError,
    ValidationError,
    templates,
)
from suyuan_core.bounds import MAX_ID
from suyuan_virtue.protection import REGISTERS, Access
from suyuan_virtue.registers import ENTRY_KINDS, PERSON_REGISTERS
from suyuan_virtue.times import today

STATUS = {"active": ("在册", "Active"), "ended": ("已解除", "Ended"),
          "nominating": ("推荐中", "Nominating"), "notice": ("公示中", "On public notice"),
          "voting": ("投票中", "Voting"), "awarded": ("已表彰", "Awarded"),
          "created": ("发起", "Opened"), "nominated": ("推荐", "Nominated"),
          "reviewed": ("审核", "Reviewed"), "vote_opened": ("开始投票", "Vote opened"),
          "voted": ("投票", "Vote cast"), "approved": ("审核通过", "Approved"),
          "rejected": ("未通过", "Rejected"), "renewed": ("已续签", "Renewed"),
          "referred": ("已转介", "Referred"), "in_progress": ("服务中", "In progress"),
          "closed": ("已结案", "Closed")}
#: the codes of the children's and counselling records, for the pages (zh-Hans, English).
LABELS = {"grandparent": ("祖父母/外祖父母", "Grandparent"), "relative": ("其他亲属", "Relative"),
          "friend": ("亲友", "Friend"), "other": ("其他", "Other"),
          "both_parents": ("父母双方", "Both parents"), "father": ("父亲", "Father"),
          "mother": ("母亲", "Mother"), "legal_guardian": ("法定监护人", "Legal guardian"),
          "village": ("村(社区)排查", "Village survey"),
          "youth_12355": ("12355青少年服务台", "12355 youth line"),
          "women_federation": ("网上妇联", "Online women's federation"),
          "guarding_childhood": ("守护童年项目", "Guarding Childhood programme"),
          "fulfilled": ("履职良好", "Duties fulfilled"), "concerns": ("存在问题", "Concerns"),
          "guardian_changed": ("监护人变更", "Guardian changed"),
          "case": ("案件转介", "From a case"), "grid_worker": ("网格员发现", "Grid worker"),
          "service_hall": ("群众工作之家", "Service hall"), "self": ("本人", "Self"),
          "guardian": ("监护人", "Guardian"), "session": ("心理咨询", "Session"),
          "follow_up": ("回访", "Follow-up"), "improved": ("好转", "Improved"),
          "stable": ("稳定", "Stable"), "worse": ("加重", "Worse"),
          "referred_psychiatric": ("转介精神科", "Referred to psychiatry"), **STATUS}
PANEL_RATES = ("marriage_mediator_success_rate", "kin_team_success_rate")


@functools.cache
def environment(lang: str) -> Environment:
    return templates.page_environment("suyuan_virtue.web", "suyuan_virtue", lang, labels={
        "status_label": STATUS, "entry_label": ENTRY_KINDS, "label": LABELS})


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
    if not 1 <= value <= MAX_ID:
        raise ValidationError(f"{value} is out of range", field="id", rule="range")
    return value


def _refusal(exc: SuyuanError) -> SuyuanError:
    """A refused unmasking shown on the page (the record stays masked); anything else — a record
    the viewer may not read (404) — is raised as the error page it is."""
    if isinstance(exc, ValidationError) or exc.status_code == 403:
        return exc
    raise exc


def registers_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                   lang: str) -> str:
    """The list (masked) or one record (masked; the unmask form POSTs its reason)."""
    from suyuan_virtue.registers import Registers

    d = deployment
    register = str(query.get("register") or "community_correction")
    if register not in PERSON_REGISTERS:
        raise ValidationError(f"{register!r} is not a register", field="register", rule="one_of")
    record_id = _id(query)
    if record_id is None:
        records = Registers(d).list(Access(principal, ip="web"), register)
        return render(lang, "records.html", records=records, register=register,
                      registers=[(c, REGISTERS[c]) for c in PERSON_REGISTERS],
                      area_name=d.areas.tree.name)
    return _record(d, principal, record_id, lang)


def _record(d: Deployment, principal: Principal, record_id: int, lang: str, *,
            reason: str | None = None, ip: str = "web") -> str:
    """One record: unmasked when ``reason`` is given (and the service allows it), else masked
    with the refusal, if any, shown."""
    from suyuan_virtue.registers import Registers

    regs = Registers(d)
    error: SuyuanError | None = None
    view = None
    if reason is not None:
        try:
            view = regs.get(Access(principal, ip=ip, reason=reason), record_id, unmask=True)
        except SuyuanError as exc:
            error = _refusal(exc)
    if view is None:
        view = regs.get(Access(principal, ip=ip), record_id)
    return render(lang, "record.html", r=view, register_label=REGISTERS[view.register],
                  error=error, reason=reason or "", area_name=d.areas.tree.name, me=principal)


def _reason(form: dict[str, Any]) -> str:
    return str(form.get("reason") or "")


def registers_submit(deployment: Deployment, principal: Principal, form: dict[str, Any],
                     lang: str, ip: str) -> Markup:
    """Unmask one record for the reason in the form's body: shown to this response only."""
    return Markup(_record(deployment, principal, _need_id(form), lang, reason=_reason(form),
                          ip=ip))


def _need_id(form: dict[str, Any], key: str = "id") -> int:
    value = _id({"id": form.get(key)})
    if value is None:
        raise ValidationError("which record?", field=key, rule="required")
    return value


# -- guardianship agreements for left-behind children ---------------------------------------------
def guardianships_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                       lang: str) -> str:
    """Agreements in the viewer's areas, reviews due first. The child's identifying details are
    never on the list: a child under 14 is not named at all, an older child only masked."""
    from suyuan_virtue.guardianship import Guardianships

    d = deployment
    agreement_id = _id(query)
    if agreement_id is not None:
        return _agreement(d, principal, agreement_id, lang)
    on = today(d)
    due = str(query.get("due") or "") == "1"
    rows = Guardianships(d).list(Access(principal, ip="web"), due_by=on if due else None)
    return render(lang, "guardianships.html", rows=rows, today=on.isoformat(), due=due,
                  area_name=d.areas.tree.name)


def _agreement(d: Deployment, principal: Principal, agreement_id: int, lang: str, *,
               reason: str | None = None, ip: str = "web", notice: str | None = None) -> str:
    from suyuan_virtue.guardianship import FINDINGS, Guardianships

    g = Guardianships(d)
    error: SuyuanError | None = None
    view = None
    if reason is not None:
        try:
            view = g.get(Access(principal, ip=ip, reason=reason), agreement_id, unmask=True)
        except SuyuanError as exc:
            error = _refusal(exc)
    if view is None:
        view = g.get(Access(principal, ip=ip), agreement_id)
    return render(lang, "guardianship.html", a=view, error=error, reason=reason or "",
                  today=today(d).isoformat(), findings=FINDINGS, me=principal, notice=notice,
                  area_name=d.areas.tree.name)


def guardianships_submit(deployment: Deployment, principal: Principal, form: dict[str, Any],
                         lang: str, ip: str) -> Markup | str:
    """``op=unmask`` (the reason in the body, shown to this response only) or ``op=review``."""
    from suyuan_virtue.guardianship import Guardianships

    agreement_id = _need_id(form)
    if str(form.get("op")) == "review":
        Guardianships(deployment).review(Access(principal, ip=ip), agreement_id,
                                         str(form.get("on") or ""), str(form.get("finding") or ""),
                                         str(form.get("note") or "") or None)
        return f"/virtue/guardianships?id={agreement_id}"
    return Markup(_agreement(deployment, principal, agreement_id, lang, reason=_reason(form),
                             ip=ip))


# -- counselling ----------------------------------------------------------------------------------
def counselling_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                     lang: str) -> str:
    """Referrals in the viewer's areas (masked), follow-ups due; one with its sessions."""
    from suyuan_virtue.counselling import Counselling

    d = deployment
    referral_id = _id(query)
    if referral_id is not None:
        return _referral(d, principal, referral_id, lang)
    on = today(d)
    due = str(query.get("due") or "") == "1"
    rows = Counselling(d).list(Access(principal, ip="web"), follow_up_by=on if due else None)
    return render(lang, "referrals.html", rows=rows, today=on.isoformat(), due=due,
                  area_name=d.areas.tree.name)


def _referral(d: Deployment, principal: Principal, referral_id: int, lang: str, *,
              reason: str | None = None, ip: str = "web") -> str:
    from suyuan_virtue.counselling import OUTCOMES, SESSION_KINDS, Counselling

    c = Counselling(d)
    error: SuyuanError | None = None
    view = None
    if reason is not None:
        try:
            view = c.get(Access(principal, ip=ip, reason=reason), referral_id, unmask=True)
        except SuyuanError as exc:
            error = _refusal(exc)
    if view is None:
        view = c.get(Access(principal, ip=ip), referral_id)
    return render(lang, "referral.html", f=view, error=error, reason=reason or "",
                  today=today(d).isoformat(), outcomes=OUTCOMES, kinds=SESSION_KINDS,
                  me=principal)


def counselling_submit(deployment: Deployment, principal: Principal, form: dict[str, Any],
                       lang: str, ip: str) -> Markup | str:
    """``op=unmask`` (shown to this response only) or ``op=session`` (a session or follow-up)."""
    from suyuan_virtue.counselling import Counselling

    referral_id = _need_id(form)
    if str(form.get("op")) == "session":
        Counselling(deployment).session(
            Access(principal, ip=ip), referral_id, held_on=str(form.get("held_on") or ""),
            counsellor=str(form.get("counsellor") or principal.username),
            kind=str(form.get("kind") or "session"),
            outcome=str(form.get("outcome") or "") or None,
            notes=str(form.get("notes") or "") or None)
        return f"/virtue/counselling?id={referral_id}"
    return Markup(_referral(deployment, principal, referral_id, lang, reason=_reason(form),
                            ip=ip))


# -- culture brands --------------------------------------------------------------------------------
def culture_page(deployment: Deployment, query: dict[str, Any], lang: str) -> str:
    """Each community's culture brands with their venues and events; the family-code readings."""
    from suyuan_virtue.culture import BRAND_KINDS, Culture

    d = deployment
    c = Culture(d)
    brand_id = _id(query)
    found = c.brands()
    if brand_id is not None:
        found = [b for b in found if b["id"] == brand_id]
        if not found:
            raise NotFound(f"no brand {brand_id}", field="id", rule="exists")
    events = {b["id"]: c.events(b["id"], limit=20 if brand_id is None else 200) for b in found}
    readings = [e for e in c.events(limit=1000) if e["kind"] == "family_codes_reading"]
    return render(lang, "culture.html", brands=found, events=events, kinds=BRAND_KINDS,
                  readings=readings[:20], reading_count=len(readings), one=brand_id is not None,
                  area_name=d.areas.tree.name)


# -- moral-model selections ------------------------------------------------------------------------
def selections_page(deployment: Deployment, principal: Principal, query: dict[str, Any],
                    lang: str) -> str:
    """The selections; one with its nominations, the step its holder may take next, every step's
    event and, once awarded, the disclosed results."""
    from suyuan_virtue.selection import KINDS, MANAGE, VOTE, Selections

    d = deployment
    sel = Selections(d)
    selection_id = _id(query)
    if selection_id is None:
        return render(lang, "selections.html", selections=sel.list(), kinds=KINDS,
                      me=principal, can_manage=principal.has(MANAGE),
                      areas=_areas(d), today=today(d))
    s = sel.get(selection_id)
    path = d.areas.tree.path(s["area_code"]) if s["area_code"] in d.areas.tree else ""
    results = sel.results(selection_id) if s["status"] == "awarded" else []
    return render(lang, "selection.html", s=s, results=results, me=principal,
                  can_manage=principal.can(MANAGE, path), can_vote=principal.can(VOTE, path),
                  today=today(d).isoformat(), area_name=d.areas.tree.name,
                  nominee_areas=[a for a in _areas(d) if a[0] in d.areas.tree.subtree(
                      s["area_code"])] if s["area_code"] in d.areas.tree else [])


def _areas(d: Deployment) -> list[tuple[str, str]]:
    tree = d.areas.tree
    return sorted(((c, a.name_zh) for c, a in tree.areas.items()), key=lambda x: tree.path(x[0]))


def _form_int(form: dict[str, Any], key: str) -> int:
    raw = str(form.get(key) or "")
    try:
        return int(raw)
    except ValueError:
        raise ValidationError(f"{raw!r} is not a number", field=key, rule="integer") from None


def selections_submit(deployment: Deployment, principal: Principal, form: dict[str, Any]) -> str:
    """Every step of a selection from its page, through the service (rights, the notice period
    and one vote per household are the service's): create, nominate, review, notice, open,
    vote, award."""
    from suyuan_virtue.selection import Selections

    sel = Selections(deployment)
    op = str(form.get("op") or "")
    text = {k: str(form.get(k) or "") for k in ("kind", "title", "area_code", "nominee",
                                                 "deeds", "on", "household", "note")}
    if op == "create":
        new = sel.create(principal, kind=text["kind"], title=text["title"],
                         year=_form_int(form, "year"), area_code=text["area_code"],
                         places=_form_int(form, "places"))
        return f"/virtue/selections?id={new}"
    selection_id = _need_id(form)
    back = f"/virtue/selections?id={selection_id}"
    if op == "nominate":
        sel.nominate(principal, selection_id, nominee=text["nominee"],
                     area_code=text["area_code"], deeds=text["deeds"])
    elif op in ("approve", "reject"):
        sel.review(principal, _form_int(form, "nomination_id"), approve=op == "approve",
                   note=text["note"] or None)
    elif op == "notice":
        sel.start_notice(principal, selection_id, text["on"])
    elif op == "open":
        sel.open_vote(principal, selection_id, text["on"])
    elif op == "vote":
        sel.vote(principal, selection_id, nomination_id=_form_int(form, "nomination_id"),
                 household=text["household"])
    elif op == "award":
        sel.award(principal, selection_id)
    else:
        raise ValidationError(f"{op!r} is not a step", field="op", rule="one_of",
                              hint="create, nominate, approve, reject, notice, open, vote, award")
    return back


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
    rates = templates.figure_cells(d, PANEL_RATES, area_code, period, lang)
    return render(lang, "panel.html", register_figures=register_figures_, rates=rates,
                  small_count=figs["small_count"])


def pages(deployment: Deployment) -> list[Page]:
    del deployment  # the pages read it per request
    return [
        Page("registers", ("社区矫正与安置帮教", "Correction and resettlement registers"),
             registers_page, submit=registers_submit),
        Page("guardianships", ("留守儿童委托监护", "Guardianship of left-behind children"),
             guardianships_page, submit=guardianships_submit),
        Page("counselling", ("社区心理服务", "Counselling"), counselling_page,
             submit=counselling_submit),
        Page("culture", ("文化品牌", "Culture brands"), culture_page),
        Page("selections", ("道德模范评选", "Moral-model selections"), selections_page,
             submit=selections_submit),
    ]


def panels() -> list[DashboardPanel]:
    return [DashboardPanel("virtue", ("诉源德治", "Virtue"), panel, order=60)]
