"""Helpers shared by the co_governance tests: units, committees, people and cases on the standard
test tree (C → C.T1/C.T2 → communities → grids → micro-grids)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from suyuan_co_governance.committees import CommitteeInput
from suyuan_co_governance.ledger import CloseOutInput, RegisterInput
from suyuan_co_governance.social import ForceOrgInput, ForcePersonInput

from suyuan_core import NewCase

CST = dt.timezone(dt.timedelta(hours=8))
ROOT = Path(__file__).resolve().parents[3]
#: the Jintang code list (land_transfer, resettlement_compensation … under the 15 types).
JINTANG_CATEGORIES = str(ROOT / "examples" / "jintang" / "categories.toml")
CONFIG = {"data": {"categories": JINTANG_CATEGORIES}}


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), CST)


UNITS = [
    ForceOrgInput(external_id="U-GZ", name="县规划和自然资源局", kind="responsible_unit",
                  area_code="C"),
    ForceOrgInput(external_id="U-T1", name="第1镇人民政府", kind="responsible_unit",
                  area_code="C.T1"),
]


def health_committee(**changes):
    values = dict(external_id="IC-HEALTH", name="县医疗纠纷人民调解委员会", area_code="C",
                  sponsor="县卫生健康局", coverage=[{"category": "medical", "area_code": "C"}])
    values.update(changes)
    return CommitteeInput(**values)


def agriculture_committee(**changes):
    values = dict(external_id="IC-AGRI", name="县农业农村纠纷调解委员会", area_code="C",
                  sponsor="县农业农村局",
                  coverage=[{"category": "land_transfer", "area_code": "C"},
                            {"category": "farm_produce", "area_code": "C"}])
    values.update(changes)
    return CommitteeInput(**values)


def register_input(**changes):
    values = dict(project="成巴高速金堂段征地", subject="青苗补偿标准争议", area_code="C.T1.C1",
                  unit="U-GZ", affected_count=12, affected=["刘大妈", "周大爷"],
                  deadline="2026-03-31", measures="重新测量, 召开坝坝会说明补偿标准",
                  registered_on="2026-03-01")
    values.update(changes)
    return RegisterInput(**values)


def close_input(**changes):
    values = dict(evidence=["补偿协议(12户签字)", "回访记录"], signed_off_by="U-GZ",
                  signatory="县规划和自然资源局 李科长", lawsuit=False, closed_on="2026-03-20")
    values.update(changes)
    return CloseOutInput(**values)


PEOPLE = [
    ForcePersonInput(external_id="PM1", name="王建党", force="party_member", areas=["C.T1.C1"]),
    ForcePersonInput(external_id="PM2", name="李红梅", force="party_member", areas=["C.T1.C1"],
                     gender="female"),
    ForcePersonInput(external_id="V1", name="赵志愿", force="volunteer", areas=["C.T1.C1"]),
    ForcePersonInput(external_id="DEP1", name="钱代表", force="deputy", areas=["C.T1"],
                     detail="npc_deputy"),
    ForcePersonInput(external_id="RJ1", name="孙法官", force="retired_judicial", areas=["C"],
                     detail="原县人民法院民一庭"),
]

ORGS = [
    ForceOrgInput(external_id="SO-SW", name="金堂县社会工作者协会", kind="social_org",
                  area_code="C"),
    ForceOrgInput(external_id="SO-AYX", name="爱有戏", kind="social_org", area_code="C"),
    ForceOrgInput(external_id="LS", name="县法学会", kind="law_society", area_code="C"),
]


def new_case(d, *, area="C.T1.C1.G1", category="neighbour", when="2026-03-02", status="accepted"):
    case = d.cases.create(NewCase(
        title="测试纠纷", category=category, source="application", area_code=area,
        occurred_at=at(when, 9),
        parties=[{"name": "刘大妈", "role": "applicant"}, {"name": "周大爷", "role": "respondent"}]),
        actor="t")
    if status == "reported":
        return case
    return d.cases.act(case.id, "accept", actor="t", occurred_at=at(when, 10))


def count(d, table) -> int:
    with d.reading() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(table)))
