"""Talk-and-reason sessions, routing, assignment, the mediation time limit, no fees."""

from __future__ import annotations

import datetime as dt

import pytest
from sg_testkit import at, count, kinds, new_case, session_input
from suyuan_self_governance import models as m
from suyuan_self_governance.common import from_dict
from suyuan_self_governance.sessions import SessionInput, add_months

from suyuan_core import Conflict, Period, ValidationError

YEAR = Period.containing("year", dt.date(2026, 3, 1))


def figure(d, key, area="C"):
    f = d.metric_service.figure(key, area, YEAR)
    return f.num, f.den


def test_success_resolves_the_case_and_feeds_the_success_rates(roster):
    d = roster.d
    ok = new_case(d)
    rec = roster.sessions.record(session_input(ok.id), actor="t")
    assert rec.case_status == "resolved"
    assert kinds(d, ok.id) == ["reported", "accept", "assign", "start", "self_governance.session",
                               "resolve"]
    resolve = d.cases.timeline(ok.id)[-1]
    assert resolve.data["via"] == "talk_and_reason" and resolve.data["session_id"] == rec.id
    assert d.cases.get(ok.id).assignees == ("person:M1",)
    bad = new_case(d, when="2026-03-03")
    roster.sessions.record(session_input(bad.id, outcome="failure", informed_of_other_routes=True),
                           actor="t")
    assert d.cases.get(bad.id).status.value == "unresolved"
    assert figure(d, "mediation_success_rate") == (1, 2)
    assert figure(d, "talk_and_reason_success_rate") == (1, 2)
    assert figure(d, "talk_and_reason_sessions") == (2, 0)
    assert d.metric_service.drill("talk_and_reason_success_rate", "C", YEAR) == [ok.id]


def test_continued_session_leaves_the_case_in_progress(roster):
    case = new_case(roster.d)
    rec = roster.sessions.record(session_input(case.id, outcome="continued"), actor="t")
    assert rec.case_status == "in_progress"
    rec = roster.sessions.record(session_input(case.id, day="2026-03-09"), actor="t")
    assert rec.case_status == "resolved"
    assert [s.outcome for s in roster.sessions.list(case.id)] == ["continued", "success"]


def test_failure_needs_the_parties_told_of_other_routes(roster):
    with pytest.raises(ValidationError, match="Art 26") as err:
        session_input(1, outcome="failure")
    assert err.value.field == "informed_of_other_routes"


def test_refusal_ends_mediation_for_good(roster):
    d = roster.d
    case = new_case(d)
    rec = roster.sessions.record(session_input(case.id, outcome="refused", refused_by="周大爷"),
                                 actor="t")
    assert rec.case_status == "withdrawn"
    last = d.cases.timeline(case.id)[-1]
    assert last.kind == "withdraw" and last.data["ended_by"] == "party_refusal"
    assert last.data["refused_by"] == "周大爷"
    with pytest.raises(Conflict, match="Art 17"):
        roster.sessions.record(session_input(case.id, day="2026-03-06"), actor="t")
    assert figure(d, "mediation_success_rate") == (0, 0)  # no mediation took place


def test_refusal_needs_the_refusing_party(roster):
    with pytest.raises(ValidationError, match="refused"):
        session_input(1, outcome="refused")


def test_mediator_outside_her_area_is_refused_and_nothing_written(roster):
    d = roster.d
    case = new_case(d)
    before = kinds(d, case.id)
    with pytest.raises(ValidationError) as err:
        roster.sessions.record(session_input(case.id, mediator="M2"), actor="t")
    assert err.value.rule == "covers_area" and err.value.field == "mediator"
    assert "李建国 (M2) covers 1镇2社区" in str(err.value)
    assert kinds(d, case.id) == before and count(d, m.sessions) == 0
    with pytest.raises(ValidationError, match="covers"):
        roster.sessions.assign(case.id, "M2", actor="t")
    assert kinds(d, case.id) == before
    # the town's lawyer covers every community of her town
    assert roster.sessions.assign(case.id, "M3", actor="t").assignees == ("person:M3",)


def test_unavailable_or_unknown_mediator_is_refused(roster):
    case = new_case(roster.d)
    roster.roster.set_availability("M1", False)
    with pytest.raises(ValidationError, match="not available"):
        roster.sessions.record(session_input(case.id), actor="t")
    with pytest.raises(Exception, match="no roster member 'M99'"):
        roster.sessions.record(session_input(case.id, mediator="M99"), actor="t")
    assert count(roster.d, m.sessions) == 0


