"""四议两公开 and the Organic Law's quorum and majority rules; the supervision committee's review."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sg_testkit import count, person
from suyuan_self_governance import models as m
from suyuan_self_governance.procedures import StepInput
from suyuan_self_governance.quorum import Meeting, passed, quorum
from suyuan_self_governance.roster import BodyInput

from suyuan_core import Conflict, ValidationError


@pytest.mark.parametrize("meeting, ok", [
    (Meeting("villagers_assembly", members=500, present=250), False),  # exactly half is not 过半数
    (Meeting("villagers_assembly", members=500, present=251), True),
    (Meeting("villagers_assembly", members=500, present=200, households=180,
             households_present=120), True),  # 2/3 of households, 以上 includes the number
    (Meeting("villagers_assembly", members=500, present=200, households=180,
             households_present=119), False),
    (Meeting("representative_assembly", members=30, present=20), True),
    (Meeting("representative_assembly", members=30, present=19), False),
    (Meeting("villager_group", members=30, present=20), True),
    (Meeting("party_members_meeting", members=60, present=40), True),
    (Meeting("party_members_meeting", members=60, present=39), False),
])
def test_quorum_counts_exactly(meeting, ok):
    assert quorum(meeting)[0] is ok


def test_majority_is_more_than_half_of_those_present():
    assert passed(Meeting("villagers_assembly", members=500, present=300, yes=150))[0] is False
    assert passed(Meeting("villagers_assembly", members=500, present=300, yes=151))[0] is True
    # a land contracting plan needs two thirds of all members (Rural Land Contracting Law)
    land = Meeting("representative_assembly", members=30, present=30, yes=19)
    assert passed(land)[0] is True and passed(land, "land_contracting")[0] is False


@given(members=st.integers(1, 3000), data=st.data())
@settings(deadline=None)  # pure arithmetic; no deadline to miss on a loaded CI worker
def test_art22_quorum_matches_the_fraction(members, data):
    present = data.draw(st.integers(0, members))
    ok, _, _ = quorum(Meeting("villagers_assembly", members=members, present=present))
    assert ok is (present / members > 0.5)


@pytest.mark.parametrize("fields, field", [
    ({"present": 31}, "meeting.present"),
    ({"yes": 20, "no": 10, "abstain": 1}, "meeting.yes"),
    ({"households": 10}, "meeting.households"),
    ({"present": -1}, "meeting.present"),
    ({"body": "tea_party"}, "meeting.body"),
])
def test_bad_meeting_registers(fields, field):
    values = {"body": "representative_assembly", "members": 30, "present": 25, **fields}
    with pytest.raises(ValidationError) as err:
        Meeting(**values)
    assert err.value.field == field


def opened(sg):
    return sg.procedures.open(area_code="C.T1.C1", title="村道硬化一事一议", matter="fundraising",
                              proposed_on="2026-03-01", content="党支部提议", actor="t")


def step(sg, pid, name, day, **extra):
    return sg.procedures.step(StepInput(procedure_id=pid, step=name, occurred_on=day, **extra),
                              actor="t")


REVIEW = {"body": "party_members_meeting", "members": 60, "present": 45, "yes": 40}
DECIDE = {"body": "representative_assembly", "members": 45, "present": 38, "yes": 30}


def test_the_procedure_runs_in_order(sg):
    p = opened(sg)
    assert p.next_step == "consult"
    p = step(sg, p.id, "consult", "2026-03-03", content="两委商议")
    p = step(sg, p.id, "review", "2026-03-06", meeting=REVIEW)
    p = step(sg, p.id, "decide", "2026-03-10", meeting=DECIDE, signatures=("代表甲", "代表乙"))
    assert p.decision == "adopted" and p.decided_on == dt.date(2026, 3, 10)
    assert p.steps[-1]["meeting"]["quorum"]["ok"] is True
    p = step(sg, p.id, "disclose_resolution", "2026-03-12", content="村务公开栏")
    assert p.steps[-1]["result"] == "on_time"
    p = step(sg, p.id, "disclose_result", "2026-09-01", content="公开栏公示实施结果")
    assert p.status == "completed" and p.next_step is None and p.steps[-1]["result"] == "late"
    with pytest.raises(Conflict, match="no further step"):
        step(sg, p.id, "disclose_result", "2026-09-02", content="again")


def test_out_of_order_step_is_refused_and_nothing_written(sg):
    p = opened(sg)
    with pytest.raises(Conflict) as err:
        step(sg, p.id, "decide", "2026-03-10", meeting=DECIDE)
    assert err.value.rule == "four_two_order" and "next step is 'consult'" in str(err.value)
    assert count(sg.d, m.procedure_steps) == 1
    assert sg.procedures.get(p.id).status == "propose"


def test_inquorate_decision_is_refused_and_nothing_written(sg):
    p = opened(sg)
    step(sg, p.id, "consult", "2026-03-03")
    step(sg, p.id, "review", "2026-03-06", meeting=REVIEW)
    inquorate = {"body": "villagers_assembly", "members": 900, "present": 450, "yes": 440}
    with pytest.raises(ValidationError) as err:
        step(sg, p.id, "decide", "2026-03-10", meeting=inquorate)
    assert err.value.rule == "organic_law_art22_quorum" and "450 of 900" in str(err.value)
    reps = {"body": "representative_assembly", "members": 45, "present": 29, "yes": 29}
    with pytest.raises(ValidationError, match=r"two thirds"):
        step(sg, p.id, "decide", "2026-03-10", meeting=reps)
    assert count(sg.d, m.procedure_steps) == 3 and sg.procedures.get(p.id).status == "review"
    # households can make an assembly quorate
    p = step(sg, p.id, "decide", "2026-03-10", meeting={**inquorate, "households": 300,
                                                         "households_present": 200})
    assert p.decision == "adopted"


def test_inquorate_review_and_wrong_body_are_refused(sg):
    p = opened(sg)
    step(sg, p.id, "consult", "2026-03-03")
    with pytest.raises(ValidationError, match="inquorate"):
        step(sg, p.id, "review", "2026-03-06", meeting={**REVIEW, "present": 39, "yes": 30})
    with pytest.raises(ValidationError, match="party_members_meeting"):
        step(sg, p.id, "review", "2026-03-06", meeting={**DECIDE})
    with pytest.raises(ValidationError, match="meeting register"):
        step(sg, p.id, "review", "2026-03-06")
    assert count(sg.d, m.procedure_steps) == 2


def test_a_vote_that_does_not_carry_rejects_the_matter(sg):
    p = opened(sg)
    step(sg, p.id, "consult", "2026-03-03")
    step(sg, p.id, "review", "2026-03-06", meeting=REVIEW)
    p = step(sg, p.id, "decide", "2026-03-10", meeting={**DECIDE, "yes": 19})  # 2*19 = 38
    assert p.status == "rejected" and p.decision == "rejected" and p.next_step is None


def test_steps_go_forward_in_time_and_disclosures_say_what(sg):
    p = opened(sg)
    with pytest.raises(Conflict, match="before the previous step"):
        step(sg, p.id, "consult", "2026-02-27")
    step(sg, p.id, "consult", "2026-03-02", merged=True)
    with pytest.raises(ValidationError, match="only consultation"):
        step(sg, p.id, "review", "2026-03-06", meeting=REVIEW, merged=True)
    assert sg.procedures.get(p.id).steps[1]["meeting"] == {"merged_with_propose": True}


def test_overdue_disclosures(sg):
    p = opened(sg)
    step(sg, p.id, "consult", "2026-03-03")
    step(sg, p.id, "review", "2026-03-06", meeting=REVIEW)
    step(sg, p.id, "decide", "2026-03-10", meeting=DECIDE)
    assert sg.procedures.overdue(dt.date(2026, 3, 15)) == []
    late = sg.procedures.overdue(dt.date(2026, 3, 20))
    assert [(x["procedure_id"], x["step"], x["days_late"]) for x in late] == \
        [(p.id, "disclose_resolution", 5)]
    with pytest.raises(ValidationError, match="say what was disclosed"):
        step(sg, p.id, "disclose_resolution", "2026-03-12")


def test_procedure_only_in_a_community(sg):
    with pytest.raises(ValidationError, match="village or community"):
        sg.procedures.open(area_code="C.T1", title="x", matter="other", proposed_on="2026-03-01",
                           content="", actor="t")


def test_supervision_review_is_recorded_by_members_free_of_conflict(sg):
    d = sg.d
    for pid in ("V1", "V2", "V3", "S1", "S2", "X1"):
        person(d, pid, ("official",), ("C.T1.C1",))
    sg.roster.save_body(BodyInput(external_id="VC1", name="居委会", kind="villagers_committee",
                                  area_code="C.T1.C1",
                                  members=[{"person": "V1", "position": "chair"}, "V2", "V3"]))
    sg.roster.save_body(BodyInput(external_id="SC1", name="居务监督委员会",
                                  kind="supervision_committee", area_code="C.T1.C1",
                                  members=[{"person": "S1", "position": "chair"}, "S2"]))
    p = opened(sg)
    with pytest.raises(Conflict, match="not a member"):
        sg.procedures.review(committee="SC1", subject="筹资方案", reviewers=["S1", "X1"],
                             finding="approved", opinion="程序合规", reviewed_on="2026-03-11",
                             actor="t", procedure_id=p.id)
    assert count(d, m.supervision_reviews) == 0
    review = sg.procedures.review(committee="SC1", subject="筹资方案", reviewers=["S1", "S2"],
                                  finding="approved", opinion="程序合规", reviewed_on="2026-03-11",
                                  actor="t", procedure_id=p.id)
    assert review["finding"] == "approved"
    assert sg.procedures.get(p.id).reviews[0]["reviewers"] == ["S1", "S2"]
