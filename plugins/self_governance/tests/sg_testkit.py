"""Helpers shared by the self_governance tests (a small roster, cases, session inputs)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from suyuan_self_governance.roster import BodyInput, MediatorInput
from suyuan_self_governance.sessions import SessionInput

from suyuan_core import NewCase, Person

CST = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), CST)


MEDIATORS = [
    MediatorInput(external_id="M1", name="王秀英", background="veteran_party_member",
                  areas=("C.T1.C1",), gender="female", employment="full_time",
                  specialities=("neighbour", "marriage_family"), capacity=5),
    MediatorInput(external_id="M2", name="李建国", background="veteran_soldier",
                  areas=("C.T1.C2",), gender="male", specialities=("neighbour",)),
    MediatorInput(external_id="M3", name="张律师", background="lawyer", areas=("C.T1",),
                  gender="female", specialities=("contract",)),
    MediatorInput(external_id="M4", name="赵德明", background="veteran_cadre", areas=("C.T1.C1",),
                  gender="male"),
    MediatorInput(external_id="M5", name="陈国华", background="veteran_legal", areas=("C.T1.C1",),
                  gender="male"),
]


def committee_input(**changes):
    values = dict(external_id="MC1", name="一社区人民调解委员会", kind="mediation_committee",
                  area_code="C.T1.C1", members=[{"person": "M1", "position": "chair"}, "M4", "M5"],
                  term_start="2025-01-01", elected_by="2024年居民会议")
    values.update(changes)
    return BodyInput(**values)


def new_case(d, *, area="C.T1.C1.G1", category="neighbour", when="2026-03-02"):
    case = d.cases.create(NewCase(
        title="邻里排水纠纷", category=category, source="application", area_code=area,
        occurred_at=at(when, 9),
        parties=[{"name": "刘大妈", "role": "applicant"}, {"name": "周大爷", "role": "respondent"}]),
        actor="t")
    return d.cases.act(case.id, "accept", actor="t", occurred_at=at(when, 10))


def session_input(case_id, *, mediator="M1", outcome="success", day="2026-03-05", **extra):
    values = dict(case_id=case_id, mediator=mediator, held_at=at(day, 15), matter="public",
                  reasons=["sentiment", "law"],
                  participants=[{"name": "刘大妈", "role": "party"},
                                {"name": "周大爷", "role": "party"}],
                  outcome=outcome, summary="说事评理")
    values.update(extra)
    return SessionInput(**values)


def count(d, table) -> int:
    with d.reading() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(table)))


def kinds(d, case_id) -> list[str]:
    return [e.kind for e in d.cases.timeline(case_id)]


def person(d, external_id, roles, areas, gender="male"):
    d.roster.save([Person(external_id=external_id, name=f"人员{external_id}", roles=roles,
                          areas=areas, gender=gender)])
