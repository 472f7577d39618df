"""The pillar's share of the demo (``suyuan_demo_data``), written through the services so that every
figure comes from events: the seed's 1,191 mediators (137 full-time) at scale 1, talk-and-reason
sessions landing near 92.69 % success, agreements and follow-ups, patrols, 500+ courtyard matters
near 98 % satisfaction, Citizens' Sunday events, village rules and four-two procedures.

Deterministic for a seed and the database it starts from (``random.Random(seed)``); times are laid
out backwards from the newest case already in the database (or now).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

import attrs
import sqlalchemy as sa

from suyuan_core import (
    CaseRecord,
    Deployment,
    EventSpec,
    Level,
    NewCase,
    Person,
    ValidationError,
    tables,
)
from suyuan_core.times import to_db, zone
from suyuan_self_governance import models as m
from suyuan_self_governance.agreements import AgreementInput
from suyuan_self_governance.alliance import VIA as ALLIANCE_VIA
from suyuan_self_governance.patrols import PatrolInput
from suyuan_self_governance.procedures import StepInput
from suyuan_self_governance.roster import BodyInput, MediatorInput
from suyuan_self_governance.service import SelfGovernance
from suyuan_self_governance.sessions import VIA
from suyuan_self_governance.sunday import SundayEventInput
from suyuan_self_governance.village_rules import RuleVersionInput

MEDIATORS, FULL_TIME = 1191, 137
SUCCESS_RATE = 0.9269
ALLIANCE_MATTERS_N, ALLIANCE_SATISFACTION = 520, 0.98
ACTOR = "demo"

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓"
            "曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈")
GIVEN = ["秀英", "建国", "桂兰", "志强", "玉兰", "德明", "淑芬", "国华", "春花", "永福", "素珍",
         "明亮", "翠华", "光荣", "凤英", "家富", "丽华", "长生", "金凤", "世平", "红梅", "大勇"]
BACKGROUND_WEIGHTS = [("veteran_party_member", 30), ("veteran_cadre", 20), ("veteran_leader", 12),
                      ("veteran_soldier", 14), ("veteran_legal", 12), ("lawyer", 6), ("other", 6)]
SPECIALITIES = ["neighbour", "marriage_family", "housing_homestead", "forest_land", "contract",
                "damages", "land_acquisition", "property_management", "labour"]
MATTER_CATEGORIES = {"family": ["marriage_family", "housing_homestead"],
                     "public": ["neighbour", "property_management", "land_acquisition",
                                "environment"],
                     "farming": ["forest_land", "contract", "damages"]}
TITLES = {"marriage_family": "赡养老人费用分担纠纷", "housing_homestead": "宅基地界址纠纷",
          "neighbour": "邻里排水纠纷", "property_management": "物业服务费纠纷",
          "land_acquisition": "青苗补偿分配纠纷", "environment": "养殖异味纠纷",
          "forest_land": "林地承包边界纠纷", "contract": "农资赊购合同纠纷",
          "damages": "家禽毁损庄稼赔偿纠纷"}
HAZARDS = [("楼道堆放杂物", "safety_hazard"), ("电动车飞线充电", "safety_hazard"),
           ("邻里因噪音争吵", "neighbour"), ("沟渠堵塞", "environment"),
           ("围墙开裂", "safety_hazard")]
ROUTE = "沿主干道、楼栋、院坝巡查"
ALLIANCE_TITLES = {"small": ["帮独居老人换灯泡", "调解晾衣占道", "楼道清扫排班"],
                   "difficult": ["协调加装电梯意见", "化解停车位争执"],
                   "bothersome": ["劝解宠物扰邻", "协调空调外机滴水"]}


#: relative odds that a resident is unhappy with how a matter went, by kind.
ALLIANCE_UNHAPPY = {"small": 0.5, "difficult": 2.0, "bothersome": 1.0}


def _calibrated(odds: dict[str, float], target: float) -> dict[str, float]:
    """``odds`` scaled so that, drawn evenly, their mean is ``target``."""
    k = target * len(odds) / sum(odds.values())
    return {key: k * v for key, v in odds.items()}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _two_names(rng: random.Random) -> tuple[str, str]:
    """Two different people: an agreement needs two distinct parties, and a draw from a few
    hundred names repeats often enough to fail about half the seeds at the default size."""
    a = _name(rng)
    b = _name(rng)
    while b == a:
        b = _name(rng)
    return a, b


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _anchor(d: Deployment) -> dt.datetime:
    with d.reading() as s:
        newest = s.scalar(sa.select(sa.func.max(tables.cases.c.reported_at)))
    now = dt.datetime.now(dt.UTC)
    base = min(newest.replace(tzinfo=dt.UTC), now) if newest else now
    local = base.astimezone(zone(d))
    return dt.datetime.combine(local.date() - dt.timedelta(days=1), dt.time(18), zone(d))


def generate(d: Deployment, *, seed: int, scale: float) -> dict[str, int]:
    rng = random.Random(seed)
    tree = d.areas.tree
    communities = sorted(c for c, a in tree.areas.items() if a.level is Level.community)
    if not communities:
        return {}
    grids = {c: sorted(x for x in tree.subtree(c) if tree.get(x).level is Level.grid)
             for c in communities}
    anchor = _anchor(d)
    sg = SelfGovernance(d)
    factor = min(max(scale, 0.0), 1.0)
    counts: dict[str, int] = {}
    by_community = _mediators(d, sg, rng, communities, factor, counts)
    committees = _bodies(d, sg, rng, communities, by_community, anchor, counts)
    _sessions(d, sg, rng, communities, grids, by_community, committees, anchor, scale, counts)
    _patrols(d, sg, rng, grids, anchor, scale, counts)
    _alliance(d, sg, rng, communities, grids, by_community, anchor, scale, counts)
    _sunday(sg, rng, communities, anchor, scale, counts)
    _rules_and_procedures(d, sg, rng, communities, anchor, scale, counts)
    return counts


def _mediators(d: Deployment, sg: SelfGovernance, rng: random.Random, communities: list[str],
               factor: float, counts: dict[str, int]) -> dict[str, list[tuple[str, str]]]:
    """Bring the roster to the seed's size; give every mediator a profile."""
    target = max(3 * min(len(communities), 12), round(MEDIATORS * factor))
    full_target = round(FULL_TIME * factor)
    with d.reading() as s:
        existing = d.roster.people(s, roles=["mediator"])
        profiled = set(s.scalars(sa.select(m.mediators.c.person_id)))
    with d.transaction() as s:
        rows = [{"person_id": w.id, "background": _weighted(rng, BACKGROUND_WEIGHTS),
                 "available": True} for w in existing if w.id not in profiled]
        if rows:
            s.execute(m.mediators.insert(), rows)
    full = sum(1 for w in existing if w.employment == "full_time")
    items = []
    towns = sorted({d.areas.tree.get(c).parent_code or c for c in communities})
    for i in range(max(0, target - len(existing))):
        background = _weighted(rng, BACKGROUND_WEIGHTS)
        area = rng.choice(towns) if background == "lawyer" else communities[i % len(communities)]
        employment = "full_time" if full < full_target else "part_time"
        full += employment == "full_time"
        items.append(MediatorInput(
            external_id=f"SGM{i + 1:05d}", name=_name(rng), background=background, areas=(area,),
            gender="female" if rng.random() < 0.42 else "male", employment=employment,
            specialities=tuple(rng.sample(SPECIALITIES, 2)), capacity=rng.choice((6, 8, 10, 12)),
            phone=f"139{rng.randrange(10**8):08d}"))
    if items:
        sg.roster.save_mediators(items)
    with d.reading() as s:
        everyone = d.roster.people(s, roles=["mediator"])
    by_community: dict[str, list[tuple[str, str]]] = {c: [] for c in communities}
    for w in everyone:
        for a in w.areas:
            if a in by_community:
                by_community[a].append((w.external_id, w.gender))
    counts.update(sg.roster.counts())
    return by_community


