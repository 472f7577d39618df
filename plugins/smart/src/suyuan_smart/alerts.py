"""Early warning (排查预警): spikes per area and category against each area's own baseline,
repeat callers, high-risk words (configurable; wage arrears raised before the Spring Festival),
and cases stuck at one level. Alerts carry a severity, are idempotent on their key, and every
change (raised, acknowledged, closed) is an append-only alert event."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suyuan_core import OPEN_STATUSES, Deployment, Level, NotFound, ValidationError, tables
from suyuan_core.times import from_db, now, to_db
from suyuan_smart.common import Scope, calendar, in_scope, settings
from suyuan_smart.models import alert_events, alerts

SEVERITIES = ("low", "medium", "high", "critical")
STATUSES = ("open", "acknowledged", "closed")
#: how the desk and the printed report name them (zh-Hans, English)
SEVERITY_LABELS = {"low": ("低", "low"), "medium": ("中", "medium"), "high": ("高", "high"),
                   "critical": ("严重", "critical")}
STATUS_LABELS = {"open": ("待处理", "open"), "acknowledged": ("已确认", "acknowledged"),
                 "closed": ("已关闭", "closed")}


def _raise(s: Session, key: str, kind: str, severity: str, message: str, at: dt.datetime, *,
           area_code: str | None = None, category: str | None = None,
           case_id: int | None = None, data: dict[str, Any] | None = None) -> int | None:
    if s.execute(select(alerts.c.id).where(alerts.c.key == key)).first() is not None:
        return None
    alert_id = s.execute(alerts.insert().returning(alerts.c.id).values(
        key=key, kind=kind, severity=severity, message=message, area_code=area_code,
        category=category, case_id=case_id, data=data or {}, status="open",
        raised_at=to_db(at))).scalar_one()
    s.execute(alert_events.insert().values(alert_id=alert_id, kind="raised", actor="smart",
                                           occurred_at=to_db(at), note=message))
    return int(alert_id)


def _bump(severity: str) -> str:
    return SEVERITIES[min(len(SEVERITIES) - 1, SEVERITIES.index(severity) + 1)]


def scan(d: Deployment, at: dt.datetime | None = None) -> list[int]:
    """Run every check as of ``at``; returns the ids of the alerts newly raised."""
    at = at or now()
    raised: list[int | None] = []
    with d.transaction() as s:
        raised += _spikes(d, s, at)
        raised += _repeat_callers(d, s, at)
        raised += _risk_words(d, s, at)
        raised += _stuck(d, s, at)
    return [i for i in raised if i is not None]


def _spikes(d: Deployment, s: Session, at: dt.datetime) -> list[int | None]:
    cfg = settings(d)
    tree = d.areas.tree
    level = Level.parse(cfg.spike_level)
    c = tables.cases.c
    week_start = at - dt.timedelta(days=7)
    base_start = week_start - dt.timedelta(weeks=cfg.baseline_weeks)
    rows = s.execute(select(c.area_code, c.category, c.reported_at).where(
        c.reported_at >= to_db(base_start), c.reported_at < to_db(at),
        c.merged_into.is_(None))).all()
    current: Counter[tuple[str, str]] = Counter()
    base: Counter[tuple[str, str]] = Counter()
    for area, category, reported in rows:
        if area not in tree:
            continue
        unit = tree.parent_at(area, level) or area
        if from_db(reported) >= week_start:  # type: ignore[operator]
            current[(unit, category)] += 1
        else:
            base[(unit, category)] += 1
    out = []
    week = f"{at.isocalendar()[0]}-W{at.isocalendar()[1]:02d}"
    for (area, category), n in current.items():
        mean = base[(area, category)] / cfg.baseline_weeks
        if n >= cfg.spike_min_cases and n >= cfg.spike_factor * max(mean, 1.0):
            ratio = n / max(mean, 1.0)
            severity = "high" if ratio >= 2 * cfg.spike_factor else "medium"
            out.append(_raise(
                s, f"spike:{area}:{category}:{week}", "spike", severity,
                f"{tree.get(area).name_zh} {category} 本周 {n} 件, 基线周均 {mean:.1f} 件 "
                f"(spike ×{ratio:.1f})", at, area_code=area, category=category,
                data={"count": n, "baseline": round(mean, 2)}))
    return out


def _repeat_callers(d: Deployment, s: Session, at: dt.datetime) -> list[int | None]:
    cfg = settings(d)
    c = tables.cases.c
    since = at - dt.timedelta(days=cfg.repeat_caller_days)
    by_phone: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
    for case_id, parties, area in s.execute(select(c.id, c.parties, c.area_code).where(
            c.reported_at >= to_db(since), c.reported_at < to_db(at))):
        for p in parties or ():
            if p.get("phone"):
                by_phone[p["phone"]].append((case_id, area))
    out = []
    for phone, cases in by_phone.items():
        if len(cases) >= cfg.repeat_caller_cases:
            ids = sorted(i for i, _ in cases)
            masked = phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"
            out.append(_raise(
                s, f"repeat:{phone}:{ids[0]}", "repeat_caller",
                "high" if len(cases) >= 2 * cfg.repeat_caller_cases else "medium",
                f"来电人 {masked} {cfg.repeat_caller_days} 天内 {len(cases)} 次诉求 "
                f"(repeat caller)", at, area_code=cases[-1][1], case_id=ids[-1],
                data={"cases": ids}))
    return out


def _risk_words(d: Deployment, s: Session, at: dt.datetime) -> list[int | None]:
    cfg = settings(d)
    c = tables.cases.c
    local_month = calendar(d).local(at).month
    out = []
    query = select(c.id, c.title, c.description, c.area_code, c.category).where(
        c.status.in_([x.value for x in OPEN_STATUSES]), c.merged_into.is_(None))
    for case_id, title, description, area, category in s.execute(query):
        text = f"{title} {description or ''}"
        for severity in reversed(SEVERITIES):
            hits = [w for w in cfg.risk_words.get(severity, []) if w in text]
            if not hits:
                continue
            level = severity
            wages = category == "labour" or any(w in ("欠薪", "讨薪", "拖欠工资") for w in hits)
            if wages and local_month in cfg.festival_months:
                level = _bump(severity)
            out.append(_raise(s, f"risk:{case_id}:{severity}", "risk_words", level,
                              f"案件 {case_id} 含高风险词 {'、'.join(hits)} (high-risk words)",
                              at, area_code=area, category=category, case_id=case_id,
                              data={"words": hits}))
            break
    return out


def _stuck(d: Deployment, s: Session, at: dt.datetime) -> list[int | None]:
    """Open cases whose last event is older than ``stuck_workdays`` working days."""
    cfg = settings(d)
    cal = calendar(d)
    c, e = tables.cases.c, tables.case_events.c
    last = (select(e.case_id, func.max(e.occurred_at).label("last")).group_by(e.case_id)
            .subquery())
    query = (select(c.id, c.area_code, c.level, c.category, last.c.last)
             .join(last, last.c.case_id == c.id)
             .where(c.status.in_([x.value for x in OPEN_STATUSES]), c.merged_into.is_(None)))
    out = []
    for case_id, area, level, category, last_at in s.execute(query):
        idle = cal.work_minutes_between(from_db(last_at), at) / (24 * 60)  # type: ignore[arg-type]
        if idle >= cfg.stuck_workdays:
            out.append(_raise(s, f"stuck:{case_id}:{last_at:%Y%m%d%H%M%S}", "stuck",
                              "high" if idle >= 2 * cfg.stuck_workdays else "medium",
                              f"案件 {case_id} 在{level}级 {idle:.0f} 个工作日无进展 (stuck)",
                              at, area_code=area, category=category, case_id=case_id,
                              data={"idle_workdays": round(idle, 1), "level": level}))
    return out


def acknowledge(d: Deployment, alert_id: int, *, actor: str, note: str | None = None,
                close: bool = False, session: Session | None = None) -> None:
    """签收预警 (and optionally close it), as an alert event."""
    at = to_db(now())
    with d.transaction(session) as s:
        row = s.execute(select(alerts.c.status).where(alerts.c.id == alert_id)).first()
        if row is None:
            raise NotFound(f"no alert {alert_id}", field="alert_id", rule="exists")
        if row.status == "closed":
            raise ValidationError(f"alert {alert_id} is closed", field="alert_id", rule="open")
        if row.status == "acknowledged" and not close:
            raise ValidationError(f"alert {alert_id} is already acknowledged", field="alert_id",
                                  rule="once")
        status = "closed" if close else "acknowledged"
        s.execute(alerts.update().where(alerts.c.id == alert_id).values(status=status))
        s.execute(alert_events.insert().values(alert_id=alert_id, kind=status, actor=actor,
                                               occurred_at=at, note=note))


def get(d: Deployment, alert_id: int) -> dict[str, Any]:
    """One alert, or NotFound."""
    with d.reading() as s:
        row = s.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    if row is None:
        raise NotFound(f"no alert {alert_id}", field="alert_id", rule="exists")
    return dict(row._mapping)


def listing(d: Deployment, *, status: str | None = "open", area_code: str | None = None,
            since: dt.datetime | None = None, until: dt.datetime | None = None,
            scope: Scope = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Alerts newest first; ``area_code`` keeps its subtree, ``scope`` the caller's areas."""
    if status is not None and status not in STATUSES:
        raise ValidationError(f"{status!r} is not an alert status", field="status",
                              rule="one_of", hint="use " + ", ".join(STATUSES))
    q = select(alerts).order_by(alerts.c.raised_at.desc(), alerts.c.id.desc())
    if status:
        q = q.where(alerts.c.status == status)
    if since:
        q = q.where(alerts.c.raised_at >= to_db(since))
    if until:
        q = q.where(alerts.c.raised_at < to_db(until))
    with d.reading() as s:
        rows = [dict(r._mapping) for r in s.execute(q)]
    if area_code:
        tree = d.areas.tree
        rows = [r for r in rows if r["area_code"] in tree
                and area_code in tree.ancestors(r["area_code"])]
    if scope is not None:
        rows = [r for r in rows if in_scope(d, r["area_code"], scope)]
    return rows[:limit] if limit else rows


def history(d: Deployment, alert_id: int) -> list[dict[str, Any]]:
    with d.reading() as s:
        return [dict(r._mapping) for r in s.execute(
            select(alert_events).where(alert_events.c.alert_id == alert_id)
            .order_by(alert_events.c.id))]
