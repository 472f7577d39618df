"""Demo data: 12345-style appeals in the seed's volume and mix (22,271 from January to May across
the 12345 hotline, the leaders' mailboxes and a city news account; near 97.73% satisfied, 100% on
time),
scaled by the demo's ``scale``. Written as case histories through the core's bulk writer, so
every figure is computed from events."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import sqlalchemy as sa

from suyuan_core import (
    Case,
    CaseRecord,
    Deployment,
    EventSpec,
    Level,
    NewCase,
    Organisation,
    Party,
    tables,
)
from suyuan_core.times import iso, to_db
from suyuan_smart.common import calendar, settings
from suyuan_smart.deadlines import limit_for

SEED_VOLUME = 22_271
START = dt.date(2026, 1, 1)   # the seed's 今年1-5月: January to May
DAYS = 151
SOURCES = (("hotline_12345", 0.70), ("mailbox", 0.12), ("messaging", 0.18))
CATEGORIES = (
    ("urban_management", 0.18, "路灯不亮井盖破损", "小区门口路灯坏了一周，晚上出行不安全"),
    ("property_management", 0.14, "物业不作为", "小区电梯经常停运，物业不处理"),
    ("labour", 0.10, "拖欠工资", "工地老板拖欠工资三个月，多次讨要无果"),
    ("public_utilities", 0.10, "停水无通知", "片区停水两天，没有提前通知"),
    ("environment", 0.09, "噪音扰民", "附近工地夜间施工，噪声很大"),
    ("neighbour", 0.08, "邻居漏水", "楼上邻居家漏水到我家天花板"),
    ("consumer", 0.07, "商家拒绝退款", "在商家购买的商品有质量问题，拒绝退款"),
    ("policy_consult", 0.09, "咨询社保政策", "咨询灵活就业人员社保缴费政策"),
    ("social_security", 0.06, "低保办理", "申请低保材料已交，迟迟没有结果"),
    ("traffic", 0.05, "占道停车", "路口长期占道停车，造成拥堵"),
    ("housing_homestead", 0.04, "宅基地纠纷", "与邻居宅基地界址有争议"),
)
URGENCY = (("normal", 0.80), ("complex", 0.15), ("urgent", 0.05))
DEMO_UNITS = ("U01", "U02", "U03", "U04", "U05", "U06", "U07", "U08")


#: share of callers the callback team reaches.
REACHED = 0.985
#: how likely a caller is dissatisfied, before the handling is taken into account: a wage or
#: homestead dispute is harder to settle to the caller's liking than a street lamp.
UNHAPPY_BASE = {"labour": 0.05, "housing_homestead": 0.06, "social_security": 0.04,
                "property_management": 0.03, "neighbour": 0.03}
UNHAPPY_DEFAULT = 0.012


def _rating(rng: random.Random, category: str, late_sign: bool, used: float) -> str:
    """One caller's answer, from how their order went: signed late or settled near the deadline
    makes dissatisfaction likelier. Over the seed's mix this lands near its 97.73% satisfied."""
    unhappy = UNHAPPY_BASE.get(category, UNHAPPY_DEFAULT) * (1.8 if late_sign else 1.0) * (
        0.5 + used)
    if rng.random() < unhappy:
        return "dissatisfied"
    return "basically_satisfied" if rng.random() < 0.25 else "satisfied"


def _pick(rng: random.Random, table: Any) -> Any:
    return rng.choices(table, weights=[row[1] for row in table])[0]


def _online_already(d: Deployment, tz: dt.tzinfo) -> int:
    """Online appeals (the seed's channels) already in the deployment from January to May, e.g.
    the core demo's 12345 and mailbox cases: the seed's 22,271 counts them, so the pillar adds
    only the rest."""
    c = tables.cases.c
    start = dt.datetime.combine(START, dt.time(), tz)
    end = start + dt.timedelta(days=DAYS)
    with d.reading() as s:
        return int(s.scalar(sa.select(sa.func.count()).where(
            c.source.in_([source for source, _ in SOURCES]),
            c.reported_at >= to_db(start), c.reported_at < to_db(end))) or 0)