def _bodies(d: Deployment, sg: SelfGovernance, rng: random.Random, communities: list[str],
            by_community: dict[str, list[tuple[str, str]]], anchor: dt.datetime,
            counts: dict[str, int]) -> dict[str, str]:
    """A mediation committee per community that has enough mediators (a woman among them), and
    a few named studios."""
    committees: dict[str, str] = {}
    term_start = dt.date(anchor.year - 1, 1, 1)
    studios = 0
    for c in communities:
        people = by_community[c]
        women = [p for p in people if p[1] == "female"]
        if len(people) < 3 or not women:
            continue
        chair = women[0]
        others = [p for p in people if p != chair][:rng.randint(2, min(6, len(people) - 1))]
        ext = f"MC-{c}"
        sg.roster.save_body(BodyInput(
            external_id=ext, name=f"{d.areas.tree.get(c).name_zh}人民调解委员会",
            kind="mediation_committee", area_code=c,
            members=[{"person": chair[0], "position": "chair"},
                     *({"person": p[0], "position": "member"} for p in others)],
            term_start=term_start, elected_by=f"{term_start.year}年村(居)民会议"))
        committees[c] = ext
        if studios < 20 and len(people) >= 4 and rng.random() < 0.5:
            lead = others[0]
            with d.reading() as s:
                lead_name = d.roster.people(s, external_ids=[lead[0]])[0].name
            sg.roster.save_body(BodyInput(
                external_id=f"ST-{c}", name=f"{lead_name[0]}{'大姐' if lead[1] == 'female' else '大爷'}"
                                           "调解室",
                kind="mediation_studio", area_code=c,
                members=[{"person": lead[0], "position": "lead"},
                         {"person": chair[0], "position": "member"}]))
            studios += 1
    counts.update(committees=len(committees), studios=studios)
    return committees


