"""Who is told what, when the 12345 loop moves (DOMAIN-RULES §3): the unit on dispatch, urge,
supervision, reminder and overdue; the hotline centre on a return, an extension request and the
通报. Observed in ``suyuan_case_after_transition``, so the notification is written in the same
transaction as the event — it exists exactly when the change does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from suyuan_core import Case, CaseEvent, Deployment
from suyuan_smart.common import calendar, handler, settings

#: the hotline centre: whoever may dispatch over the case's area.
DISPATCHERS = ("permission:smart.dispatch",)


def units(case: Case, data: dict[str, Any] | None = None) -> list[str]:
    """The accounts acting for the units the order is with (``acts_for:organisation:X``)."""
    state = case.data.get("smart_dispatch") or {}
    codes = [state.get("lead"), *state.get("co", [])] if state else []
    if data and data.get("unit"):
        codes = [data["unit"]]
    found = [f"acts_for:{handler(c)}" for c in codes if c]
    if not found:
        found = [f"acts_for:{a}" for a in case.assignees if a.startswith("organisation:")]
    return found


def tell(d: Deployment, kind: str, to: Iterable[str], case: Case, subject: str, body: str = "",
         *, dedup: str | None = None, session: Session | None = None) -> list[int]:
    return d.notifications.notify(kind, to=list(to), subject=subject, body=body,
                                  case_id=case.id, area_code=case.area_code, dedup=dedup,
                                  session=session)


def unit_name(d: Deployment, code: Any) -> str:
    """The unit's name as people know it (the code for one no longer configured)."""
    return next((u.name for u in settings(d).units if u.code == code), str(code))


REASONS = {"not_our_duty": "非本单位职责", "wrong_locality": "非本属地"}


def _deadline(d: Deployment, case: Case) -> str:
    if case.deadline is None:
        return "无期限"
    return f"办理期限 {calendar(d).local(case.deadline):%Y-%m-%d %H:%M}"


#: an event dated longer ago than this is history being recorded (an import, the demo), not
#: news: nobody is told about it.
HISTORY = dt.timedelta(days=7)


def after_event(d: Deployment, case: Case, event: CaseEvent, s: Session) -> None:
    if event.occurred_at < dt.datetime.now(dt.UTC) - HISTORY:
        return
    kind, data = event.kind, dict(event.data or {})
    title = case.title[:60]
    ref = f"#{case.id}"
    key = f"smart:{case.id}:{event.seq}"
    if kind == "assign" and data.get("smart"):
        info = data["smart"]
        tell(d, "dispatch", [f"acts_for:{handler(u)}" for u in [info["lead"], *info["co"]]], case,
             f"{'重新派单' if info.get('redispatch') else '新派单'} {ref}: {title}",
             f"主办 {unit_name(d, info['lead'])}"
             + (f"，协办 {'、'.join(unit_name(d, u) for u in info['co'])}" if info["co"] else "")
             + f"。{_deadline(d, case)}", dedup=key, session=s)
    elif kind == "smart.return":
        reason = data.get("reason_code")
        tell(d, "return", DISPATCHERS, case, f"退单待审核 {ref}: {unit_name(d, data.get('unit'))}",
             f"原因 {REASONS.get(str(reason), reason)}；依据：{data.get('basis', '')}", dedup=key,
             session=s)
    elif kind == "smart.urge":
        tell(d, "urge", units(case, data), case, f"催办 {ref}: {title}",
             f"{data.get('note', '')}。{_deadline(d, case)}", dedup=key, session=s)
    elif kind == "smart.supervise":
        tell(d, "supervision", units(case, data), case, f"督办 {ref}: {title}",
             f"{data.get('note', '')}（回复期限 {data.get('reply_due', '')[:16]}）", dedup=key,
             session=s)
    elif kind == "smart.remind":
        tell(d, "reminder", units(case), case, f"临期提醒 {ref}: {title}", _deadline(d, case),
             dedup=f"smart.remind:{case.id}:{data.get('deadline')}", session=s)
    elif kind == "smart.overdue":
        tell(d, "overdue", [*units(case), *DISPATCHERS], case, f"工单超期 {ref}: {title}",
             f"{_deadline(d, case)}，已超期", dedup=f"smart.overdue:{case.id}:{data.get('deadline')}",
             session=s)
    elif kind == "smart.overdue_notice":
        tell(d, "overdue_notice", [*units(case), *DISPATCHERS], case,
             f"超期通报 {ref}: 超期 {data.get('workdays_late')} 个工作日",
             f"{title}。{_deadline(d, case)}",
             dedup=f"smart.notice:{case.id}:{data.get('deadline')}", session=s)
    elif kind == "smart.extension_request":
        tell(d, "extension", DISPATCHERS, case, f"延期申请待审批 {ref}: {data.get('workdays')} 个工作日",
             event.reason or "", dedup=key, session=s)
    elif kind == "smart.extension_decision":
        tell(d, "extension", units(case), case,
             f"延期申请{'已批准' if data.get('approved') else '未批准'} {ref}", event.reason or "",
             dedup=key, session=s)
