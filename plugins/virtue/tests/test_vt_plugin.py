"""The plugin as a deployment sees it: enabled later on an existing database, switched off again
without breaking anything; its roles, permissions and sources; marriage disputes routed to both
channels with a success figure per channel; one vote per household."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from suyuan_virtue import models as m
from suyuan_virtue.marriage import Marriage
from suyuan_virtue.selection import AlreadyVoted, Selections
from vt_testkit import access, count, user

from suyuan_core import (
    Conflict,
    Deployment,
    NewCase,
    Organisation,
    Period,
    Person,
    ValidationError,
)
from suyuan_core.testing import standard_areas

CST = dt.timezone(dt.timedelta(hours=8))


def _deployment(url: str, enabled: list[str], tmp_path) -> Deployment:
    key = tmp_path / "k.txt"
    if not key.exists():
        from vt_testkit import new_key
        key.write_text(new_key())
    return Deployment.from_dict({"deployment": {"name": "t", "database": url},
                                 "plugins": {"enabled": enabled},
                                 "privacy": {"key_file": str(key)}})


def test_enabled_later_then_switched_off(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    core = _deployment(url, [], tmp_path)
    core.upgrade()
    core.areas.import_areas(standard_areas())
    case = core.cases.create(NewCase(title="t", category="neighbour", source="application",
                                     area_code="C.T1.C1"), actor="t")
    core.close()
    d = _deployment(url, ["virtue"], tmp_path)
    d.upgrade()
    assert "virtue" in d.migration_status()
    with d.engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM virtue_register_records")).scalar() == 0
    from suyuan_virtue.registers import Registers
    from vt_testkit import correction, record_pias
    record_pias(d)
    Registers(d).add(access(d, "sfs", ("correction_officer", "C")), correction())
    d.close()
    off = _deployment(url, [], tmp_path)
    off.upgrade()
    assert off.cases.get(case.id).title == "t"
    assert "correction_officer" not in off.roles
    off.close()
    again = _deployment(url, ["virtue"], tmp_path)
    again.upgrade()
    with again.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(m.register_records)) == 1
    again.close()


def test_registrations(d):
    for role in ("correction_officer", "resettlement_officer", "judicial_authority",
                 "privacy_officer", "counsellor", "psychiatric_staff", "social_worker",
                 "civil_affairs_officer", "marriage_mediator"):
        assert role in d.roles
    assert "youth_12355" in d.sources and "women_federation" in d.sources
    # the law's roles only: nobody else holds the sealed-record right
    holders = sorted(r.code for r in d.roles if "virtue.sealed.read" in r.permissions)
    assert holders == ["judicial_authority"]
    # the core's official and supervisor get none of the register rights
    for code in ("official", "supervisor", "admin"):
        perms = d.roles.get(code).permissions
        assert not any(p.startswith(("virtue.community_correction", "virtue.resettlement",
                                     "virtue.counselling", "virtue.guardianship")) for p in perms)


# -- marriage and family disputes --------------------------------------------------------------
@pytest.fixture
def marriage(d):
    d.roster.save([Person(external_id="HY1", name="婚姻调解师甲", roles=("marriage_mediator",),
                          areas=("C.T1",), gender="female"),
                   Person(external_id="HY2", name="婚姻调解师乙", roles=("marriage_mediator",),
                          areas=("C.T2",), gender="female")])
    d.roster.save_organisations([Organisation(external_id="QY1", name="一镇亲友调解团",
                                              kind="kin_mediation_team", area_code="C.T1.C1")])
    return d


def _case(d, category="marriage_family", area="C.T1.C1.G1"):
    at = dt.datetime(2026, 3, 2, 9, tzinfo=CST)
    case = d.cases.create(NewCase(title="夫妻感情纠纷", category=category, source="application",
                                  area_code=area, occurred_at=at,
                                  parties=[{"name": "甲", "role": "applicant"}]), actor="t")
    return d.cases.act(case.id, "accept", actor="t", occurred_at=at + dt.timedelta(hours=1))


def test_a_marriage_dispute_goes_to_a_mediator_and_a_kin_team_together(marriage):
    d = marriage
    case = _case(d)
    proposals = d.routing.propose(case)
    ours = [(p.handler_kind, p.handler_id) for p in proposals if p.provider == "virtue"]
    assert ours == [("person", "HY1"), ("organisation", "QY1")]
    assert all("一同派单" in p.reason for p in proposals if p.provider == "virtue")
    after = Marriage(d).dispatch(case.id, actor="t")
    assert set(after.assignees) == {"person:HY1", "organisation:QY1"}
    assert [c["channel"] for c in Marriage(d).channels(case.id)] == [
        "kin_mediation_team", "marriage_mediator"]
    Marriage(d).outcome(case.id, "marriage_mediator", "success", actor="t")
    Marriage(d).outcome(case.id, "kin_mediation_team", "failure", actor="t")
    kinds = [e.kind for e in d.cases.timeline(case.id)]
    assert kinds.count("virtue.channel_outcome") == 2
    # a second case: both channels succeed
    two = _case(d)
    Marriage(d).dispatch(two.id, actor="t")
    for ch in ("marriage_mediator", "kin_mediation_team"):
        Marriage(d).outcome(two.id, ch, "success", actor="t")
    year = Period("year", dt.datetime.now(CST).date().replace(month=1, day=1))
    pro = d.metric_service.figure("marriage_mediator_success_rate", "C", year)
    kin = d.metric_service.figure("kin_team_success_rate", "C", year)
    assert (pro.value, kin.value) == (100.0, 50.0)
    assert d.metric_service.drill("kin_team_success_rate", "C", year) == [two.id]
    assert d.metric_service.drill("kin_team_success_rate", "C", year,
                                  part="denominator") == sorted([case.id, two.id])


def test_a_case_assigned_by_hand_to_both_records_both_channels(marriage):
    d = marriage
    case = _case(d)
    d.cases.act(case.id, "assign", actor="t",
                data={"assignees": ["person:HY1", "organisation:QY1"]})
    assert len(Marriage(d).channels(case.id)) == 2
    other = _case(d, category="neighbour")
    d.cases.act(other.id, "assign", actor="t", data={"assignees": ["person:HY1"]})
    assert Marriage(d).channels(other.id) == []
    # the case's category, not the request, is wrong: a conflict with its state (409)
    with pytest.raises(Conflict) as err:
        Marriage(d).dispatch(other.id, actor="t")
    assert err.value.rule == "marriage_category" and err.value.status_code == 409
    with pytest.raises(ValidationError) as err:
        Marriage(d).outcome(case.id, "gossip", "success", actor="t")
    assert err.value.field == "channel"
    n = count(d, m.channels)
    far = _case(d, area="C.T2.C1.G1")  # a mediator but no kin team covers town 2
    with pytest.raises(Exception) as err:
        Marriage(d).dispatch(far.id, actor="t")
    assert "kin mediation team" in str(err.value)
    assert count(d, m.channels) == n and d.cases.get(far.id).status.value == "accepted"


# -- moral-model selection ------------------------------------------------------------------------
@pytest.fixture
def voting(d):
    p = user(d, "off", ("official", "C.T1"))
    sel = Selections(d)
    sid = sel.create(p, kind="moral_model", title="2026年度道德模范", year=2026,
                     area_code="C.T1", places=1)
    a = sel.nominate(p, sid, nominee="赵大娘", area_code="C.T1.C1", deeds="照顾孤寡老人二十年")
    b = sel.nominate(p, sid, nominee="钱师傅", area_code="C.T1.C2", deeds="义务修路")
    c = sel.nominate(p, sid, nominee="孙某", area_code="C.T1.C2", deeds="材料不实")
    sel.review(p, a, approve=True)
    sel.review(p, b, approve=True)
    sel.review(p, c, approve=False, note="事迹不实")
    return d, p, sel, sid, a, b, c


def test_every_step_is_an_event_and_the_notice_period_holds(voting):
    _d, p, sel, sid, a, b, c = voting
    with pytest.raises(Conflict) as err:  # the selection is not on notice yet: 409
        sel.open_vote(p, sid, "2026-05-01")
    assert err.value.rule == "status"
    until = sel.start_notice(p, sid, "2026-05-01")
    assert until == dt.date(2026, 5, 8)  # 7 days, the start day not counted
    with pytest.raises(ValidationError) as err:
        sel.open_vote(p, sid, "2026-05-08")
    assert err.value.rule == "notice_period"
    sel.open_vote(p, sid, "2026-05-09")
    with pytest.raises(ValidationError) as err:
        sel.vote(p, sid, nomination_id=c, household="HH0001")
    assert err.value.rule == "on_ballot"
    sel.vote(p, sid, nomination_id=a, household="HH0001")
    sel.vote(p, sid, nomination_id=a, household="HH0002")
    sel.vote(p, sid, nomination_id=b, household="HH0003")
    with pytest.raises(Conflict):  # 409: not disclosed before the award
        sel.results(sid)
    results = sel.award(p, sid)
    assert [(r["nominee"], r["votes"], r["awarded"]) for r in results] == [
        ("赵大娘", 2, True), ("钱师傅", 1, False)]
    kinds = [e["kind"] for e in sel.get(sid)["events"]]
    assert kinds == ["created", "nominated", "nominated", "nominated", "reviewed", "reviewed",
                     "reviewed", "notice", "vote_opened", "voted", "voted", "voted", "awarded"]


def test_a_second_vote_from_the_same_household_is_refused_and_writes_nothing(voting):
    d, p, sel, sid, a, b, _c = voting
    sel.start_notice(p, sid, "2026-05-01")
    sel.open_vote(p, sid, "2026-05-09")
    sel.vote(p, sid, nomination_id=a, household="HH0001")
    before = (count(d, m.votes), count(d, m.selection_events), len(d.audit.search(limit=1000)))
    for nomination in (a, b):
        with pytest.raises(AlreadyVoted) as err:
            sel.vote(p, sid, nomination_id=nomination, household="HH0001")
        assert (err.value.field, err.value.rule) == ("household", "one_vote_per_household")
        assert err.value.status_code == 409
    with pytest.raises(AlreadyVoted):  # spelled with spaces around it: the same household
        sel.vote(p, sid, nomination_id=b, household=" HH0001 ")
    after = (count(d, m.votes), count(d, m.selection_events), len(d.audit.search(limit=1000)))
    assert after == before


def test_the_unique_constraint_backs_the_rule(voting):
    d, p, sel, sid, a, b, _c = voting
    sel.start_notice(p, sid, "2026-05-01")
    sel.open_vote(p, sid, "2026-05-09")
    sel.vote(p, sid, nomination_id=a, household="HH0009")
    with pytest.raises(sa.exc.IntegrityError), d.transaction() as s:
        s.execute(m.votes.insert(), {"selection_id": sid, "nomination_id": b,
                                     "household": "HH0009", "voter": "x",
                                     "cast_at": dt.datetime(2026, 5, 10)})
    assert count(d, m.votes) == 1


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"kind": "beauty"}, "kind"), ({"year": 1900}, "year"), ({"places": 0}, "places"),
    ({"notice_days": 0}, "notice_days"), ({"area_code": "X"}, "area_code")])
def test_bad_selections_are_refused(d, kwargs, field):
    p = user(d, "off", ("official", "C"))
    values = {"kind": "moral_model", "title": "t", "year": 2026, "area_code": "C", "places": 1,
              **kwargs}
    with pytest.raises(ValidationError) as err:
        Selections(d).create(p, **values)
    assert err.value.field == field
    assert count(d, m.selections) == 0