#: how hard each kind of matter is to settle by talking it through (relative odds of failure):
#: a land-compensation share or a homestead boundary holds more at stake than a drain.
DIFFICULTY = {"marriage_family": 0.9, "housing_homestead": 1.4, "neighbour": 0.6,
              "property_management": 1.0, "land_acquisition": 1.9, "environment": 1.1,
              "forest_land": 1.3, "contract": 1.0, "damages": 0.8}
#: a matter that needs a second session (the first ends "continued") is a harder one.
CONTINUED, CONTINUED_HARDER = 0.15, 1.8
BATCH = 400


def failure_odds(target: float = SUCCESS_RATE) -> dict[str, float]:
    """Each category's chance that its session fails, from :data:`DIFFICULTY`, scaled so that
    over the demo's mix (matters drawn evenly, then a category of the matter; a share needing a
    second, harder session) the expected success is ``target``. A case succeeds or fails by its
    own draw; the figure lands near the seed's rate, not on it by force."""
    weight: dict[str, float] = {}
    for cats in MATTER_CATEGORIES.values():
        for c in cats:
            weight[c] = weight.get(c, 0.0) + 1 / len(MATTER_CATEGORIES) / len(cats)
    mean = sum(weight[c] * DIFFICULTY[c] for c in weight) * (
        1 - CONTINUED + CONTINUED * CONTINUED_HARDER)
    k = (1 - target) / mean
    return {c: k * DIFFICULTY[c] for c in DIFFICULTY}


