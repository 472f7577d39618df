"""A deterministic synthetic event log for the Jintang demo.

Each case gets a full history — reported, accepted, assigned, mediated, resolved or failed,
escalated up the area tree, referred, withdrawn, closed, called back, sometimes reopened — and is
written through the bulk path of the case service, so every figure the demo shows is computed
from these events by the core's metric definitions; no figure is stored anywhere.

Each case's outcomes are drawn from its own odds (:mod:`suyuan_core.demo.behaviour`: its
category, the level it starts at, whether it was resolved), solved so that the *expected*
figures are the seed's: mediation success 92.69 % (resolve ÷ resolve + fail, for disputes and,
separately, for appeals), online-appeal satisfaction 97.73 % (rated callbacks on 12345-hotline
and mailbox appeals), and every hotline work order closed before its deadline. The computed
figures land near them with the spread of a sample of that size. They count each case once, by
its last outcome or callback (``once_per_case``): a case that fails, is escalated and then
resolved is one success. Draws depend only on the seed, never on today's date: the history is
laid out backwards from the start of today, and events that would fall after it are cut off,
which leaves the recent cases open (and a few stalled ones overdue).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from suyuan_core import times
from suyuan_core.areas.tree import AreaTree
from suyuan_core.cases.bulk import CaseRecord, EventSpec
from suyuan_core.cases.service import NewCase
from suyuan_core.demo import behaviour
from suyuan_core.demo.names import person
from suyuan_core.demo.points import Points
from suyuan_core.demo.roster import Roster
from suyuan_core.domain.areas import Level
from suyuan_core.domain.cases import Party

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@attrs.frozen
class Targets:
    """The seed's figures the generated events aim at, and the knobs of the case mix."""

    mediation_success: float = 0.9269
    #: appeals resolved (解决) rather than explained and closed unresolved; its own quota, so
    #: the dispute figure stays on target whatever share of appeals plugins add.
    appeal_resolution: float = 0.9269
    appeal_satisfaction: float = 0.9773
    dispute_satisfaction: float = 0.965
    #: share of rated callbacks that are 满意 rather than 基本满意.
    fully_satisfied: float = 0.86
    window_days: int = 365
    #: disputes closed after their deadline (hotline work orders never are).
    late_share: float = 0.035
    withdraw_share: float = 0.02
    #: disputes sent up a level before any mediation (beyond the grid's competence).
    early_escalation: float = 0.04
    #: of failed mediations below the county: share escalated (the rest referred or closed).
    escalate_after_fail: float = 0.6
    dispute_callbacks: float = 0.35
    reached: float = 0.95
    reopen_dissatisfied: float = 0.5
    #: cases reported 20–75 days ago that stall in mediation (open and overdue today).
    stall_share: float = 0.06


#: intake channel → weight. 12345 and the mailbox bring appeals, the rest disputes.
SOURCES = [("hotline_12345", 30), ("mailbox", 4), ("walk_in", 14), ("phone", 8), ("patrol", 14),
           ("self_initiated", 12), ("application", 12), ("referral", 6)]
ONLINE = frozenset({"hotline_12345", "mailbox"})

DISPUTE_MIX = [("neighbour", 20), ("marriage_family", 18), ("housing_homestead", 9),
               ("damages", 8), ("forest_land", 7), ("contract", 6), ("labour", 6), ("traffic", 5),
               ("land_acquisition", 4), ("production_business", 4), ("property_management", 4),
               ("environment", 3), ("consumer", 3), ("other", 2), ("medical", 1)]
APPEAL_MIX = [("property_management", 12), ("consumer", 12), ("environment", 12), ("labour", 10),
              ("neighbour", 10), ("other", 10), ("housing_homestead", 8), ("land_acquisition", 6),
              ("contract", 5), ("traffic", 5), ("marriage_family", 3), ("damages", 3),
              ("production_business", 2), ("forest_land", 2), ("medical", 2)]
#: the county's local sub-types (examples/jintang/categories.toml), used for a share of their parent.
SUBTYPES = {"forest_land": "land_transfer", "land_acquisition": "resettlement_compensation",
            "labour": "migrant_wages"}

