"""Who is told what about judicial confirmation (issue 16 §3): before an effective agreement's
joint-application window (人民调解法 Art 33) closes without an application, and when the court
decides. The people are the case's handlers (its ``person:``/``organisation:`` assignees) and the
community's legal advisor; the notification goes through the core's outbox (the in-app inbox by
default, any channel ``[notifications.channels]`` routes the kind to) inside the transaction that
records it on the case, so it exists exactly when the case event does.

Each warning is a ``rule_of_law.confirmation_window_notice`` event on the case, keyed by the
agreement and the window's last day: a second run of the job (or a second worker) finds it and
sends nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Deployment, Level, MediationAgreement, NotificationKind, tables
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law.common import settings, today, tz

WINDOW_KIND = "judicial_window"  # the core's kind: 司法确认期限将至
DECIDED_KIND = "confirmation_decided"
WINDOW_EVENT = "rule_of_law.confirmation_window_notice"

KINDS = (NotificationKind(DECIDED_KIND, ("司法确认结果", "Judicial confirmation decided")),)

#: a decision dated longer ago than this is history being recorded (an import, the demo), not
#: news: nobody is told about it (as the smart pillar's notices).
HISTORY = dt.timedelta(days=7)

#: applications that count as "applied" for the warning: only one the court did not accept
#: leaves the parties still to apply.
APPLIED = ("applied", "accepted", "confirmed", "refused")


def advisor_of(d: Deployment, s: Session, area_code: str, on: dt.date) -> str | None:
    """The external id of the legal advisor serving the community of ``area_code`` on ``on``."""
    tree = d.areas.tree
    if area_code not in tree:
        return None
    community = next((a for a in tree.ancestors(area_code)
                      if tree.get(a).level is Level.community), None)
    if community is None:
        return None
    t, p = m.advisor_terms.c, tables.persons.c
    found: str | None = s.scalar(
        sa.select(p.external_id).join(m.advisor_terms, t.person_id == p.id).where(
            t.area_code == community, t.start_on <= on,
            sa.or_(t.end_on.is_(None), t.end_on >= on)).order_by(t.start_on.desc()).limit(1))
    return found


def recipients(d: Deployment, s: Session, case_id: int, area_code: str,
               on: dt.date) -> list[str]:
    """The case's handlers and the community's legal advisor, as the outbox's selectors."""
    case = d.cases.get(case_id, s)
    out: list[str] = []
    for a in case.assignees:
        kind = a.partition(":")[0]
        if kind == "person":
            out.append(a)
        elif kind == "organisation":
            out.append(f"acts_for:{a}")
    advisor = advisor_of(d, s, area_code, on)
    if advisor:
        out.append(f"person:{advisor}")
    return sorted(set(out))


def _at(d: Deployment, s: Session, case_id: int, at: dt.datetime) -> dt.datetime:
    """``at``, never before the case's last event (a timeline only moves forward)."""
    e = tables.case_events.c
    last = s.scalar(sa.select(sa.func.max(e.occurred_at)).where(e.case_id == case_id))
    if last is not None and last.replace(tzinfo=dt.UTC) > at:
        moved: dt.datetime = last.replace(tzinfo=dt.UTC)
        return moved
    return at


def _warned(s: Session, case_id: int, ref: str, ends: dt.date) -> bool:
    e = tables.case_events.c
    for data in s.scalars(sa.select(e.data).where(e.case_id == case_id, e.kind == WINDOW_EVENT)):
        if (data or {}).get("agreement_ref") == ref and \
                (data or {}).get("window_ends_on") == ends.isoformat():
            return True
    return False


def _applied(s: Session, ref: str) -> bool:
    c = m.confirmations.c
    return s.execute(sa.select(c.id).where(c.agreement_ref == ref,
                                           c.status.in_(APPLIED))).first() is not None