def _sessions(d: Deployment, sg: SelfGovernance, rng: random.Random, communities: list[str],
              grids: dict[str, list[str]], by_community: dict[str, list[tuple[str, str]]],
              committees: dict[str, str], anchor: dt.datetime, scale: float,
              counts: dict[str, int]) -> None:
    """Talk-and-reason cases written through the core's bulk writer with their whole history
    (accepted, assigned, sessions, resolved or failed, closed), their session rows in one
    insert, then the agreements of the settled ones through the service, a transaction per
    batch."""
    n = max(30, round(1200 * scale))
    odds = failure_odds()
    usable = [c for c in communities if by_community[c]]
    with d.reading() as s:
        c_ = tables.cases.c
        if s.scalar(sa.select(c_.id).where(c_.source_ref == "sg-demo-1").limit(1)) is not None:
            return  # written by an earlier run: a second one adds no sessions
        person_id = {w.external_id: w.id for w in d.roster.people(s, roles=["mediator"])}
        first_sid = (s.scalar(sa.select(sa.func.max(m.sessions.c.id))) or 0) + 1
    plans: list[dict[str, Any]] = []
    records: list[CaseRecord] = []
    sid = first_sid
    for i in range(n):
        c = rng.choice(usable)
        mediator = rng.choice(by_community[c])[0]
        matter = rng.choice(list(MATTER_CATEGORIES))
        category = rng.choice(MATTER_CATEGORIES[matter])
        area = rng.choice(grids[c]) if grids[c] else c
        at = anchor - dt.timedelta(days=rng.randint(20, 330), hours=rng.randint(0, 8))
        a, b = _two_names(rng)
        held = at + dt.timedelta(days=rng.randint(1, 6))
        people = [{"name": a, "role": "party"}, {"name": b, "role": "party"}]
        reasons = rng.sample(["sentiment", "morality", "law"], rng.randint(1, 3))
        handler = f"person:{mediator}"
        events = [EventSpec("accept", at + dt.timedelta(hours=1), ACTOR),
                  EventSpec("assign", held, ACTOR, {"assignees": [handler], "via": VIA}),
                  EventSpec("start", held, ACTOR, {"via": VIA})]
        held_sessions: list[dict[str, Any]] = []
        continued = rng.random() < CONTINUED
        if continued:
            held_sessions.append({"held_at": held, "outcome": "continued",
                                  "participants": people, "summary": "双方各陈述理由，约定再议"})
            held += dt.timedelta(days=rng.randint(2, 9))
        fails = odds[category] * (CONTINUED_HARDER if continued else 1.0)
        outcome = "failure" if rng.random() < fails else "success"
        held_sessions.append({
            "held_at": held, "outcome": outcome,
            "participants": [*people, {"name": "村民代表", "role": "witness"}],
            "summary": "摆事实、讲道理，当场化解" if outcome == "success" else "分歧较大，告知其他途径"})
        for item in held_sessions:
            item.update(id=sid, mediator=mediator, matter=matter, reasons=reasons)
            events.append(EventSpec("self_governance.session", item["held_at"], ACTOR, {
                "session_id": sid, "matter": matter, "reasons": reasons,
                "outcome": item["outcome"], "mediator": mediator,
                "participants": len(item["participants"])}))
            sid += 1
        last = held_sessions[-1]["id"]
        if outcome == "success":
            events.append(EventSpec("resolve", held, ACTOR, {"via": VIA, "session_id": last}))
        else:
            events.append(EventSpec("fail", held, ACTOR, {"via": VIA, "session_id": last,
                                                          "informed_of_other_routes": True}))
        events.append(EventSpec("close", held + dt.timedelta(days=rng.randint(0, 3)), ACTOR))
        records.append(CaseRecord(case=NewCase(
            title=TITLES[category], category=category,
            source=rng.choice(("application", "self_initiated", "walk_in")), area_code=area,
            source_ref=f"sg-demo-{i + 1}", occurred_at=at,
            parties=[{"name": a, "role": "applicant"}, {"name": b, "role": "respondent"}]),
            events=events, actor=ACTOR, line=i + 1))
        plans.append({"c": c, "a": a, "b": b, "category": category, "outcome": outcome,
                      "held": held, "sessions": held_sessions,
                      "agree": outcome == "success" and rng.random() <= 0.7,
                      "written": rng.random() < 0.6, "due": rng.choice((7, 15, 30)),
                      "check": rng.random() < 0.8, "performed": rng.random() < 0.96})
    agreements = effective = 0
    for start in range(0, n, BATCH):
        ids = d.bulk.write(records[start:start + BATCH]).ids
        chunk = plans[start:start + BATCH]
        with d.transaction() as s:
            s.execute(m.sessions.insert(), [
                {"id": x["id"], "case_id": cid, "held_at": to_db(x["held_at"]),
                 "mediator_id": person_id[x["mediator"]], "studio_id": None,
                 "matter": x["matter"], "reasons": list(x["reasons"]),
                 "participants": [dict(p) for p in x["participants"]], "public": True,
                 "summary": x["summary"], "outcome": x["outcome"], "refused_by": None,
                 "actor": ACTOR}
                for cid, plan in zip(ids, chunk, strict=True) for x in plan["sessions"]])
            for cid, plan in zip(ids, chunk, strict=True):
                if not plan["agree"]:
                    continue
                agreements += 1
                effective += _agreement(d, sg, s, cid, plan, committees, anchor)
    if d.engine.dialect.name == "postgresql":  # the ids were given: move the sequence past them
        with d.transaction() as s:
            s.execute(sa.text("SELECT setval(pg_get_serial_sequence('sg_sessions', 'id'), "
                              "(SELECT max(id) FROM sg_sessions))"))
    counts.update(sessions_cases=n, agreements=agreements, agreements_effective=effective)


