"""The pillar's share of the demo (``suyuan_demo_data``), figures near the seed's section 一 and
五(三): the 24 senior lawyers the core's roster already holds become the advisors of all 200
villages/communities; every community holds 法治大讲堂 twice a month (a few fall short in a month,
so the compliance page has something to show); 10+ circuit sessions a year; 10 invited mediation
organisations (7 commercial) with 91 invited mediators and 600+ delegated cases settled; a service
hall per community; judicial confirmation of some of self_governance's agreements (listed through
``suyuan_mediation_agreements``, never an import).

Deterministic for a seed (``random.Random(seed)``); dated over the two years before the newest case
already in the database. Records go in bulk (one insert per table), cases through the core's bulk
writer as events, so the demo stays quick.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import sqlalchemy as sa

from suyuan_core import (
    CaseRecord,
    Deployment,
    EventSpec,
    Level,
    NewCase,
    Person,
    SuyuanError,
    tables,
)
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law.common import month_bounds, tz
from suyuan_rule_of_law.common import today as local_today
from suyuan_rule_of_law.confirmation import ApplicationInput, Confirmations
from suyuan_rule_of_law.directory import Directory, ResourceInput
from suyuan_rule_of_law.education import DutyInput, Education

ACTOR = "demo"
INVITED_ORGS = 10
COMMERCIAL = 7
INVITED_MEDIATORS = 91
DELEGATED = 660
SETTLED = 615
CIRCUIT_PER_YEAR = 12
COURT = "金堂县人民法院"
TRIBUNALS = ["金堂县人民法院赵镇人民法庭", "金堂县人民法院淮口人民法庭", "金堂县人民法院竹篙人民法庭",
             "金堂县人民法院土桥人民法庭"]
DEPARTMENTS = [("县司法局", "legal_lecture"), ("县人民法院", "case_based_teaching"),
               ("县公安局", "seven_into"), ("县市场监管局", "seven_into"),
               ("县人社局", "case_based_teaching"), ("县自然资源局", "seven_into")]
TOPICS = ["民法典婚姻家庭编解读", "土地承包经营权与流转", "防范电信网络诈骗", "劳动合同与工资支付",
          "宅基地使用与相邻关系", "赡养与继承", "道路交通安全与事故处理", "物业服务与业主权利",
          "未成年人保护法", "人民调解法与调解协议"]
PROBLEMS = ["宅基地边界不清引发纠纷多", "农村借贷未立字据", "赡养义务分担约定不明", "土地流转合同不规范",
            "交通事故赔偿标准不了解", "物业服务合同履行争议"]
COMMERCIAL_NAMES = ["成都市商事调解中心金堂工作站", "四川天府商事调解中心", "成都国际商事调解中心金堂分中心",
                    "金堂县工商联商会调解委员会", "成都市金融纠纷调解中心", "成都市物业纠纷调解中心",
                    "四川省建设工程纠纷调解中心"]
OTHER_NAMES = [("金堂县律师协会律师调解中心", "lawyer_mediation"),
               ("金堂县医疗纠纷人民调解委员会", "trade_mediation"),
               ("金堂县道路交通事故纠纷人民调解委员会", "people_mediation")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
GIVEN = ["文彬", "雅琴", "志远", "思雨", "宏伟", "慧敏", "建华", "晓燕", "国庆", "丽娟", "立新", "海燕"]
DELEGATED_TITLES = {"contract": "买卖合同纠纷", "damages": "机动车交通事故责任纠纷",
                    "labour": "劳务合同纠纷", "production_business": "民间借贷纠纷",
                    "property_management": "物业服务合同纠纷", "consumer": "消费者权益纠纷"}


def _anchor(d: Deployment) -> dt.date:
    with d.reading() as s:
        newest = s.scalar(sa.select(sa.func.max(tables.cases.c.reported_at)))
    now = dt.datetime.now(dt.UTC)
    base = min(newest.replace(tzinfo=dt.UTC), now) if newest else now
    return base.astimezone(tz(d)).date()


def _months(anchor: dt.date, n: int) -> list[dt.date]:
    """The ``n`` whole months before ``anchor``'s month, oldest first."""
    out, day = [], anchor.replace(day=1)
    for _ in range(n):
        day = (day - dt.timedelta(days=1)).replace(day=1)
        out.append(day)
    return list(reversed(out))