DISPUTE_TITLES = {
    "marriage_family": ["赡养老人纠纷", "离婚财产分割纠纷", "子女抚养费纠纷", "家庭成员口角纠纷",
                        "彩礼返还纠纷"],
    "neighbour": ["邻里排水纠纷", "邻里噪音扰民纠纷", "邻里通行道路纠纷", "树木遮挡采光纠纷",
                  "饲养家禽扰邻纠纷"],
    "housing_homestead": ["宅基地界址纠纷", "房屋漏水纠纷", "建房越界纠纷", "老宅继承纠纷"],
    "contract": ["买卖货款纠纷", "房屋租赁纠纷", "民间借贷纠纷", "装修合同纠纷"],
    "production_business": ["合作社分红纠纷", "养殖场经营纠纷", "生产用水纠纷"],
    "damages": ["人身损害赔偿纠纷", "财产损害赔偿纠纷", "犬只伤人赔偿纠纷"],
    "forest_land": ["承包地界纠纷", "林地权属纠纷", "土地承包经营纠纷"],
    "land_acquisition": ["征地补偿款分配纠纷", "拆迁安置纠纷", "青苗补偿纠纷"],
    "environment": ["养殖污染纠纷", "噪音污染纠纷", "油烟扰民纠纷"],
    "labour": ["拖欠工资纠纷", "工伤赔偿纠纷", "劳动合同解除纠纷"],
    "consumer": ["商品质量纠纷", "预付卡退费纠纷", "服务消费纠纷"],
    "medical": ["诊疗费用纠纷", "医疗损害纠纷"],
    "traffic": ["交通事故赔偿纠纷", "电动车碰撞纠纷"],
    "property_management": ["物业费纠纷", "小区停车纠纷", "电梯维修纠纷"],
    "other": ["其他民间纠纷", "宠物纠纷"],
    "land_transfer": ["土地流转租金纠纷"],
    "resettlement_compensation": ["安置房分配纠纷"],
    "migrant_wages": ["农民工工资拖欠纠纷"],
}
APPEAL_TITLES = {
    "property_management": ["反映小区物业服务不到位", "反映物业乱收费"],
    "consumer": ["反映商家拒不退款", "反映预付卡无法退费"],
    "environment": ["反映夜间施工噪音扰民", "反映餐馆油烟扰民"],
    "labour": ["反映工资被拖欠", "咨询社保缴纳问题"],
    "neighbour": ["反映邻居占用公共通道", "反映楼上漏水"],
    "other": ["咨询办事流程", "反映路灯损坏"],
    "housing_homestead": ["反映房屋漏水无人维修", "咨询农房建设审批"],
    "land_acquisition": ["咨询征地补偿政策", "反映安置房交付延期"],
    "contract": ["反映装修公司违约", "反映租房押金不退"],
    "traffic": ["反映路口交通隐患", "反映乱停车堵路"],
    "marriage_family": ["咨询离婚财产问题"],
    "damages": ["反映财产受损求助"],
    "production_business": ["反映企业生产扰民"],
    "forest_land": ["反映土地承包问题"],
    "medical": ["反映就医收费问题"],
    "land_transfer": ["反映土地流转租金未付"],
    "resettlement_compensation": ["反映安置补偿未到位"],
    "migrant_wages": ["反映工地拖欠农民工工资"],
}
#: days to settle, by the level handling the case (a grid works faster than a town).
LEVEL_DAYS = {Level.micro_grid: 15, Level.grid: 15, Level.community: 30, Level.town: 30,
              Level.county: 30}
#: 12345 work orders: 咨询 / 求助 / 投诉 deadlines, in calendar days.
HOTLINE_DAYS = (3, 5, 15)
LAWYER_CATEGORIES = frozenset({"contract", "labour", "land_acquisition", "damages", "traffic",
                               "migrant_wages", "resettlement_compensation"})


def _weighted(rng: random.Random, items: Sequence[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in items], [w for _, w in items])[0]