def test_session_input_rules():
    with pytest.raises(ValidationError, match="three matters"):
        session_input(1, matter="money")
    with pytest.raises(ValidationError, match="three reasons"):
        session_input(1, reasons=[])
    with pytest.raises(ValidationError, match="one of the three reasons"):
        session_input(1, reasons=["money"])
    with pytest.raises(ValidationError, match="at least one party"):
        session_input(1, participants=[{"name": "王", "role": "witness"}])
    with pytest.raises(ValidationError, match="time zone"):
        session_input(1, held_at="2026-03-05T10:00")


def test_no_fee_of_any_kind(roster):
    data = {"case_id": 1, "mediator": "M1", "held_at": "2026-03-05T10:00+08:00",
            "matter": "public", "reasons": ["law"], "participants": [{"name": "甲"}],
            "outcome": "success", "fee": 50}
    with pytest.raises(ValidationError, match="no fee of any kind") as err:
        from_dict(SessionInput, data)
    assert err.value.rule == "no_fee" and err.value.field == "SessionInput.fee"
    with pytest.raises(ValidationError, match="no fee"):
        session_input(1, participants=[{"name": "甲", "role": "party", "收费": 20}])
    columns = {c.name for t in m.metadata.tables.values() for c in t.columns}
    assert not {c for c in columns if "fee" in c or "charge" in c or "cost" in c}


def test_routing_scores_coverage_speciality_load_and_availability(roster):
    d = roster.d
    case = new_case(d)
    proposals = d.routing.propose(d.cases.get(case.id))
    mine = [p for p in proposals if p.provider == "self_governance"]
    ids = [p.handler_id for p in mine]
    assert ids[0] == "M1"  # her community, her speciality, no load
    assert "M2" not in ids  # another community
    assert set(ids) == {"M1", "M3", "M4", "M5"}
    top = mine[0]
    assert "擅长邻里纠纷" in top.reason and "speciality matches" in top.reason
    assert top.score == pytest.approx(1.0)
    lawyer = next(p for p in mine if p.handler_id == "M3")
    assert lawyer.score < next(p for p in mine if p.handler_id == "M4").score  # further away
    roster.roster.set_availability("M4", False)
    assert "M4" not in [p.handler_id for p in d.routing.propose(d.cases.get(case.id))
                        if p.provider == "self_governance"]
    # at capacity: M1 takes 5 cases
    for i in range(5):
        other = new_case(d, when=f"2026-03-{10 + i}")
        roster.sessions.assign(other.id, "M1", actor="t")
    again = [p for p in d.routing.propose(d.cases.get(case.id)) if p.provider == "self_governance"]
    assert "M1" not in [p.handler_id for p in again]
    with pytest.raises(ValidationError, match="capacity is 5"):
        roster.sessions.assign(case.id, "M1", actor="t")


def test_mediation_limit_is_one_month_by_default(roster):
    case = new_case(roster.d, when="2026-01-31")
    assert case.deadline == dt.datetime(2026, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    appeal = roster.d.cases.create(__import__("suyuan_core").NewCase(
        title="咨询", category="other", source="hotline_12345", area_code="C.T1.C1",
        occurred_at=at("2026-01-31")), actor="t")
    appeal = roster.d.cases.act(appeal.id, "accept", actor="t", occurred_at=at("2026-01-31", 11))
    assert appeal.deadline != case.deadline  # appeals keep the core's (or another plugin's) rule


def test_mediation_limit_is_configurable(make_deployment):
    d = make_deployment(plugins=["self_governance"],
                        config={"plugins": {"self_governance": {"mediation_limit_months": 2}}})
    case = new_case(d, when="2026-01-15")
    assert case.deadline.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == dt.date(2026, 3, 16)


def test_extension_needs_both_parties(roster):
    case = new_case(roster.d, when="2026-01-15")
    with pytest.raises(ValidationError, match="both parties agree"):
        roster.sessions.extend(case.id, dt.date(2026, 3, 31), both_parties_agree=False, actor="t")
    later = roster.sessions.extend(case.id, dt.date(2026, 3, 31), both_parties_agree=True,
                                   actor="t")
    assert later.deadline > case.deadline


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)