def _agreement(d: Deployment, sg: SelfGovernance, s: Any, cid: int, plan: dict[str, Any],
               committees: dict[str, str], anchor: dt.datetime) -> int:
    """The agreement of a settled case: drafted, signed and sealed when written, followed up."""
    a, b, c, category = plan["a"], plan["b"], plan["c"], plan["category"]
    reached = plan["held"].astimezone(zone(d)).date()
    written = plan["written"] and c in committees
    agreement = sg.agreements.draft(AgreementInput(
        case_id=cid, form="written" if written else "oral",
        facts=f"{a}与{b}因{TITLES[category][:-2]}发生争执。", issues="责任划分及补偿数额",
        responsibilities={a: "承担主要责任", b: "承担次要责任"},
        terms=f"{a}于期限内向{b}支付补偿款，双方今后和睦相处。",
        performance_manner="现金一次性支付", reached_on=reached,
        performance_due=reached + dt.timedelta(days=plan["due"]),
        committee=committees.get(c) if written else None), actor=ACTOR, session=s)
    if written:
        for who in (a, b, "mediator"):
            sg.agreements.sign(agreement.id, who, reached, actor=ACTOR, session=s)
        agreement = sg.agreements.seal(agreement.id, reached + dt.timedelta(days=1),
                                       actor=ACTOR, session=s)
    check = agreement.performance_due + dt.timedelta(days=2)
    if plan["check"] and check <= anchor.date():
        result = "performed" if plan["performed"] else "not_performed"
        sg.agreements.follow_up(agreement.id, check, result, actor=ACTOR, session=s)
    return 1


def _patrols(d: Deployment, sg: SelfGovernance, rng: random.Random, grids: dict[str, list[str]],
             anchor: dt.datetime, scale: float, counts: dict[str, int]) -> None:
    all_grids = sorted(g for gs in grids.values() for g in gs)
    if not all_grids:
        return
    # every grid at full scale (the seed's 4,700+ micro-grid workers patrol everywhere)
    chosen = sorted(rng.sample(all_grids, min(len(all_grids),
                                              max(4, round(len(all_grids) * min(scale, 1))))))
    # who patrols where: the roster's micro-grid and grid workers where there are some, a
    # red-armband volunteer elsewhere
    settings = d.settings("self_governance")
    tree = d.areas.tree
    with d.reading() as s:
        workers = d.roster.people(s, roles=list(settings.patrol_roles))
    by_area: dict[str, str] = {}
    for w in workers:
        for a in w.areas:
            by_area.setdefault(a, w.external_id)
    rounds: list[tuple[str, str]] = []
    volunteers: list[Person] = []
    for g in chosen:
        micro = [c for c in tree.children.get(g, []) if c in by_area]
        if micro:
            rounds.append((micro[0], by_area[micro[0]]))
        elif g in by_area:
            rounds.append((g, by_area[g]))
        else:
            v = Person(external_id=f"SGV{len(volunteers) + 1:05d}", name=_name(rng),
                       roles=("patrol_volunteer",), areas=(g,),
                       gender=rng.choice(("female", "male")))
            volunteers.append(v)
            rounds.append((g, v.external_id))
    if volunteers:
        d.roster.save(volunteers)
    patrols = hazards = 0
    monday = anchor.date() - dt.timedelta(days=anchor.date().weekday())
    with d.reading() as s:
        person_id = {w.external_id: w.id for w in d.roster.people(
            s, roles=list(settings.patrol_roles))}
    quiet: list[dict[str, Any]] = []  # most rounds find nothing: one insert for all of them
    with d.transaction() as s:
        for week in range(1, 9):
            start_day = monday - dt.timedelta(weeks=week)
            for area, who in rounds:
                if rng.random() > 0.86:
                    continue
                start = dt.datetime.combine(start_day + dt.timedelta(days=rng.randint(0, 6)),
                                            dt.time(rng.choice((8, 9, 15, 19))), zone(d))
                patrols += 1
                if rng.random() >= 0.05:
                    grid = tree.parent_at(area, Level.grid) or area
                    quiet.append({"grid_code": grid, "grid_path": tree.path(grid),
                                  "person_id": person_id[who], "started_at": to_db(start),
                                  "ended_at": to_db(start + dt.timedelta(hours=1)),
                                  "route": ROUTE, "hazards": 0})
                    continue
                title, category = rng.choice(HAZARDS)
                # a hazard opens a case with the patrol: through the service, in the batch's
                # transaction
                sg.patrols.record(PatrolInput(grid_code=area, patroller=who, started_at=start,
                                              ended_at=start + dt.timedelta(hours=1), route=ROUTE,
                                              hazards=[{"title": title, "category": category}]),
                                  actor=ACTOR, session=s)
                hazards += 1
        if quiet:
            s.execute(m.patrols.insert(), quiet)
    counts.update(patrols=patrols, patrol_hazards=hazards)