class History:
    """The events of one case, laid out in time; events after ``until`` are cut off later."""

    def __init__(self, start: dt.datetime, until: dt.datetime) -> None:
        self.t = start
        self.until = until
        self.events: list[EventSpec] = []

    def add(self, kind: str, after: dt.timedelta, actor: str, data: dict[str, Any] | None = None,
            reason: str | None = None, deadline_days: float | None = None) -> dt.datetime:
        """Append an event ``after`` the previous one; with ``deadline_days`` it sets the case's
        deadline that long after the event. Returns the deadline if set, else the event's time."""
        self.t += max(after, dt.timedelta(minutes=1))
        data = dict(data or {})
        deadline = None
        if deadline_days is not None:
            deadline = self.t + deadline_days * DAY
            data["deadline"] = times.iso(deadline)
        self.events.append(EventSpec(kind=kind, occurred_at=self.t, actor=actor, data=data,
                                     reason=reason))
        return deadline or self.t

    def happened(self, after: dt.timedelta = dt.timedelta()) -> bool:
        """Whether an event ``after`` from now would still lie in the past."""
        return self.t + after <= self.until

    def kept(self) -> list[EventSpec]:
        return [e for e in self.events if e.occurred_at <= self.until]


class Generator:
    """Lays out ``count`` cases over the ``window_days`` before ``until`` (the start of today)."""

    def __init__(self, tree: AreaTree, roster: Roster, categories: frozenset[str], seed: int,
                 until: dt.datetime, targets: Targets | None = None) -> None:
        self.tree = tree
        self.roster = roster
        self.t = targets or Targets()
        self.rng = random.Random(f"cases-{seed}")
        self.until = until
        self.categories = categories
        t = self.t
        disputes = [(s, w) for s, w in SOURCES if s not in ONLINE]
        self.fails = behaviour.mediation_odds(t.mediation_success, DISPUTE_MIX, disputes,
                                              t.escalate_after_fail)
        self.unresolved = behaviour.appeal_odds(t.appeal_resolution, APPEAL_MIX)
        self.appeal_unhappy = behaviour.unhappy_odds(
            t.appeal_satisfaction, 1 - t.appeal_resolution, behaviour.UNRESOLVED_UNHAPPY,
            again=t.reopen_dissatisfied * t.reached)
        self.dispute_unhappy = behaviour.unhappy_odds(
            t.dispute_satisfaction, 1 - t.mediation_success, behaviour.FAILED_UNHAPPY)
        self.micro_grids = sorted(c for c, a in tree.areas.items() if a.level is Level.micro_grid)
        self.points = Points(tree, seed)  # each case carries a point inside its area
        self.seed = seed

    # -- the whole log -----------------------------------------------------------------------
    def records(self, count: int) -> Iterator[CaseRecord]:
        """Cases oldest first, so the quotas hold for any period as well as for the whole."""
        starts = sorted(self._start() for _ in range(count))
        for n, start in enumerate(starts, start=1):
            yield self._case(n, start)

    def _start(self) -> dt.datetime:
        # a mild upward trend: more cases in recent months (online intake keeps growing)
        days_back = 1 + int(self.t.window_days * self.rng.random() ** 1.15)
        minute = self.rng.randrange(8 * 60, 20 * 60)
        return self.until - days_back * DAY + dt.timedelta(minutes=minute)

    # -- one case ----------------------------------------------------------------------------
    def _case(self, n: int, start: dt.datetime) -> CaseRecord:
        rng = self.rng
        source = _weighted(rng, SOURCES)
        appeal = source in ONLINE
        category = _weighted(rng, APPEAL_MIX if appeal else DISPUTE_MIX)
        sub = SUBTYPES.get(category)
        if sub in self.categories and rng.random() < 0.25:
            category = sub
        titles = (APPEAL_TITLES if appeal else DISPUTE_TITLES)[category]
        micro = rng.choice(self.micro_grids)
        level = self._start_level(source)
        h = History(start, self.until)
        if appeal:
            parties = [Party(name=person(rng, rng.choice(("female", "male"))), role="caller",
                             anonymous=rng.random() < 0.1)]
            self._appeal(h, source, category, micro, level)
        else:
            parties = [Party(name=person(rng, rng.choice(("female", "male"))), role="applicant"),
                       Party(name=person(rng, rng.choice(("female", "male"))), role="respondent")]
            self._dispute(h, source, category, micro, level)
        ref = f"JT12345-{self.seed}-{n:06d}" if source == "hotline_12345" else (
            f"JTMB-{self.seed}-{n:06d}" if source == "mailbox" else f"JTDEMO-{self.seed}-{n:06d}")
        lat, lon = self.points.inside(micro)
        new = NewCase(title=rng.choice(titles), category=category, source=source, area_code=micro,
                      level=level.name, source_ref=ref, parties=parties, occurred_at=start,
                      lat=lat, long=lon)
        return CaseRecord(case=new, events=h.kept(), actor=self._reporter(source, micro), line=n)

    def _start_level(self, source: str) -> Level:
        levels = behaviour.START_LEVELS[source]
        return self.rng.choices([lv for lv, _ in levels], [w for _, w in levels])[0]

    def _reporter(self, source: str, micro: str) -> str:
        if source == "hotline_12345":
            return "system:12345"
        if source == "mailbox":
            return "system:mailbox"
        if source == "referral":
            return "organisation:金堂县人民法院"
        if source == "patrol":
            return f"person:{self.roster.worker_of[micro]}"
        return f"person:{self.roster.worker_of[self.tree.get(micro).parent_code or micro]}"

    def _handlers(self, micro: str, level: Level, category: str) -> list[str]:
        area = self.tree.parent_at(micro, Level.community if level < Level.community else level)
        assert area is not None
        people = self.roster.mediators.get(area) or self.roster.mediators[self.tree.roots()[0]]
        chosen = [f"person:{self.rng.choice(people)}"]
        lawyer = self.roster.lawyer_of.get(self.tree.parent_at(micro, Level.community) or "")
        if lawyer and category in LAWYER_CATEGORIES and self.rng.random() < 0.4:
            chosen.append(f"person:{lawyer}")
        return chosen

    def _rating(self, unhappy: float) -> str:
        if self.rng.random() < unhappy:
            return "dissatisfied"
        return "satisfied" if self.rng.random() < self.t.fully_satisfied else "basically_satisfied"

    def _succeeds(self, fails: float) -> bool:
        """One mediation or handling, by the case's own odds (drawn even when the outcome falls
        after today and is cut off, so the draws never depend on the date)."""
        return self.rng.random() >= fails

    def _callback(self, h: History, unhappy: float, actor: str) -> str | None:
        after = self.rng.uniform(0.5, 3) * DAY
        reached = self.rng.random() < self.t.reached
        rating = self._rating(unhappy) if reached else None
        h.add("callback", after, actor, {"reached": reached, "satisfaction": rating})
        return rating

    # -- disputes: mediation, up the tree when it fails ----------------------------------------
    def _dispute(self, h: History, source: str, category: str, micro: str, level: Level) -> None:
        rng, t = self.rng, self.t
        days = LEVEL_DAYS[level]
        handlers = self._handlers(micro, level, category)
        actor = handlers[0]
        h.add("accept", rng.uniform(0.2, 8) * HOUR, actor, deadline_days=days)
        if rng.random() < t.withdraw_share:
            h.add("assign", rng.uniform(0.5, 24) * HOUR, actor, {"assignees": handlers})
            h.add("withdraw", rng.uniform(1, 6) * DAY, actor, reason="双方自行和解，申请撤回")
            return
        stalled = (h.until - h.t).days in range(20, 76) and rng.random() < t.stall_share
        first = True
        while True:
            h.add("assign", rng.uniform(0.5, 24) * HOUR, actor, {"assignees": handlers})
            if first and level is Level.grid and rng.random() < t.early_escalation:
                level, days = self._escalate(h, level, actor, "涉及多户，超出网格调处能力")
                handlers = self._handlers(micro, level, category)
                actor = handlers[0]
                continue
            first = False
            h.add("start", rng.uniform(0.5, 48) * HOUR, actor)
            if stalled:
                return
            late = rng.random() < t.late_share
            work = rng.uniform(1.05, 1.5) * days * DAY if late else \
                rng.uniform(0.05, 0.8) * days * DAY
            fails = behaviour.odds_of(self.fails, category, SUBTYPES)
            if self._succeeds(fails):
                h.add("resolve", work, actor)
                h.add("close", rng.uniform(0, 0.1) * days * DAY, actor)
                break
            h.add("fail", work, actor, reason="双方分歧较大，调解不成")
            r = rng.random()
            if level < Level.county and r < t.escalate_after_fail:
                parent = "镇（街道）" if level < Level.town else "县"
                level, days = self._escalate(h, level, actor, f"调解不成，上报{parent}调处")
                handlers = self._handlers(micro, level, category)
                actor = handlers[0]
                continue
            if r < 0.9:
                h.add("refer", rng.uniform(1, 5) * DAY, actor, {"to": "金堂县人民法院"},
                      reason="诉调对接，引导当事人诉讼")
            h.add("close", rng.uniform(0.1, 2) * DAY, actor)
            break
        if rng.random() < t.dispute_callbacks:
            resolved = h.events[-2].kind == "resolve"  # resolve, close; or fail, [refer,] close
            factor = 1.0 if resolved else behaviour.FAILED_UNHAPPY
            self._callback(h, self.dispute_unhappy * factor, actor)

    def _escalate(self, h: History, level: Level, actor: str, reason: str) -> tuple[Level, int]:
        up = level.up()
        assert up is not None and up <= Level.county
        days = LEVEL_DAYS[up]
        h.add("escalate", self.rng.uniform(0.5, 48) * HOUR, actor, reason=reason,
              deadline_days=days)
        return up, days

    # -- appeals: 12345 work orders and mailbox letters -------------------------------------
    def _appeal(self, h: History, source: str, category: str, micro: str, level: Level) -> None:
        rng, t = self.rng, self.t
        hotline = source == "hotline_12345"
        days = rng.choice(HOTLINE_DAYS) if hotline else 15
        handlers = self._handlers(micro, level, category)
        actor = handlers[0]
        system = "system:12345" if hotline else "system:mailbox"
        deadline = h.add("accept", rng.uniform(0.1, 1) * HOUR, system, deadline_days=days)
        if not hotline and rng.random() < t.withdraw_share:
            h.add("withdraw", rng.uniform(0.5, 2) * DAY, system, reason="来信人撤回诉求")
            return
        h.add("assign", rng.uniform(0.1, 2) * HOUR, system, {"assignees": handlers})
        h.add("start", rng.uniform(0.5, 12) * HOUR, actor)
        late = not hotline and rng.random() < t.late_share
        span = (deadline - h.t) / DAY
        work = (rng.uniform(1.05, 1.4) if late else rng.uniform(0.15, 0.8)) * span * DAY
        unresolved = behaviour.odds_of(self.unresolved, category, SUBTYPES)
        ok = self._succeeds(unresolved)
        h.add("resolve" if ok else "fail", work, actor,
              reason=None if ok else "诉求不符合政策规定，已解释说明")
        if not late:  # closed (办结) before the deadline
            left = deadline - h.t
            h.add("close", rng.uniform(0.05, 0.9) * left, actor)
        else:
            h.add("close", rng.uniform(0.1, 1) * DAY, actor)
        unhappy = self.appeal_unhappy * (1.0 if ok else behaviour.UNRESOLVED_UNHAPPY)
        rating = self._callback(h, unhappy, system)
        if rating == "dissatisfied" and rng.random() < t.reopen_dissatisfied:
            again = rng.uniform(3, 7)
            deadline = h.add("reopen", rng.uniform(0.2, 1) * DAY, system,
                             reason="回访不满意，重新办理", deadline_days=again)
            work = rng.uniform(0.3, 0.7) * again * DAY
            ok = self._succeeds(unresolved)
            h.add("resolve" if ok else "fail", work, actor)
            h.add("close", rng.uniform(0.05, 0.9) * (deadline - h.t), actor)
            self._callback(h, self.appeal_unhappy * (1.0 if ok else behaviour.UNRESOLVED_UNHAPPY),
                           system)


def until_of(tz: dt.tzinfo, now: dt.datetime | None = None) -> dt.datetime:
    """The start of today in the deployment's time zone: the end of the generated history."""
    today = (now or times.now()).astimezone(tz).date()
    return dt.datetime.combine(today, dt.time(), tz)
