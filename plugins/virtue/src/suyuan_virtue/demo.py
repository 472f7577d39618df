"""The pillar's share of the demo (``suyuan_demo_data``), written through the services (the same
rights, PIA gate, encryption and audit as a real county's data):

* the PIAs first (nothing is written to a register before them), by the demo privacy officer;
* community-correction and resettlement records (a few minors among them, sealed) with check-ins;
* the seed's **3,307 guardianship agreements** for left-behind children at scale 1 (fewer at a
  smaller scale), children under 14 with the parents' consent, reviews due;
* counselling referrals with consent, sessions and follow-ups;
* the four culture brands of the seed with their venues and events, 五老七贤 family-code readings;
* moral-model selections taken through every step, one vote per household;
* marriage mediators and kin mediation teams, and marriage disputes dispatched to both channels
  with each channel's outcome recorded as a case event.

Deterministic for a seed (``random.Random(seed)``) and **dated as the seed dates it, never
relative to today**: the seed is a county report whose figures run to 今年1-5月 (the smart pillar's
demo reads 今年 as 2026), so the pillar's history ends on :data:`REPORT_DAY`; the 3,307 agreements
were signed 近年来 (the three years before it), the selections are the yearly rounds (每年常态培育
选树) of the years before, and this year's round is still taking nominations. Everything is
written as what happened on its day — each selection step, vote, check-in, review, renewal and
term end an event with its own date — through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import attrs
import sqlalchemy as sa

from suyuan_core import Deployment, Level, NewCase, Organisation, Person
from suyuan_virtue import models as m
from suyuan_virtue.protection import REGISTERS, Access
from suyuan_virtue.times import add_months, to_db, tz

GUARDIANSHIP_AGREEMENTS = 3307
#: the last day of the seed's reporting period (今年1-5月 of the report's year).
REPORT_DAY = dt.date(2026, 5, 31)
#: the agreements were signed over the three years before the report (近年来).
AGREEMENTS_FROM = dt.date(2023, 6, 1)
#: the yearly selections with results disclosed; the report's year is still nominating.
SELECTION_YEARS = (2024, 2025)
#: the impact assessments: the first before processing started, its periodic review.
PIA_DATES = ((dt.date(2023, 5, 15), dt.date(2025, 5, 15)), (dt.date(2025, 5, 12),
                                                           dt.date(2028, 5, 12)))
DEMO_PASSWORD = "suyuan-demo"
ACTOR = "demo"
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓"
            "曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈")
GIVEN = ["小明", "建国", "桂兰", "志强", "玉兰", "德明", "淑芬", "国华", "春花", "永福", "素珍",
         "明亮", "翠华", "光荣", "凤英", "家富", "丽华", "长生", "金凤", "世平", "红梅", "大勇",
         "思雨", "子涵", "浩然", "欣怡", "宇轩", "梓萱"]
OFFENCES = ["盗窃罪", "危险驾驶罪", "故意伤害罪", "诈骗罪", "交通肇事罪", "寻衅滋事罪", "赌博罪"]
#: the seed's culture brands: (code, kind, name, town name, community name or None, venue).
BRANDS = [
    ("wufeng_family_style", "family_style", "家风文化", "五凤镇", None, "贺麟故居"),
    ("tuqiao_filial_piety", "filial_piety", "孝善文化", "土桥镇", None, "土桥镇孝善文化博物馆"),
    ("guancang_opera_integrity", "opera_integrity", "川剧+廉创", "官仓街道", None, "林家大戏台"),
    ("tuoyuan_clean_community", "clean_community", "廉洁社区", "赵镇街道", "沱源社区", "尚书故里"),
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _id_number(rng: random.Random, birth: dt.date) -> str:
    return f"510121{birth:%Y%m%d}{rng.randrange(1000):03d}{rng.choice('0123456789X')}"


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _users(d: Deployment, county: str) -> dict[str, Access]:
    wanted = [("dpo", "演示个人信息保护负责人", [("privacy_officer", county)]),
              ("sifa", "演示司法所社区矫正工作人员", [("correction_officer", county),
                                                ("resettlement_officer", county)]),
              ("judge", "演示司法机关工作人员", [("judicial_authority", county)]),
              ("minzheng", "演示民政工作人员", [("civil_affairs_officer", county)]),
              ("xinli", "演示心理咨询师", [("counsellor", county)])]
    existing = {u.username for u in d.accounts.users()}
    out = {}
    for username, name, grants in wanted:
        if username not in existing:
            d.accounts.add_user(username, name, DEMO_PASSWORD, actor=ACTOR)
        for role, area in grants:
            d.accounts.grant(username, role, area, actor=ACTOR)
        out[username] = Access(d.accounts.as_user(username, via="cli"), ip="demo",
                               reason="演示数据 demo data")
    return out


def generate(deployment: Deployment, *, seed: int, scale: float) -> dict[str, int]:
    d = deployment
    tree = d.areas.tree
    roots = tree.roots()
    communities = sorted(c for c, a in tree.areas.items() if a.level is Level.community)
    if not roots or not communities:
        return {}
    d.privacy.ensure_key()  # the demo writes its own key file beside suyuan.toml
    rng = random.Random(seed)
    county = roots[0]
    factor = min(max(scale, 0.0), 1.0)
    today = REPORT_DAY
    who = _users(d, county)
    counts: dict[str, int] = {}
    _pias(who["dpo"], d, today)
    counts["registers"] = _registers(d, who["sifa"], rng, communities, today, factor)
    counts["guardianships"] = _guardianships(d, who["minzheng"], rng, communities, today, factor)
    counts["referrals"] = _counselling(d, who["xinli"], rng, communities, today, factor)
    counts["culture_events"] = _culture(d, rng, communities, today, factor)
    counts["votes"] = _selections(d, rng, county, communities, today, factor)
    counts["marriage_cases"] = _marriage(d, rng, communities, today, factor)
    counts["care_checks"], counts["adoption_reviews"] = _families(d, who["minzheng"], rng,
                                                                  communities, today, factor)
    _partners(d, county)
    return counts


def _families(d: Deployment, minzheng: Access, rng: random.Random, communities: list[str],
              today: dt.date, factor: float) -> tuple[int, int]:
    from suyuan_virtue.families import Families

    f = Families(d)
    items = {"home_care": ["建立服务档案", "每周探访", "紧急呼叫响应", "助餐服务", "健康监测"],
             "day_centre": ["消防安全", "膳食卫生", "护理员持证", "活动场地", "应急预案"]}
    f.save_standard(code="home_care", title="金堂县居家养老服务规范", items=items["home_care"])
    f.save_standard(code="day_centre", title="社区日间照料中心服务标准",
                    items=items["day_centre"])
    checks = max(6, round(120 * factor))
    for i in range(checks):
        code = rng.choice(list(items))
        f.check(minzheng.principal, standard=code, area_code=rng.choice(communities),
                provider=f"{'居家养老服务站' if code == 'home_care' else '日间照料中心'}{i + 1}",
                checked_on=today - dt.timedelta(days=rng.randrange(1, 330)),
                met=[x for x in items[code] if rng.random() < 0.85], findings="按季度检查")
    reviews = max(4, round(24 * factor))
    for _ in range(reviews):
        got = f.receive(minzheng, kind=rng.choice(["adoption", "adoption", "placement"]),
                        area_code=rng.choice(communities),
                        received_on=today - dt.timedelta(days=rng.randrange(1, 200)),
                        child=_name(rng), applicants=f"{_name(rng)}、{_name(rng)}")
        due = dt.date.fromisoformat(got["due_on"])
        if due < today and rng.random() < 0.9:
            f.decide(minzheng, got["id"], decision="registered" if rng.random() < 0.85
                     else "refused", decided_on=due - dt.timedelta(days=rng.randrange(0, 20)))
    return checks, reviews


def _pias(dpo: Access, d: Deployment, today: dt.date) -> None:
    from suyuan_virtue.pia import Pias

    pias = Pias(d)
    done = {p["register"] for p in pias.list()}
    now = dt.datetime.now(tz(d)).date()
    dates = list(PIA_DATES)
    if dates[-1][1] <= now:  # the write gate is today's: a demo run later reviews it again
        dates.append((now, add_months(now, 36)))
    for register, (zh, _) in REGISTERS.items():
        if register in done:
            continue
        for assessed, due in dates:
            _pia(pias, dpo, register, zh, assessed, due)


def _pia(pias: Any, dpo: Access, register: str, zh: str, assessed: dt.date,
         due: dt.date) -> None:
    from suyuan_virtue.pia import PiaInput

    pias.record(dpo, PiaInput(
        register=register, assessed_on=assessed,
        assessor="金堂县司法局个人信息保护负责人",
        purpose=f"依法开展{zh}工作所必需的人员信息处理",
        legal_basis="《个人信息保护法》第13条第1款第3项(履行法定职责); 《社区矫正法》; "
                    "《未成年人保护法》",
        necessity="仅收集履职所必需的最少字段; 与案件、检索、导出、12345工单隔离",
        risks="泄露导致歧视和二次伤害; 未成年人身份暴露; 越权查询",
        measures="字段加密存储(密钥不入库)、默认脱敏、专门角色与事由查看、未成年人记录封存、"
                 "访问审计与报告、保存期限届满删除",
        review_due=due))


def _registers(d: Deployment, sifa: Access, rng: random.Random, communities: list[str],
               today: dt.date, factor: float) -> int:
    from suyuan_virtue.registers import RecordInput, Registers

    regs = Registers(d)
    n = 0
    entries: list[dict[str, Any]] = []
    ended: list[tuple[int, dt.date]] = []
    for register, total, months in (("community_correction", 260, 24), ("resettlement", 420, 60)):
        for i in range(max(8, round(total * factor))):
            minor = i % 37 == 5
            start = today - dt.timedelta(days=rng.randrange(30, 700))
            birth = (start - dt.timedelta(days=rng.randrange(15 * 365, 17 * 365)) if minor
                     else start - dt.timedelta(days=rng.randrange(20 * 365, 60 * 365)))
            end = add_months(start, rng.randrange(6, months))
            rid = regs.add(sifa, RecordInput(
                register=register, area_code=rng.choice(communities), name=_name(rng),
                id_number=_id_number(rng, birth), birth_date=birth, term_start=start,
                term_end=end, officer=f"SFS{i % 16:02d}",
                phone=_phone(rng), address=f"金堂县某村{rng.randrange(1, 12)}组{rng.randrange(1, 90)}号",
                offence=rng.choice(OFFENCES), notes="按规定报到", helpers=(f"BJ{i % 40:03d}",)))
            n += 1
            if end <= today and not minor:  # a sealed record is closed by 司法机关, not here
                ended.append((rid, end))
            day = start + dt.timedelta(days=rng.randrange(5, 30))
            while day < min(today, end) and len(entries) < 20_000:
                entries.append({"record_id": rid, "kind": rng.choice(["check_in", "check_in",
                                                                     "visit", "help"]),
                                "on_date": day, "by": "user:sifa",
                                "recorded_at": to_db(dt.datetime.now(dt.UTC)),
                                "detail_enc": d.privacy.encrypt("按时报到，表现良好")})
                day += dt.timedelta(days=rng.randrange(25, 40))
    with d.transaction() as s:
        for chunk in range(0, len(entries), 2000):
            s.execute(m.register_entries.insert(), entries[chunk:chunk + 2000])
        d.audit.write(s, actor="user:sifa", action="virtue.register.write",
                      record="virtue.community_correction:*", reason="演示数据 demo data",
                      detail={"what": "demo check-ins", "count": len(entries)})
    for rid, end in ended:  # 期满解除 on the term's last day: the record's status follows
        regs.add_entry(sifa, rid, "term_end", end, detail="矫正期满，依法解除")
    return n


def _guardianships(d: Deployment, minzheng: Access, rng: random.Random, communities: list[str],
                   today: dt.date, factor: float) -> int:
    """The agreements signed from :data:`AGREEMENTS_FROM` to ``today`` (the report's last day),
    in the order they were signed: each reviewed every ``guardianship_review_months`` while its
    term ran, and at its term's end renewed (a new agreement, counted among the seed's 3,307) or
    ended."""
    import heapq

    from suyuan_virtue.guardianship import AgreementInput, Guardianships, age_on

    g = Guardianships(d)
    months = g.settings.guardianship_review_months
    total = max(40, round(GUARDIANSHIP_AGREEMENTS * factor))
    tree = d.areas.tree
    rural = [c for c in communities if "村" in tree.get(c).name_zh] or communities
    span = (today - AGREEMENTS_FROM).days
    firsts = sorted(AGREEMENTS_FROM + dt.timedelta(days=rng.randrange(span))
                    for _ in range(total))
    renewals: list[tuple[dt.date, int, int, AgreementInput]] = []  # (signed, seq, old id, item)
    made = 0
    reviews: list[dict[str, Any]] = []
    renewed: list[int] = []
    gc = m.guardianships.c
    with d.transaction() as s:
        g.guard.require_pia(s, "guardianship", dt.datetime.now(tz(d)).date())
        while made < total:
            if renewals and (not firsts or renewals[0][0] <= firsts[0]):
                _, _, old_id, item = heapq.heappop(renewals)
                renewed.append(old_id)
            else:
                item = _agreement(rng, rural, firsts.pop(0))
                old_id = None
            row = g.row_of(item, tree.path(item.area_code), minzheng.principal.actor)
            start, end = row["term_start"], row["term_end"]
            day = add_months(start, months)
            mine: list[dict[str, Any]] = []
            while day <= min(today, end):
                mine.append({"reviewed_on": day, "by": minzheng.principal.actor,
                                "finding": rng.choice(["fulfilled"] * 8 + ["concerns",
                                                                           "guardian_changed"]),
                                "note_enc": None})
                day = add_months(day, months)
            row["next_review"] = min(day, end)
            new_id = int(s.execute(m.guardianships.insert().returning(gc.id), row).scalar_one())
            reviews += [{**r, "agreement_id": new_id} for r in mine]
            made += 1
            birth = dt.date.fromisoformat(str(item.child_birth_date))
            again = end - dt.timedelta(days=rng.randrange(0, 10))
            if end < today and again <= today and age_on(birth, again) < 17 \
                    and rng.random() < 0.55:
                term = add_months(end, 12 * rng.choice([1, 2]))
                heapq.heappush(renewals, (again, made, new_id, attrs.evolve(
                    item, signed_on=again, term_start=end + dt.timedelta(days=1), term_end=term,
                    consent_on=again - dt.timedelta(days=rng.randrange(0, 5)), renews=new_id)))
        if renewed:
            s.execute(m.guardianships.update().where(gc.id.in_(renewed)).values(status="renewed"))
        s.execute(m.guardianships.update().where(gc.status == "active", gc.term_end < today)
                  .values(status="ended"))
        for chunk in range(0, len(reviews), 2000):
            s.execute(m.guardianship_reviews.insert(), reviews[chunk:chunk + 2000])
        g.guard.audit(s, minzheng, "write", "guardianship", None,
                      {"what": "demo agreements", "count": made, "renewals": len(renewed),
                       "reviews": len(reviews)})
    return made


def _agreement(rng: random.Random, rural: list[str], signed: dt.date) -> Any:
    from suyuan_virtue.guardianship import AgreementInput

    birth = signed - dt.timedelta(days=rng.randrange(2 * 365, 16 * 365))
    surname = rng.choice(SURNAMES)
    return AgreementInput(
        area_code=rng.choice(rural), child_name=surname + rng.choice(GIVEN),
        child_birth_date=birth.isoformat(), guardian_name=surname + rng.choice(GIVEN),
        guardian_relation=rng.choice(["grandparent", "grandparent", "grandparent", "relative",
                                      "friend"]),
        parents=(surname + rng.choice(GIVEN), rng.choice(SURNAMES) + rng.choice(GIVEN)),
        signed_on=signed, term_start=signed, term_end=add_months(signed, 12 * rng.choice([1, 2, 3])),
        guardian_phone=_phone(rng), consent_on=signed - dt.timedelta(days=rng.randrange(0, 5)),
        consent_by=rng.choice(["both_parents", "father", "mother"]),
        intake=rng.choice(["village"] * 6 + ["youth_12355", "women_federation",
                                             "guarding_childhood"]))


def _counselling(d: Deployment, xinli: Access, rng: random.Random, communities: list[str],
                 today: dt.date, factor: float) -> int:
    from suyuan_virtue.counselling import Counselling, ReferralInput

    svc = Counselling(d)
    staff = ([(f"XL{i:02d}", "counsellor", "心理咨询师") for i in range(8)]
             + [(f"XL{i:02d}", "psychiatric_staff", "精神科医生") for i in range(8, 10)]
             + [(f"XL{i:02d}", "social_worker", "社工") for i in range(10, 12)])
    d.roster.save([Person(external_id=ext, name=title + _name(rng), roles=(role,),
                          areas=(rng.choice(communities),), employment="full_time")
                   for ext, role, title in staff])
    n = max(6, round(120 * factor))
    for i in range(n):
        consent = today - dt.timedelta(days=rng.randrange(20, 300))
        rid = svc.refer(xinli, ReferralInput(
            area_code=rng.choice(communities), source=rng.choice(["grid_worker", "service_hall"]),
            name=_name(rng), consent_on=consent, phone=_phone(rng),
            concern=rng.choice(["婚姻变故后情绪低落", "长期失业焦虑", "邻里冲突后失眠", "丧亲之痛"]),
            service_hall="群众工作之家", counsellor=f"XL{i % 12:02d}"))
        held = consent + dt.timedelta(days=rng.randrange(1, 10))
        svc.session(xinli, rid, held_on=held, counsellor=f"XL{i % 12:02d}",
                    outcome=rng.choice(["improved", "stable", "stable"]), notes="首次咨询")
        if rng.random() < 0.6 and held + dt.timedelta(days=30) <= today:
            svc.session(xinli, rid, held_on=held + dt.timedelta(days=30), kind="follow_up",
                        counsellor=f"XL{i % 12:02d}", outcome=rng.choice(["closed", "improved"]))
    return n


def _find(d: Deployment, name: str, parent: str | None = None) -> str | None:
    for code, area in d.areas.tree.areas.items():
        if area.name_zh == name and (parent is None or area.parent_code == parent):
            return code
    return None


def _culture(d: Deployment, rng: random.Random, communities: list[str], today: dt.date,
             factor: float) -> int:
    from suyuan_virtue.culture import Culture

    culture = Culture(d)
    events = 0
    for code, kind, name, town, community, venue in BRANDS:
        town_code = _find(d, town)
        area = (_find(d, community, town_code) if community and town_code else town_code) \
            or communities[0]
        brand = culture.save_brand(code=code, kind=kind, name=name, area_code=area,
                                   venues=[venue])
        for _ in range(max(2, round(12 * factor))):
            culture.add_event(kind="brand_event", brand_id=brand, area_code=area,
                              title=f"{name}主题活动", held_on=today - dt.timedelta(
                                  days=rng.randrange(1, 360)),
                              attendance=rng.randrange(30, 300), actor=ACTOR)
            events += 1
    for c in communities[:max(4, round(60 * factor))]:
        culture.add_event(kind="family_codes_reading", area_code=c, title="五老七贤诵读家风家训",
                          held_on=today - dt.timedelta(days=rng.randrange(1, 360)),
                          attendance=rng.randrange(20, 120), actor=ACTOR,
                          readers=["老党员" + _name(rng), "老干部" + _name(rng), "乡贤" + _name(rng)])
        events += 1
    return events


def _selections(d: Deployment, rng: random.Random, county: str, communities: list[str],
                today: dt.date, factor: float) -> int:
    from suyuan_virtue.selection import Selections

    sel = Selections(d)
    principal = d.accounts.as_user("admin", via="cli") if "admin" in {
        u.username for u in d.accounts.users()} else None
    if principal is None:
        return 0
    votes = 0
    zone = tz(d)

    def at(day: dt.date, hour: int = 10) -> dt.datetime:
        return to_db(dt.datetime.combine(day, dt.time(hour), zone))

    rounds = [(kind, title, places, year) for year in SELECTION_YEARS
              for kind, title, places in (
                  ("moral_model", f"{year}年度金堂县道德模范", 3),
                  ("best_parents_in_law", f"{year}年度最美公婆", 2),
                  ("best_daughter_in_law", f"{year}年度最美儿媳", 2),
                  ("meimei_jintang", f"{year}年“美美的金堂”评选", 3))]
    for kind, title, places, year in rounds:
        # 3月 nominations, 4月 review, 5月 public notice, then a week's vote and the award
        opened = dt.date(year, 3, 1)
        sid = sel.create(principal, kind=kind, title=title, year=year, area_code=county,
                         places=places, at=at(opened))
        noms = [sel.nominate(principal, sid, nominee=_name(rng),
                             area_code=rng.choice(communities), deeds="孝老爱亲、邻里互助、热心公益",
                             at=at(opened + dt.timedelta(days=rng.randrange(1, 30))))
                for _ in range(places + 3)]
        for nid in noms:
            sel.review(principal, nid, approve=rng.random() > 0.15 or nid == noms[0],
                       at=at(dt.date(year, 4, rng.randrange(1, 28))))
        notice = dt.date(year, 5, 6)
        until = sel.start_notice(principal, sid, notice, at=at(notice))
        vote_day = until + dt.timedelta(days=1)
        sel.open_vote(principal, sid, vote_day, at=at(vote_day, 9))
        approved = [n["id"] for n in sel.get(sid)["nominations"] if n["status"] == "approved"]
        households = rng.sample(range(100000, 999999), max(10, round(120 * factor)))
        for h in households:
            cast = vote_day + dt.timedelta(days=rng.randrange(0, 7))
            sel.vote(principal, sid, nomination_id=rng.choice(approved), household=f"JT{h}",
                     at=at(cast, rng.randrange(8, 21)))
            votes += 1
        sel.award(principal, sid, at=at(vote_day + dt.timedelta(days=10)))
    # the report's year: the moral-model round still taking nominations on the report's day
    year = today.year
    sid = sel.create(principal, kind="moral_model", title=f"{year}年度金堂县道德模范", year=year,
                     area_code=county, places=3, at=at(dt.date(year, 5, 1)))
    for _ in range(4):
        sel.nominate(principal, sid, nominee=_name(rng), area_code=rng.choice(communities),
                     deeds="见义勇为、诚实守信",
                     at=at(dt.date(year, 5, 1) + dt.timedelta(days=rng.randrange(1, 30))))
    return votes


def _marriage(d: Deployment, rng: random.Random, communities: list[str], today: dt.date,
              factor: float) -> int:
    from suyuan_virtue.marriage import Marriage

    tree = d.areas.tree
    towns = sorted({tree.parent_at(c, Level.town) or c for c in communities})
    d.roster.save([Person(external_id=f"HYTJ{i:02d}", name="婚姻调解师" + _name(rng),
                          roles=("marriage_mediator",), areas=(t,), gender="female",
                          employment="full_time", specialities=("marriage_family",))
                   for i, t in enumerate(towns)])
    d.roster.save_organisations([Organisation(external_id=f"QYTJ{i:02d}",
                                              name=f"{tree.get(t).name_zh}亲友调解团",
                                              kind="kin_mediation_team", area_code=t)
                                 for i, t in enumerate(towns)])
    marriage = Marriage(d)
    n = max(6, round(150 * factor))
    zone = tz(d)
    for _ in range(n):
        day = today - dt.timedelta(days=rng.randrange(5, 300))
        at = dt.datetime.combine(day, dt.time(9), zone)
        area = rng.choice(communities)
        case = d.cases.create(NewCase(
            title=rng.choice(["夫妻感情纠纷", "离婚财产分割纠纷", "赡养老人纠纷", "婆媳矛盾"]),
            category="marriage_family", source="women_federation" if rng.random() < 0.3
            else "application", area_code=area, occurred_at=at,
            parties=[{"name": _name(rng), "role": "applicant"},
                     {"name": _name(rng), "role": "respondent"}]), actor=ACTOR)
        cid = case.id or 0
        d.cases.act(cid, "accept", actor=ACTOR, occurred_at=at + dt.timedelta(hours=1))
        marriage.dispatch(cid, actor=ACTOR, occurred_at=at + dt.timedelta(hours=2))
        d.cases.act(cid, "start", actor=ACTOR, occurred_at=at + dt.timedelta(days=1))
        pro = rng.random() < 0.86
        kin = rng.random() < 0.74
        done = at + dt.timedelta(days=rng.randrange(3, 20))
        marriage.outcome(cid, "marriage_mediator", "success" if pro else "failure", actor=ACTOR,
                         occurred_at=done)
        marriage.outcome(cid, "kin_mediation_team", "success" if kin else "failure", actor=ACTOR,
                         occurred_at=done)
        d.cases.act(cid, "resolve" if (pro or kin) else "fail", actor=ACTOR, occurred_at=done,
                    data={"via": "virtue.dual_channel"})
    return n


def _partners(d: Deployment, county: str) -> None:
    with d.transaction() as s:
        have = set(s.scalars(sa.select(m.partners.c.code)))
        for code, kind, name, programme in (
                ("women_federation_online", "women_federation", "金堂县网上妇联", None),
                ("youth_12355", "youth_line", "12355青少年服务台", "guarding_childhood")):
            if code not in have:
                s.execute(m.partners.insert(), {"code": code, "kind": kind, "name": name,
                                                "area_code": county, "programme": programme})