def _alliance(d: Deployment, sg: SelfGovernance, rng: random.Random, communities: list[str],
              grids: dict[str, list[str]], by_community: dict[str, list[tuple[str, str]]],
              anchor: dt.datetime, scale: float, counts: dict[str, int]) -> None:
    places = [c for c in communities if by_community[c]][:max(2, round(40 * min(scale, 1)))]
    alliances = []
    for c in places:
        area = grids[c][0] if grids[c] else c
        head = by_community[c][0][0]
        ext = f"CA-{area}"
        sg.roster.save_body(BodyInput(external_id=ext, name=f"{d.areas.tree.get(area).name_zh}院落互助联盟",
                                      kind="courtyard_alliance", area_code=area,
                                      members=[{"person": head, "position": "lead"}]))
        alliances.append(ext)
    n = max(20, round(ALLIANCE_MATTERS_N * min(scale, 1)))
    unhappy = _calibrated(ALLIANCE_UNHAPPY, 1 - ALLIANCE_SATISFACTION)
    ids = {ext: d.roster.organisation(ext, kind="courtyard_alliance").id for ext in alliances}
    area_of = {ext: d.roster.organisation(ext).area_code for ext in alliances}
    records: list[CaseRecord] = []
    rows: list[dict[str, Any]] = []
    for i in range(n):
        kind = rng.choice(list(ALLIANCE_TITLES))
        at = anchor - dt.timedelta(days=rng.randint(1, 300), hours=rng.randint(0, 6))
        alliance = rng.choice(alliances)
        satisfaction = "dissatisfied" if rng.random() < unhappy[kind] else rng.choice(
            ("satisfied", "satisfied", "basically_satisfied"))
        helpers = [_name(rng), _name(rng)]
        handler = f"organisation:{alliance}"
        # what the alliance service writes for a settled matter, through the bulk writer
        events = [EventSpec(kind_, at, ACTOR, {**data, "via": ALLIANCE_VIA})
                  for kind_, data in (("accept", {}), ("assign", {"assignees": [handler]}),
                                      ("start", {}), ("resolve", {}), ("close", {}))]
        events.append(EventSpec("callback", at, ACTOR, {"reached": True,
                                                        "satisfaction": satisfaction}))
        records.append(CaseRecord(case=NewCase(
            title=rng.choice(ALLIANCE_TITLES[kind]), category="neighbour",
            source="courtyard_alliance", area_code=area_of[alliance], occurred_at=at,
            data={"alliance": alliance, "matter_kind": kind}), events=events, actor=ACTOR,
            line=i + 1))
        rows.append({"alliance_id": ids[alliance], "matter_kind": kind, "helpers": helpers})
    written = d.bulk.write(records).ids
    with d.transaction() as s:
        s.execute(m.alliance_matters.insert(), [{**row, "case_id": cid}
                                                for row, cid in zip(rows, written, strict=True)])
    counts.update(alliances=len(alliances), alliance_matters=n)


def _sunday(sg: SelfGovernance, rng: random.Random, communities: list[str], anchor: dt.datetime,
            scale: float, counts: dict[str, int]) -> None:
    sunday = anchor.date() - dt.timedelta(days=(anchor.date().weekday() + 1) % 7)
    places = communities[:max(2, round(24 * min(scale, 1)))]
    platforms = ["deliberation_mediation", "learning", "recreation", "mutual_service"]
    events = matters = 0
    for week in range(12):
        day = sunday - dt.timedelta(weeks=week)
        for i, c in enumerate(places):
            platform = platforms[(week + i) % 4]
            raised = []
            if platform == "deliberation_mediation" or rng.random() < 0.2:
                for _ in range(rng.randint(1, 2)):
                    title = rng.choice(("反映路灯不亮", "建议增设垃圾分类点", "邻里占道纠纷",
                                        "请求调解土地边界"))
                    raised.append({"title": title, "category": rng.choice(
                        ("neighbour", "environment", "other", "forest_land"))})
            sg.sunday.record(SundayEventInput(
                area_code=c, held_on=day, platform=platform,
                title={"deliberation_mediation": "坝坝议事会", "learning": "法治夜校",
                       "recreation": "广场舞展演", "mutual_service": "便民义诊义剪"}[platform],
                attendance=rng.randint(30, 260), organiser="社区党委", matters=raised),
                actor=ACTOR)
            events += 1
            matters += len(raised)
    counts.update(sunday_events=events, sunday_matters=matters)