def generate(d: Deployment, *, seed: int, scale: float) -> dict[str, int]:
    rng = random.Random(seed)
    tree = d.areas.tree
    communities = sorted(c for c, a in tree.areas.items() if a.level is Level.community)
    if not communities:
        return {}
    county = tree.roots()[0]
    towns = sorted({tree.get(c).parent_code or county for c in communities})
    anchor = _anchor(d)
    months = _months(anchor, 24)
    counts: dict[str, int] = {}
    with d.reading() as s:
        if s.scalar(sa.select(sa.func.count()).select_from(m.advisor_terms)):
            return {}  # already generated
    _directory(d, rng, county, towns, communities, counts)
    advisor_of = _advisors(d, rng, communities, months, counts)
    _police(d, rng, communities, counts)
    _education(d, rng, communities, months, advisor_of, counts)
    _courts(d, rng, communities, towns, months, counts)
    _invited(d, rng, county, communities, months, scale, counts)
    _confirmations(d, rng, months[0], counts)
    return counts


def _directory(d: Deployment, rng: random.Random, county: str, towns: list[str],
               communities: list[str], counts: dict[str, int]) -> None:
    tree = d.areas.tree
    items = [
        ResourceInput(external_id="ROL-NOTARY", name="四川省金堂县公证处", kind="notary",
                      area_code=county, phone="028-84931234", address="赵镇十里大道"),
        ResourceInput(external_id="ROL-ARB", name="金堂县劳动人事争议仲裁委员会", kind="arbitration",
                      area_code=county, phone="028-84932345"),
        ResourceInput(external_id="ROL-AID", name="金堂县法律援助中心", kind="legal_aid",
                      area_code=county, phone="12348"),
        ResourceInput(external_id="ROL-ADMIN", name="金堂县信访局行政调解室",
                      kind="administrative_mediation", area_code=county),
        ResourceInput(external_id="ROL-COURT", name=COURT, kind="people_mediation",
                      area_code=county, address="赵镇金广路"),
    ]
    for i, town in enumerate(towns):
        name = tree.get(town).name_zh
        items.append(ResourceInput(external_id=f"ROL-SFS-{town}", name=f"{name}司法所",
                                   kind="people_mediation", area_code=town,
                                   phone=f"028-849{i:05d}"[:12]))
        items.append(ResourceInput(external_id=f"ROL-AIDW-{town}", name=f"{name}法律援助工作站",
                                   kind="legal_aid", area_code=town))
        items.append(ResourceInput(external_id=f"ROL-ADM-{town}", name=f"{name}行政调解委员会",
                                   kind="administrative_mediation", area_code=town))
    Directory(d).save(items)
    halls = [{"area_code": c, "name": f"{tree.get(c).name_zh}群众工作之家",
              "opening_hours": "周一至周五 9:00-12:00, 14:00-17:30；周日 百姓星期天",
              "legal_books": True, "publicity_board": True, "hotline_board": True,
              "video_terminal": rng.random() < 0.6,
              "stationed": ["ROL-COURT", f"ROL-SFS-{tree.get(c).parent_code}"]}
             for c in communities]
    counts["service_halls"] = Directory(d).save_halls(halls)
    counts["resources"] = len(items)