def closing_windows(d: Deployment, at: dt.datetime) -> dict[str, Any]:
    """The ``rule_of_law.confirmation_window`` job: warn, once per agreement and window, of every
    effective agreement whose window closes within ``window_notice_days`` with no application."""
    from suyuan_rule_of_law.confirmation import Confirmations

    conf = settings(d)
    days = conf.window_notice_days
    on = at.astimezone(tz(d)).date()
    if days == 0:
        return {"on": on.isoformat(), "within_days": 0, "warned": [], "skipped": "disabled"}
    confirmations = Confirmations(d)
    # a window is ``confirmation_window_days`` long plus at most a holiday's roll-over (the
    # longest, Spring Festival, is under two weeks): look that far back for agreements.
    earliest = on - dt.timedelta(days=conf.confirmation_window_days + 15)
    latest = on + dt.timedelta(days=days) - dt.timedelta(days=conf.confirmation_window_days)
    warned: list[str] = []
    already: list[str] = []
    with d.transaction() as s:
        found: dict[str, MediationAgreement] = {}
        for group in d.hook.suyuan_mediation_agreements(
                effective_from=earliest, effective_to=latest, deployment=d, session=s):
            for a in group or ():
                found.setdefault(a.ref, a)
        for ref in sorted(found):
            a = found[ref]
            if a.effective_on is None or a.status != "effective":
                continue
            ends = confirmations.window_end(a.effective_on)
            if not on <= ends <= on + dt.timedelta(days=days) or _applied(s, ref):
                continue
            if _warned(s, a.case_id, ref, ends):
                already.append(ref)
                continue
            left = (ends - on).days
            to = recipients(d, s, a.case_id, a.area_code, on)
            ids = d.notifications.notify(
                WINDOW_KIND, to=to, case_id=a.case_id, area_code=a.area_code, session=s,
                subject=f"司法确认申请期限将至 #{a.case_id}: 调解协议 {ref} 须于 {ends.isoformat()} 前"
                        "共同申请",
                body=(f"调解协议于 {a.effective_on.isoformat()} 生效，双方当事人可于 "
                      f"{ends.isoformat()} 前（还剩 {left} 天）共同向人民法院申请司法确认"
                      f"（人民调解法第三十三条）。The joint application window of agreement {ref} "
                      f"closes on {ends.isoformat()} ({left} days left)."),
                dedup=f"rule_of_law.window:{ref}:{ends.isoformat()}",
                data={"agreement_ref": ref, "window_ends_on": ends.isoformat()})
            d.cases.record(a.case_id, WINDOW_EVENT, actor="job:rule_of_law", session=s,
                           occurred_at=_at(d, s, a.case_id, at),
                           data={"agreement_ref": ref, "effective_on": a.effective_on.isoformat(),
                                 "window_ends_on": ends.isoformat(), "days_left": left,
                                 "recipients": to, "notifications": len(ids)})
            warned.append(ref)
    return {"on": on.isoformat(), "within_days": days, "warned": warned,
            "already_warned": already}


def decided(d: Deployment, s: Session, application: Any, outcome: str, day: dt.date,
            reason: str, filed_by: str) -> list[int]:
    """Tell the case's handlers, the community's advisor and whoever filed the application of
    the court's decision (confirmed, refused, or not accepted)."""
    if day < today(d) - HISTORY:
        return []
    label = {"confirmed": "已确认有效 confirmed: enforceable",
             "refused": "不予确认 refused: re-mediate or sue",
             "not_accepted": "不予受理 not accepted"}[outcome]
    to = [*recipients(d, s, application.case_id, application.area_code, day), f"user:{filed_by}"]
    return d.notifications.notify(
        DECIDED_KIND, to=to, case_id=application.case_id, area_code=application.area_code,
        session=s, subject=f"司法确认结果 #{application.case_id}: {application.agreement_ref} "
                           f"{label.split(' ')[0]}",
        body=(f"{application.court}于 {day.isoformat()} 作出决定：{label}"
              + (f"。理由：{reason}" if reason else "")),
        dedup=f"rule_of_law.decided:{application.id}:{outcome}",
        data={"application_id": application.id, "agreement_ref": application.agreement_ref,
              "outcome": outcome})
