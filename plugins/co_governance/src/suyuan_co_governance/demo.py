"""The pillar's share of the demo (``suyuan_demo_data``), written through the services and as case
events so that every figure comes from records and events:

* a Party organisation in every village/community and a Party group in most mediation bodies
  (the self_governance committees when that pillar is on, and the industry committees), Party
  members and the teams they joined;
* the two industry committees the seed names (health; agriculture and rural affairs) with their
  coverage, and the disputes of their trade routed and assigned to them (bulk-imported with their
  events, so the committee figures are projected from the events as in production);
* Party members and social forces taking part in cases (``co_governance.participation`` events);
* the land-acquisition ledger of the planning and natural-resources bureau and the towns, with
  issues registered, progressed, closed out (most without a lawsuit), a few come back and a few
  overdue;
* the seed's social organisations (县社会工作者协会, 爱有戏, 澜天), the law society, the chamber of
  commerce and trade associations; volunteers with their service hours, deputies and CPPCC
  members, retired judicial and police officers.

Deterministic for a seed (``random.Random(seed)``); dated backwards from the newest case already
in the database (or now), like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import sqlalchemy as sa

from suyuan_co_governance import models as m
from suyuan_co_governance.committees import CommitteeInput
from suyuan_co_governance.common import db_time, tz
from suyuan_co_governance.ledger import CloseOutInput, ProgressInput, RegisterInput, ReopenInput
from suyuan_co_governance.party import PartyOrgInput, TeamInput
from suyuan_co_governance.service import CoGovernance
from suyuan_co_governance.social import ForceOrgInput, ForcePersonInput, HoursInput
from suyuan_core import CaseRecord, Deployment, EventSpec, Level, NewCase, tables

ACTOR = "demo"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
GIVEN = ["建军", "红梅", "国强", "秀兰", "德华", "春燕", "志勇", "丽娟", "永红", "海燕", "明华",
         "桂芳", "光明", "玉梅", "卫东", "淑华", "建平", "小琴"]
ORGS = [("CG-SO-SWA", "金堂县社会工作者协会", "social_org"), ("CG-SO-AYX", "爱有戏", "social_org"),
        ("CG-SO-LT", "澜天", "social_org"), ("CG-LS", "金堂县法学会", "law_society"),
        ("CG-CC", "金堂县工商业联合会(总商会)", "chamber_of_commerce"),
        ("CG-TA-PM", "金堂县物业管理协会", "trade_association"),
        ("CG-TA-AG", "金堂县农业产业化协会", "trade_association")]
PROJECTS = ["成巴高速金堂段", "淮州新城起步区", "金堂工业园区扩区", "沱江防洪堤整治",
            "G350国道改线", "赵镇老旧小区改造", "成都东部新区快速路", "三星湖湿地公园"]
SUBJECTS = ["青苗补偿标准争议", "安置房分配顺序", "宅基地面积认定", "过渡费发放延迟",
            "坟墓迁移补偿", "附着物评估异议", "社保安置名额", "临时用地复垦"]
MEASURES = ["重新测量并公示", "召开坝坝会解释政策", "责任单位与群众代表协商", "法律顾问释法说理",
            "补发过渡费并书面说明", "第三方评估复核"]
EVIDENCE = ["补偿协议(签字)", "公示照片", "群众签收回执", "回访记录", "会议纪要"]
MEDICAL = ["医疗费用争议", "手术并发症赔偿", "诊疗延误纠纷"]
AGRI = ["土地流转租金拖欠", "流转合同到期续约", "农产品收购价格纠纷", "种苗质量纠纷"]
ROLES_WEIGHTS = [("co_mediator", 5), ("visitor", 3), ("mediator", 2), ("witness", 1)]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _anchor(d: Deployment) -> dt.datetime:
    with d.reading() as s:
        newest = s.scalar(sa.select(sa.func.max(tables.cases.c.reported_at)))
    now = dt.datetime.now(dt.UTC)
    base = min(newest.replace(tzinfo=dt.UTC), now) if newest else now
    local = base.astimezone(tz(d))
    return dt.datetime.combine(local.date() - dt.timedelta(days=1), dt.time(18), tz(d))


def generate(d: Deployment, *, seed: int, scale: float) -> dict[str, int]:
    rng = random.Random(seed + 44)
    tree = d.areas.tree
    communities = sorted(c for c, a in tree.areas.items() if a.level is Level.community)
    if not communities:
        return {}
    with d.reading() as s:  # built already (a second run): leave it as it is
        if s.scalar(sa.select(sa.func.count()).select_from(m.committees)):
            return {}
    root = tree.roots()[0]
    towns = sorted(c for c, a in tree.areas.items() if a.level is Level.town)
    anchor = _anchor(d)
    factor = min(max(scale, 0.02), 1.0)
    cg = CoGovernance(d)
    counts: dict[str, int] = {}
    _orgs(cg, root, towns, counts)
    people = _people(cg, rng, communities, root, factor, counts)
    _party(cg, rng, communities, people, anchor, counts)
    _committees(cg, root, counts)
    _cases(cg, rng, communities, people, anchor, factor, counts)
    _ledger(cg, rng, communities, towns, anchor, factor, counts)
    _hours(cg, rng, people, anchor, factor, counts)
    return counts


def _orgs(cg: CoGovernance, root: str, towns: list[str], counts: dict[str, int]) -> None:
    tree = cg.d.areas.tree
    items = [ForceOrgInput(external_id=x, name=n, kind=k, area_code=root) for x, n, k in ORGS]
    items.append(ForceOrgInput(external_id="CG-U-GZ", name="县规划和自然资源局",
                               kind="responsible_unit", area_code=root))
    items.append(ForceOrgInput(external_id="CG-U-ZJ", name="县住房和城乡建设局",
                               kind="responsible_unit", area_code=root))
    items += [ForceOrgInput(external_id=f"CG-U-{t}", name=f"{tree.get(t).name_zh}人民政府",
                            kind="responsible_unit", area_code=t) for t in towns]
    counts["organisations"] = cg.forces.save_orgs(items)


def _people(cg: CoGovernance, rng: random.Random, communities: list[str], root: str,
            factor: float, counts: dict[str, int]) -> dict[str, list[tuple[str, str]]]:
    """Party members (about 5 per community at scale 1), volunteers, deputies, retired officers."""
    out: dict[str, list[tuple[str, str]]] = {}
    items: list[ForcePersonInput] = []

    def add(prefix: str, force: str, n: int, area: Any, detail: Any = "") -> None:
        for i in range(n):
            code = area(i)
            external_id = f"{prefix}{i + 1:05d}"
            items.append(ForcePersonInput(
                external_id=external_id, name=_name(rng), force=force, areas=[code],
                detail=detail(i) if callable(detail) else detail,
                gender="female" if rng.random() < 0.45 else "male"))
            out.setdefault(force, []).append((external_id, code))

    n = len(communities)
    add("CGPM", "party_member", max(n, round(5 * n * factor)), lambda i: communities[i % n])
    add("CGV", "volunteer", max(10, round(320 * factor)), lambda i: communities[(i * 7) % n])
    kinds = ["npc_deputy", "party_congress_deputy", "cppcc_member"]
    add("CGD", "deputy", max(6, round(60 * factor)), lambda i: communities[(i * 11) % n],
        lambda i: kinds[i % 3])
    add("CGRJ", "retired_judicial", max(3, round(18 * factor)), lambda i: root,
        lambda i: rng.choice(["原县人民法院", "原县人民检察院", "原县司法局"]))
    add("CGRP", "retired_police", max(3, round(26 * factor)), lambda i: root,
        lambda i: rng.choice(["原县公安局", "原派出所"]))
    for chunk in range(0, len(items), 500):
        cg.forces.save_people(items[chunk:chunk + 500])
    counts["force_people"] = len(items)
    return out


def _party(cg: CoGovernance, rng: random.Random, communities: list[str],
           people: dict[str, list[tuple[str, str]]], anchor: dt.datetime,
           counts: dict[str, int]) -> None:
    d = cg.d
    tree = d.areas.tree
    with d.transaction() as s:
        for c in communities:
            name = tree.get(c).name_zh
            cg.party.save_org(PartyOrgInput(
                external_id=f"CG-PO-{c}", name=f"{name}党组织", kind="branch", area_code=c,
                founded_on="2010-07-01"), session=s)
        by_area: dict[str, list[str]] = {}
        for external_id, area in people.get("party_member", []):
            by_area.setdefault(area, []).append(external_id)
            cg.party.add_member(external_id, f"CG-PO-{area}", "2015-07-01", session=s)
        o = tables.organisations.c
        bodies = s.execute(sa.select(o.external_id, o.name, o.area_code)
                           .where(o.kind.in_(["mediation_committee", "mediation_studio"]))
                           .order_by(o.external_id)).all()
        groups = 0
        for b in bodies:
            if rng.random() < 0.86:
                cg.party.save_org(PartyOrgInput(
                    external_id=f"CG-PG-{b.external_id}", name=f"{b.name}党小组", kind="group",
                    area_code=b.area_code, host=b.external_id, founded_on="2021-07-01"),
                    session=s)
                groups += 1
            members = by_area.get(b.area_code, [])
            for who in members[:2]:
                joined = (anchor - dt.timedelta(days=rng.randrange(60, 900))).date()
                cg.party.join_team(TeamInput(person=who, body=b.external_id,
                                             team=rng.choice(["prevention", "mediation"]),
                                             joined_on=joined.isoformat()), session=s)
    counts["party_orgs"] = len(communities)
    counts["party_groups"] = groups


def _committees(cg: CoGovernance, root: str, counts: dict[str, int]) -> None:
    d = cg.d
    agri = [c for c in ("land_transfer", "farm_produce") if c in d.categories]
    cg.committees.save(CommitteeInput(
        external_id="CG-IC-HEALTH", name="金堂县医疗纠纷人民调解委员会", area_code=root,
        sponsor="县卫生健康局", coverage=[{"category": "medical", "area_code": root}]))
    cg.committees.save(CommitteeInput(
        external_id="CG-IC-AGRI", name="金堂县农村土地承包经营纠纷调解仲裁委员会",
        area_code=root, sponsor="县农业农村局", form="arbitration",
        coverage=[{"category": c, "area_code": root} for c in agri]))
    with d.transaction() as s:
        for ic in ("CG-IC-HEALTH", "CG-IC-AGRI"):
            cg.party.save_org(PartyOrgInput(
                external_id=f"CG-PG-{ic}", name="行业调解委员会党支部", kind="group",
                area_code=root, host=ic, founded_on="2020-07-01"), session=s)
    counts["industry_committees"] = 2


def _cases(cg: CoGovernance, rng: random.Random, communities: list[str],
           people: dict[str, list[tuple[str, str]]], anchor: dt.datetime, factor: float,
           counts: dict[str, int]) -> None:
    """Disputes of the committees' trades, routed to them, and community disputes that Party
    members and social forces joined — bulk-imported with their events."""
    d = cg.d
    tree = d.areas.tree
    grids = {c: sorted(x for x in tree.subtree(c) if tree.get(x).level is Level.grid) or [c]
             for c in communities}
    party: dict[str, list[str]] = {}
    for external_id, area in people.get("party_member", []):
        party.setdefault(area, []).append(external_id)
    others = [(f, x) for f in ("volunteer", "deputy", "retired_judicial", "retired_police")
              for x, _ in people.get(f, [])]
    orgs = [(k, x) for x, _, k in ORGS]
    agri = [c for c in ("land_transfer", "farm_produce") if c in d.categories]
    plan: list[tuple[str, str, str | None]] = []
    plan += [("medical", rng.choice(MEDICAL), "CG-IC-HEALTH")
             for _ in range(max(4, round(140 * factor)))]
    plan += [(rng.choice(agri), rng.choice(AGRI), "CG-IC-AGRI")
             for _ in range(max(4, round(220 * factor)))] if agri else []
    plan += [(rng.choice(["neighbour", "marriage_family", "housing_homestead", "contract"]),
              "邻里及家庭纠纷(党员参与化解)", None) for _ in range(max(6, round(360 * factor)))]
    records: list[CaseRecord] = []
    joins: list[list[dict[str, Any]]] = []
    for n, (category, title, committee) in enumerate(plan):
        community = rng.choice(communities)
        area = rng.choice(grids[community])
        start = anchor - dt.timedelta(days=rng.uniform(5, 300))
        t = start
        events: list[EventSpec] = []
        case_joins: list[dict[str, Any]] = []

        def at(hours: float) -> dt.datetime:
            nonlocal t
            t = t + dt.timedelta(hours=hours)
            return t

        events.append(EventSpec("accept", at(rng.uniform(1, 20)), ACTOR))
        handler = f"organisation:{committee}" if committee else \
            f"person:{rng.choice(party.get(community) or ['CGPM00001'])}"
        events.append(EventSpec("assign", at(rng.uniform(2, 30)), ACTOR,
                                {"assignees": [handler]}))
        events.append(EventSpec("start", at(rng.uniform(4, 48)), ACTOR))
        forces_here: set[str] = set()
        members = party.get(community, [])
        if members and (committee is None or rng.random() < 0.45):
            for member in rng.sample(members, min(len(members), rng.choice((1, 1, 2)))):
                role = rng.choices([r for r, _ in ROLES_WEIGHTS],
                                   weights=[w for _, w in ROLES_WEIGHTS])[0]
                first = "party_member" not in forces_here
                forces_here.add("party_member")
                events.append(EventSpec("co_governance.participation", at(rng.uniform(6, 72)),
                                        ACTOR, {"force": "party_member", "role": role,
                                                "person": member, "first_of_force": first,
                                                "first_party": first}))
                case_joins.append({"force": "party_member", "role": role, "person": member,
                                   "at": t})
        if rng.random() < 0.35:
            who: str | None = None
            org: str | None = None
            if rng.random() < 0.6 and others:
                force, who = rng.choice(others)
            else:
                force, org = rng.choice(orgs)
            first = force not in forces_here
            forces_here.add(force)
            data: dict[str, Any] = {"force": force, "role": rng.choice(["co_mediator", "adviser",
                                                                        "service"]),
                                    "first_of_force": first, "first_party": False}
            if who:
                data["person"] = who
            if org:
                data["organisation"] = org
            events.append(EventSpec("co_governance.participation", at(rng.uniform(6, 72)),
                                    ACTOR, data))
            case_joins.append({"force": force, "role": data["role"], "person": who,
                               "organisation": org, "at": t})
        end = at(rng.uniform(24, 24 * (18 if committee else 12)))
        if end < anchor:
            outcome = "resolve" if rng.random() < (0.88 if committee else 0.93) else "fail"
            events.append(EventSpec(outcome, end, ACTOR))
            close = at(rng.uniform(2, 72))
            if close < anchor:
                events.append(EventSpec("close", close, ACTOR))
        else:
            events = [e for e in events if e.occurred_at < anchor]
            case_joins = [j for j in case_joins if j["at"] < anchor]
        records.append(CaseRecord(NewCase(
            title=title, category=category, source="walk_in", area_code=area,
            occurred_at=start, source_ref=f"CG-DEMO-{n + 1:05d}",
            parties=[{"name": _name(rng), "role": "applicant"},
                     {"name": _name(rng), "role": "respondent"}]), events, ACTOR))
        joins.append(case_joins)
    result = d.bulk.write(records)
    counts["co_governance_cases"] = result.created
    _participation_rows(cg, result.ids, joins)


def _participation_rows(cg: CoGovernance, ids: list[int],
                        joins: list[list[dict[str, Any]]]) -> None:
    """The participation rows for the events just imported (their seq read back)."""
    d = cg.d
    e, c = tables.case_events.c, tables.cases.c
    with d.transaction() as s:
        persons = dict(s.execute(sa.select(tables.persons.c.external_id,
                                           tables.persons.c.id)).all())
        orgs = dict(s.execute(sa.select(tables.organisations.c.external_id,
                                        tables.organisations.c.id)).all())
        seqs: dict[int, list[int]] = {}
        for chunk in range(0, len(ids), 900):
            part = ids[chunk:chunk + 900]
            for case_id, seq in s.execute(sa.select(e.case_id, e.seq).where(
                    e.case_id.in_(part), e.kind == "co_governance.participation")
                    .order_by(e.case_id, e.seq)):
                seqs.setdefault(case_id, []).append(seq)
        areas = {}
        for chunk in range(0, len(ids), 900):
            part = ids[chunk:chunk + 900]
            areas.update({r.id: (r.area_code, r.area_path) for r in s.execute(
                sa.select(c.id, c.area_code, c.area_path).where(c.id.in_(part)))})
        rows = []
        for case_id, case_joins in zip(ids, joins, strict=True):
            for j, seq in zip(case_joins, seqs.get(case_id, []), strict=False):
                area_code, path = areas[case_id]
                rows.append({"case_id": case_id, "activity": None, "area_code": area_code,
                             "area_path": path, "person_id": persons.get(j.get("person") or ""),
                             "organisation_id": orgs.get(j.get("organisation") or ""),
                             "force": j["force"], "role": j["role"],
                             "occurred_at": db_time(j["at"]), "event_seq": seq,
                             "actor": ACTOR})
        if rows:
            s.execute(m.participations.insert(), rows)


def _ledger(cg: CoGovernance, rng: random.Random, communities: list[str], towns: list[str],
            anchor: dt.datetime, factor: float, counts: dict[str, int]) -> None:
    tree = cg.d.areas.tree
    today = anchor.date()
    n = max(8, round(64 * factor))
    seen: set[tuple[str, str, str]] = set()
    with cg.d.transaction() as s:
        for _i in range(n):
            community = rng.choice(communities)
            town = tree.get(community).parent_code or community
            unit = "CG-U-GZ" if rng.random() < 0.55 else (
                f"CG-U-{town}" if town in towns else "CG-U-ZJ")
            project, subject = rng.choice(PROJECTS), rng.choice(SUBJECTS)
            if (project, subject, community) in seen:
                continue
            seen.add((project, subject, community))
            registered = today - dt.timedelta(days=rng.randrange(10, 330))
            deadline = registered + dt.timedelta(days=rng.choice((15, 30, 30, 45, 60)))
            issue, _ = cg.ledger.register(RegisterInput(
                project=project, subject=subject, area_code=community, unit=unit,
                affected_count=(count := rng.randrange(1, 60)),
                affected=[_name(rng) for _ in range(min(count, rng.randrange(0, 3)))],
                deadline=deadline.isoformat(), measures=rng.choice(MEASURES),
                registered_on=registered.isoformat()), actor=ACTOR, session=s)
            step = registered + dt.timedelta(days=rng.randrange(2, 12))
            if step <= today:
                cg.ledger.progress(issue.id, ProgressInput(text=rng.choice(MEASURES) + ", 已落实",
                                                           occurred_on=step.isoformat()),
                                   actor=ACTOR, session=s)
            roll = rng.random()
            close = step + dt.timedelta(days=rng.randrange(3, 60))
            if roll < 0.74 and close <= today:
                cg.ledger.close_out(issue.id, CloseOutInput(
                    evidence=rng.sample(EVIDENCE, 2), signed_off_by=unit,
                    signatory=f"{issue.unit_name}负责人", lawsuit=rng.random() < 0.08,
                    closed_on=close.isoformat()), actor=ACTOR, session=s)
                back = close + dt.timedelta(days=rng.randrange(10, 60))
                if rng.random() < 0.08 and back <= today:
                    cg.ledger.reopen(issue.id, ReopenInput(
                        reason="群众再次反映补偿未落实", deadline=(back + dt.timedelta(days=30))
                        .isoformat(), occurred_on=back.isoformat()), actor=ACTOR, session=s)
    counts["ledger_issues"] = len(seen)


def _hours(cg: CoGovernance, rng: random.Random, people: dict[str, list[tuple[str, str]]],
           anchor: dt.datetime, factor: float, counts: dict[str, int]) -> None:
    volunteers = people.get("volunteer", [])
    if not volunteers:
        return
    today = anchor.date()
    activities = ["法治志愿服务", "社区矛盾纠纷排查", "普法宣传", "陪同调解", "院落走访"]
    orgs = ["CG-SO-SWA", "CG-SO-AYX", "CG-SO-LT", None]
    n = max(20, round(2400 * factor))
    with cg.d.transaction() as s:
        for _ in range(n):
            who, area = rng.choice(volunteers)
            served = today - dt.timedelta(days=rng.randrange(0, 300))
            cg.forces.record_hours(HoursInput(
                volunteer=who, served_on=served.isoformat(),
                hours=rng.choice((1, 1.5, 2, 2, 3, 4)), activity=rng.choice(activities),
                organisation=rng.choice(orgs), area_code=area), actor=ACTOR, session=s)
    counts["volunteer_hours_entries"] = n