def _advisors(d: Deployment, rng: random.Random, communities: list[str], months: list[dt.date],
              counts: dict[str, int]) -> dict[str, int]:
    """The core roster's lawyers (24 at scale 1) become the advisors of the communities they
    cover; a few communities' terms are renewed mid-way, a couple lapse so coverage has a gap."""
    p, pr, pa = tables.persons.c, tables.person_roles.c, tables.person_areas.c
    with d.reading() as s:
        lawyers = s.execute(sa.select(p.id, p.external_id, pa.area_code)
                            .join(tables.person_roles, pr.person_id == p.id)
                            .join(tables.person_areas, pa.person_id == p.id)
                            .where(pr.role == "lawyer").order_by(p.external_id)).all()
    wanted = set(communities)
    if not any(area in wanted for _, _, area in lawyers):
        # a roster without the core demo's community lawyers: bring in the seed's 24
        n = min(24, len(communities))
        d.roster.save([Person(
            external_id=f"ROL-L{i + 1:02d}", name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            roles=("lawyer", "legal_advisor"), employment="part_time",
            areas=tuple(communities[i * len(communities) // n:(i + 1) * len(communities) // n]))
            for i in range(n)])
        with d.reading() as s:
            lawyers = s.execute(sa.select(p.id, p.external_id, pa.area_code)
                                .join(tables.person_roles, pr.person_id == p.id)
                                .join(tables.person_areas, pa.person_id == p.id)
                                .where(pr.role == "lawyer").order_by(p.external_id)).all()
    advisor_of: dict[str, int] = {}
    for pid, _, area in lawyers:
        if area in wanted and area not in advisor_of:
            advisor_of[area] = pid
    by_id = sorted({pid for pid in advisor_of.values()})
    for i, c in enumerate(communities):  # a community no lawyer covers gets one in turn
        if c not in advisor_of and by_id:
            advisor_of[c] = by_id[i % len(by_id)]
    start = months[0]
    rows = [{"person_id": pid, "area_code": c, "start_on": start,
             "end_on": None, "in_group": True} for c, pid in sorted(advisor_of.items())]
    with d.transaction() as s:
        if rows:
            s.execute(m.advisor_terms.insert(), rows)
        acts = []
        for month in months:
            _, end = month_bounds(month)
            days = (end - month).days
            for c, pid in advisor_of.items():
                for kind, low, high in (("consultation", 2, 12), ("agreement_reviewed", 0, 3)):
                    n = rng.randint(low, high)
                    if n:
                        acts.append({"person_id": pid, "area_code": c, "kind": kind,
                                     "day": month + dt.timedelta(days=rng.randrange(days)),
                                     "count": n, "case_id": None, "note": "", "actor": ACTOR})
        if acts:
            s.execute(m.advisor_activities.insert(), acts)
    counts["advisors"] = len(by_id)
    counts["advised_communities"] = len(advisor_of)
    return advisor_of


def _police(d: Deployment, rng: random.Random, communities: list[str],
            counts: dict[str, int]) -> None:
    """社区民警实岗制: one community police officer per community (the Party deputy secretary)."""
    people = [Person(external_id=f"ROL-P{i + 1:03d}", name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                     roles=("community_police",), areas=(c,), employment="full_time",
                     gender="male" if rng.random() < 0.7 else "female", capacity=10)
              for i, c in enumerate(communities)]
    d.roster.save(people)
    counts["community_police"] = len(people)


def _education(d: Deployment, rng: random.Random, communities: list[str], months: list[dt.date],
               advisor_of: dict[str, int], counts: dict[str, int]) -> None:
    rows: list[dict[str, Any]] = []
    short_month = months[-2] if len(months) > 1 else months[-1]
    short = set(rng.sample(communities, max(1, len(communities) // 40)))
    for month in months:
        _, end = month_bounds(month)
        for c in communities:
            n = 1 if month == short_month and c in short else 2
            for k in range(n):
                held = month + dt.timedelta(days=rng.randrange(0, 13) + 14 * k)
                held = min(held, end - dt.timedelta(days=1))
                rows.append({"kind": "legal_lecture", "area_code": c, "held_on": held,
                             "topic": rng.choice(TOPICS),
                             "speaker_id": advisor_of.get(c) if k == 0 else None,
                             "department": "县司法局" if k == 1 else None, "target": None,
                             "attendance": rng.randint(25, 90), "case_id": None,
                             "actor": ACTOR})
            if rng.random() < 0.15:
                dep, kind = rng.choice(DEPARTMENTS[1:])
                rows.append({"kind": kind, "area_code": c,
                             "held_on": month + dt.timedelta(days=rng.randrange(0, 27)),
                             "topic": rng.choice(TOPICS), "speaker_id": None, "department": dep,
                             "target": rng.choice(["villages", "communities", "schools",
                                                   "enterprises"]) if kind == "seven_into"
                             else None, "attendance": rng.randint(30, 200), "case_id": None,
                             "actor": ACTOR})
    with d.transaction() as s:
        for chunk in range(0, len(rows), 2000):
            s.execute(m.lectures.insert(), rows[chunk:chunk + 2000])
    edu = Education(d)
    for year in sorted({mo.year for mo in months}):
        for dep, kind in DEPARTMENTS:
            target = len(communities) * 24 if kind == "legal_lecture" else rng.randint(8, 30)
            edu.promise(DutyInput(department=dep, year=year, item=f"{year}年普法责任清单",
                                  kind=kind, target=target))
    counts["lectures"] = len(rows)


def _courts(d: Deployment, rng: random.Random, communities: list[str], towns: list[str],
            months: list[dt.date], counts: dict[str, int]) -> None:
    tree = d.areas.tree
    since = months[0]
    with d.transaction() as s:
        s.execute(m.court_guidance.insert(), [
            {"area_code": c, "court": TRIBUNALS[towns.index(tree.get(c).parent_code or towns[0])
                                                % len(TRIBUNALS)]
             if tree.get(c).parent_code in towns else COURT, "since": since}
            for c in communities])
        rows = []
        for year in sorted({mo.year for mo in months}):
            in_year = [mo for mo in months if mo.year == year]
            n = round(CIRCUIT_PER_YEAR * len(in_year) / 12)
            for _ in range(n):
                month = rng.choice(in_year)
                held = month + dt.timedelta(days=rng.randrange(0, 27))
                c = rng.choice(communities)
                rows.append({"kind": rng.choice(["trial", "open_air_court", "open_air_court",
                                                 "open_air_mediation"]),
                             "court": TRIBUNALS[rng.randrange(len(TRIBUNALS))], "area_code": c,
                             "held_on": held, "attendance": rng.randint(40, 300), "case_id": None,
                             "problems": rng.sample(PROBLEMS, 2),
                             "follow_up": "向村(社区)发出司法建议，开展专题普法",
                             "followed_up_on": held + dt.timedelta(days=rng.randint(7, 30)),
                             "actor": ACTOR})
        s.execute(m.circuit_sessions.insert(), rows)
    counts["circuit_sessions"] = len(rows)


def _invited(d: Deployment, rng: random.Random, county: str, communities: list[str],
             months: list[dt.date], scale: float, counts: dict[str, int]) -> None:
    orgs = [ResourceInput(external_id=f"ROL-INV{i + 1:02d}", name=name,
                          kind="commercial_mediation", area_code=county, invited=True,
                          commercial=True) for i, name in enumerate(COMMERCIAL_NAMES)]
    orgs += [ResourceInput(external_id=f"ROL-INV{COMMERCIAL + i + 1:02d}", name=name, kind=kind,
                           area_code=county, invited=True)
             for i, (name, kind) in enumerate(OTHER_NAMES)]
    Directory(d).save(orgs)
    mediators = [Person(external_id=f"ROL-IM{i + 1:03d}",
                        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                        roles=("invited_mediator",), areas=(county,),
                        organisation=orgs[i % len(orgs)].external_id,
                        gender="female" if rng.random() < 0.4 else "male", capacity=20)
                 for i in range(INVITED_MEDIATORS)]
    d.roster.save(mediators)
    n = max(20, round(DELEGATED * min(max(scale, 0.05), 1.0)))
    settled = round(n * SETTLED / DELEGATED)
    results = ["settled"] * settled + ["failed"] * (n - settled - n // 60) + ["withdrawn"] * (n // 60)
    rng.shuffle(results)
    zone = tz(d)
    records, meta = [], []
    first, last = months[0], months[-1]
    span = (month_bounds(last)[1] - first).days
    for i, result in enumerate(results):
        mediator = mediators[rng.randrange(len(mediators))]
        category = rng.choice(list(DELEGATED_TITLES))
        received = first + dt.timedelta(days=rng.randrange(span - 40))
        mode = "delegated" if rng.random() < 0.7 else "entrusted"
        due = received + dt.timedelta(days=30)
        closed = received + dt.timedelta(days=rng.randint(5, 34))
        at = dt.datetime.combine(received, dt.time(9, rng.randrange(60)), zone)
        end_at = dt.datetime.combine(closed, dt.time(16), zone)
        ref = f"HHZJ-{received.year}-{i + 1:05d}"
        events = [
            EventSpec("rule_of_law.delegated", at + dt.timedelta(minutes=1), ACTOR,
                      {"mode": mode, "organisation": mediator.organisation,
                       "mediator": mediator.external_id, "due_on": due.isoformat()}),
            EventSpec("accept", at + dt.timedelta(minutes=2), ACTOR,
                      {"deadline": dt.datetime.combine(due, dt.time(23, 59), zone).isoformat()}),
            EventSpec("assign", at + dt.timedelta(minutes=3), ACTOR,
                      {"assignees": [f"person:{mediator.external_id}"]}),
            EventSpec("start", at + dt.timedelta(hours=2), ACTOR),
        ]
        if result == "settled":
            events.append(EventSpec("resolve", end_at, ACTOR))
        elif result == "failed":
            events.append(EventSpec("fail", end_at, ACTOR, reason="双方分歧较大，调解不成，退回法院"))
        else:
            events.append(EventSpec("withdraw", end_at, ACTOR, reason="当事人撤回"))
        events.append(EventSpec("rule_of_law.delegation_result", end_at + dt.timedelta(minutes=5),
                                ACTOR, {"result": result, "organisation": mediator.organisation,
                                        "on_time": closed <= due}))
        records.append(CaseRecord(case=NewCase(
            title=DELEGATED_TITLES[category], category=category, source="court_platform",
            area_code=rng.choice(communities), source_ref=ref, occurred_at=at,
            parties=[{"name": rng.choice(SURNAMES) + "某", "role": "applicant"},
                     {"name": rng.choice(SURNAMES) + "某", "role": "respondent"}]),
            events=events, actor=ACTOR, line=i + 1))
        meta.append((ref, mode, mediator.external_id, mediator.organisation, received, due,
                     result, closed))
    written = d.bulk.write(records)
    with d.transaction() as s:
        o, p = tables.organisations.c, tables.persons.c
        org_ids = dict(s.execute(sa.select(o.external_id, o.id)).all())
        person_ids = dict(s.execute(sa.select(p.external_id, p.id).where(
            p.external_id.like("ROL-IM%"))).all())
        s.execute(m.delegations.insert(), [
            {"platform_ref": ref, "mode": mode, "case_id": cid, "organisation_id": org_ids[org],
             "mediator_id": person_ids[med], "received_on": received, "due_on": due,
             "result": result, "closed_on": closed, "exported": True}
            for cid, (ref, mode, med, org, received, due, result, closed)
            in zip(written.ids, meta, strict=True)])
    counts.update(invited_orgs=len(orgs), invited_mediators=len(mediators),
                  delegated=len(written.ids), delegated_settled=settled)


def _confirmations(d: Deployment, rng: random.Random, since: dt.date,
                   counts: dict[str, int]) -> None:
    """Some effective agreements of other pillars (self_governance's in the demo) go for judicial
    confirmation, listed through ``suyuan_mediation_agreements`` (no plugin keeps agreements →
    nothing to confirm)."""
    conf = Confirmations(d)
    today = local_today(d)
    with d.reading() as s:
        found = {a.ref: a for group in d.hook.suyuan_mediation_agreements(
            effective_from=since, effective_to=today, deployment=d, session=s)
            for a in group or ()}
    applied = confirmed = 0
    for ref, a in sorted(found.items(), key=lambda item: (item[1].case_id, item[0])):
        if rng.random() > 0.35:
            continue
        if a.effective_on is None or len(a.parties) < 2:
            continue
        on = a.effective_on + dt.timedelta(days=rng.randint(1, 25))
        if on + dt.timedelta(days=20) >= today:
            continue  # the court would decide after today
        try:
            app = conf.apply(ApplicationInput(agreement_ref=ref, applied_on=on,
                                              applicants=a.party_names), actor=ACTOR)
            acc = on + dt.timedelta(days=rng.randint(0, 3))
            conf.accept(app.id, acc, f"({acc.year})川0121民特{app.id}号", actor=ACTOR)
            ok = rng.random() < 0.95
            conf.decide(app.id, acc + dt.timedelta(days=rng.randint(3, 15)),
                        "confirmed" if ok else "refused",
                        reason="" if ok else "协议内容违反法律强制性规定", actor=ACTOR)
        except SuyuanError:
            continue  # e.g. an excluded matter: the court would not take it either
        applied += 1
        confirmed += ok
    counts.update(confirmations=applied, confirmed=confirmed)