def _rules_and_procedures(d: Deployment, sg: SelfGovernance, rng: random.Random,
                          communities: list[str], anchor: dt.datetime, scale: float,
                          counts: dict[str, int]) -> None:
    today = anchor.date()
    places = communities[:max(2, round(30 * min(scale, 1)))]
    base = ["第一条 尊老爱幼，邻里和睦。", "第二条 红白喜事从简，不大操大办。",
            "第三条 保护耕地，不乱搭乱建。", "第四条 垃圾分类投放，门前三包。"]
    procedures = 0
    for n, c in enumerate(places):
        adults = rng.randint(400, 1800)
        households = adults // 3
        present = adults // 2 + rng.randint(1, 80)
        first = RuleVersionInput(
            kind="village_rules", area_code=c, title="村规民约", text="\n".join(base),
            adopted_on=today - dt.timedelta(days=700), meeting_ref="村民会议决议",
            filed_at=today - dt.timedelta(days=690),
            meeting={"body": "villagers_assembly", "members": adults, "present": present,
                     "yes": present - rng.randint(0, present // 4)})
        sg.rules.adopt(first, actor=ACTOR)
        reps = rng.randint(30, 60)
        sg.rules.adopt(attrs.evolve(
            first, text="\n".join([*base[:3], "第四条 垃圾分类投放，门前三包，违者劝导。",
                                   "第五条 矛盾纠纷先说事评理，小事不出院落。"]),
            adopted_on=today - dt.timedelta(days=200), meeting_ref="村民代表会议决议",
            filed_at=today - dt.timedelta(days=190),
            meeting={"body": "representative_assembly", "members": reps,
                     "present": reps - rng.randint(0, 5), "yes": reps - rng.randint(5, 9)}),
            actor=ACTOR)
        if n % 3 == 0:
            sg.rules.adopt(RuleVersionInput(
                kind="courtyard_compact", area_code=c, courtyard="幸福院落", title="院落公约",
                text="一、院坝卫生轮流打扫。\n二、车辆有序停放。\n三、有事好商量。",
                adopted_on=today - dt.timedelta(days=150), meeting_ref="院落坝坝会",
                meeting={"body": "courtyard_meeting", "members": 40, "present": 31, "yes": 30}),
                actor=ACTOR)
        _procedure(sg, rng, c, adults, households, today, n)
        procedures += 1
    counts.update(rule_documents=len(places) + len(places[::3]), procedures=procedures)


def _procedure(sg: SelfGovernance, rng: random.Random, c: str, adults: int, households: int,
               today: dt.date, n: int) -> None:
    start = today - dt.timedelta(days=rng.randint(30, 160))
    matter = ("collective_project", "compensation", "homestead", "fundraising")[n % 4]
    proc = sg.procedures.open(area_code=c, title={"collective_project": "村集体果园提质改造项目",
                                                  "compensation": "征地补偿款分配方案",
                                                  "homestead": "宅基地使用方案",
                                                  "fundraising": "一事一议修建村道"}[matter],
                              matter=matter, proposed_on=start, content="党支部提议", actor=ACTOR)
    stages: list[dict[str, Any]] = [
        {"step": "consult", "content": "两委联席会议商议", "meeting": {
            "body": "two_committees", "members": 9, "present": 8, "yes": 8}},
        {"step": "review", "content": "党员大会审议", "meeting": {
            "body": "party_members_meeting", "members": 60, "present": 45, "yes": 41}},
        {"step": "decide", "content": "村民代表会议表决", "meeting": {
            "body": "representative_assembly", "members": 45, "present": 38,
            "yes": 33 if n % 7 else 15}},
        {"step": "disclose_resolution", "content": "村务公开栏、微信群公示"},
        {"step": "disclose_result", "content": "实施结果公示"},
    ]
    last = n % 5 + 1  # procedures stop at different steps
    day = start
    for stage in stages[:last]:
        day += dt.timedelta(days=rng.randint(2, 10))
        if day > today:
            break
        try:
            proc = sg.procedures.step(StepInput(procedure_id=proc.id, occurred_on=day, **stage),
                                      actor=ACTOR)
        except ValidationError:
            break
        if proc.next_step is None:
            break
    del adults, households