def generate(d: Deployment, *, seed: int = 1, scale: float = 1.0,
             batch: int = 5000) -> int:
    """Write the demo orders; returns how many cases were created."""
    rng = random.Random(seed)
    tree = d.areas.tree
    places = sorted(code for code, a in tree.areas.items()
                    if a.level in (Level.community, Level.grid))
    if not places:
        return 0
    cal = calendar(d)
    units = [u.code for u in settings(d).units]
    if not units:  # no units configured: demo units, on the roster like configured ones
        units = list(DEMO_UNITS)
        d.roster.save_organisations([Organisation(external_id=u, name=f"演示承办单位 {u}",
                                                  kind="handling_unit", area_code=tree.roots()[0])
                                     for u in units])
    n = max(0, round(SEED_VOLUME * scale) - _online_already(d, cal.tz))
    created = 0
    records: list[CaseRecord] = []
    for i in range(n):
        source = _pick(rng, SOURCES)[0]
        category, _, title, text = _pick(rng, CATEGORIES)
        urgency = _pick(rng, URGENCY)[0]
        day = START + dt.timedelta(days=rng.randrange(DAYS))
        t0 = dt.datetime.combine(day, dt.time(rng.randrange(8, 20), rng.randrange(60)), cal.tz)
        area = rng.choice(places)
        phone = f"13{rng.randrange(10**9):09d}"
        new = NewCase(title=title, description=text, category=category, source=source,
                      area_code=area, source_ref=f"DEMO-{seed}-{i:06d}",
                      parties=[Party(name=f"市民{i % 997}", role="caller", phone=phone)],
                      occurred_at=t0, data={"urgency": urgency, "channel": "demo"})
        stub = Case(id=0, kind="appeal", title=title, category=category, source=source,
                    area_code=area, level=tree.get(area).level, data=new.data)
        accept = t0 + dt.timedelta(minutes=rng.randrange(5, 60))
        limit = limit_for(stub, settings(d))
        deadline = (cal.add_workdays(accept, int(limit.amount)).at if limit.unit == "workdays"
                    else accept + dt.timedelta(hours=limit.amount))
        assign = accept + dt.timedelta(minutes=rng.randrange(5, 30))
        lead = rng.choice(units)
        sign_due = cal.add_work_minutes(assign, settings(d).sign_off_workhours * 60).at
        sign = assign + dt.timedelta(minutes=rng.randrange(10, 240))
        late = sign > sign_due
        span = max((deadline - sign).total_seconds() - 7200, 3600)
        resolve = sign + dt.timedelta(seconds=rng.uniform(1800, span))
        close = resolve + dt.timedelta(minutes=rng.randrange(5, 50))
        callback = close + dt.timedelta(hours=rng.randrange(2, 30))
        reached = rng.random() < REACHED
        rating = _rating(rng, category, late, (resolve - accept) / (deadline - accept)) \
            if reached else None
        state = {"lead": lead, "co": [], "at": iso(assign), "sign_due": iso(sign_due),
                 "signed": [lead], "returns": 0, "final": False}
        events = [
            EventSpec("accept", accept, "demo"),
            EventSpec("assign", assign, "demo", {
                "assignees": [f"organisation:{lead}"],
                "smart": {"lead": lead, "co": [], "redispatch": False,
                          "sign_due": iso(sign_due), "final": False},
                "case_data": {"smart_dispatch": {**state, "signed": []}}}),
            EventSpec("smart.sign_off", sign, lead, {
                "unit": lead, "role": "lead", "late": late, "due": iso(sign_due),
                "case_data": {"smart_dispatch": state}}),
            EventSpec("start", sign + dt.timedelta(minutes=1), lead),
            EventSpec("resolve", resolve, lead),
            EventSpec("close", close, "demo"),
            EventSpec("callback", callback, "demo:callback", {
                "reached": reached, "satisfaction": rating,
                **({"resolved": rating != "dissatisfied"} if reached else {})},
                reason="未解决诉求 not resolved" if rating == "dissatisfied" else None),
        ]
        records.append(CaseRecord(case=new, events=events, actor="demo", line=i + 1))
        if len(records) >= batch:
            created += d.bulk.write(records).created
            records = []
    if records:
        created += d.bulk.write(records).created
    return created
