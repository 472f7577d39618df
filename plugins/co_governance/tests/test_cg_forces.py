"""Party organisations and groups, Party members joining teams and cases, the social forces on
the roster, participation as case events and figures, and volunteer hours (never in the
future)."""

from __future__ import annotations

import datetime as dt

import pytest
from cg_testkit import ORGS, PEOPLE, at, count, new_case
from suyuan_co_governance import models as m
from suyuan_co_governance.party import PartyOrgInput, TeamInput
from suyuan_co_governance.social import HoursInput, ParticipationInput

from suyuan_core import Conflict, NotFound, Organisation, Period, ValidationError

MARCH = Period("month", dt.date(2026, 3, 1))


@pytest.fixture
def forces(cg):
    cg.forces.save_people(PEOPLE)
    cg.forces.save_orgs(ORGS)
    cg.d.roster.save_organisations([
        Organisation(external_id="MC1", name="一社区人民调解委员会", kind="mediation_committee",
                     area_code="C.T1.C1"),
        Organisation(external_id="MC2", name="二社区人民调解委员会", kind="mediation_committee",
                     area_code="C.T1.C2"),
        Organisation(external_id="MC3", name="二镇调解委员会", kind="mediation_committee",
                     area_code="C.T2")])
    return cg


def test_party_organisations_groups_and_the_bodies_figure(forces):
    cg = forces
    cg.party.save_org(PartyOrgInput(external_id="PO1", name="一社区党委", kind="branch",
                                    area_code="C.T1.C1", secretary="PM1"))
    cg.party.save_org(PartyOrgInput(external_id="PG1", name="一社区调委会党小组", kind="group",
                                    area_code="C.T1.C1", host="MC1"))
    cg.party.add_member("PM1", "PO1", "2015-07-01")
    cg.party.add_member("PM2", "PG1")
    orgs = {o["external_id"]: o for o in cg.party.orgs()}
    assert orgs["PO1"]["secretary"] == "PM1" and orgs["PO1"]["members"] == 1
    assert orgs["PG1"]["host"] == "MC1" and orgs["PG1"]["kind"] == "group"
    assert cg.party.bodies_figure("C") == (1, 3)
    assert cg.party.bodies_figure("C.T1") == (1, 2)
    assert [b["external_id"] for b in cg.party.bodies("C", with_group=True)] == ["MC1"]
    assert [b["external_id"] for b in cg.party.bodies("C", with_group=False)] == ["MC2", "MC3"]
    figure = cg.d.metric_service.figure("mediation_bodies_with_party_group", "C", MARCH)
    assert (figure.num, figure.den) == (1, 3)
    branches = cg.d.metric_service.figure("communities_with_party_org", "C", MARCH)
    assert (branches.num, branches.den) == (1, 4)


@pytest.mark.parametrize("changes, field", [
    ({"kind": "group"}, "host"),
    ({"kind": "group", "host": "SO-SW"}, "host"),
    ({"host": "MC1"}, "host"),
    ({"secretary": "V1"}, "secretary"),
    ({"kind": "cell"}, "kind"),
    ({"founded_on": "2999-01-01"}, "founded_on"),
])
def test_a_bad_party_organisation_is_refused_and_writes_nothing(forces, changes, field):
    values = dict(external_id="PO1", name="一社区党委", kind="branch", area_code="C.T1.C1")
    values.update(changes)
    with pytest.raises((ValidationError, NotFound)) as exc:
        forces.party.save_org(PartyOrgInput(**values))
    assert exc.value.field == field
    assert count(forces.d, m.party_orgs) == 0


def test_party_members_join_teams(forces):
    cg = forces
    joined = cg.party.join_team(TeamInput(person="PM1", body="MC1", team="mediation",
                                          joined_on="2026-01-05"))
    assert joined["party_member"] is True
    cg.party.join_team(TeamInput(person="V1", body="MC1", team="prevention",
                                 joined_on="2026-01-05"))
    teams = cg.party.teams()
    assert [(t["person"], t["team"], t["party_member"]) for t in teams] == [
        ("PM1", "mediation", True), ("V1", "prevention", False)]
    with pytest.raises(ValidationError) as exc:
        cg.party.join_team(TeamInput(person="PM1", body="MC1", team="mediation",
                                     joined_on="2999-01-01"))
    assert exc.value.rule == "not_future"
    with pytest.raises(ValidationError):
        cg.party.add_member("V1", "PO-NOPE")


def test_party_participation_is_a_case_event_and_counts_cases_not_people(forces):
    cg, d = forces, forces.d
    case = new_case(d, when="2026-03-02")
    other = new_case(d, when="2026-03-03")
    for who, role, day in (("PM1", "mediator", "2026-03-04"), ("PM2", "co_mediator", "2026-03-05")):
        cg.forces.participate(ParticipationInput(force="party_member", role=role, person=who,
                                                 case_id=case.id,
                                                 occurred_at=at(day).isoformat()), actor="t")
    cg.forces.participate(ParticipationInput(force="social_org", role="adviser",
                                             organisation="SO-AYX", case_id=other.id,
                                             occurred_at=at("2026-03-06").isoformat()),
                          actor="t")
    timeline = d.cases.timeline(case.id)
    joined = [e for e in timeline if e.kind == "co_governance.participation"]
    assert [(e.data["person"], e.data["role"], e.data["first_party"]) for e in joined] == [
        ("PM1", "mediator", True), ("PM2", "co_mediator", False)]
    svc = d.metric_service
    cases = svc.figure("cases_with_party_participation", "C", MARCH)
    people = svc.figure("party_member_participations", "C", MARCH)
    social = svc.figure("social_force_participations", "C", MARCH)
    assert (cases.value, people.value, social.value) == (1, 2, 1)
    assert svc.drill("cases_with_party_participation", "C", MARCH) == [case.id]
    assert svc.drill("social_force_participations", "C", MARCH) == [other.id]
    rows = cg.forces.participations(case_id=case.id)
    assert [(r["person"], r["force"]) for r in rows] == [("PM1", "party_member"),
                                                         ("PM2", "party_member")]


def test_a_force_the_person_does_not_hold_is_the_rosters_state(forces):
    """PM1 is no volunteer: the roster may say so later, so a 409 (the document's), not a 422."""
    case = new_case(forces.d)
    with pytest.raises(Conflict) as exc:
        forces.forces.participate(ParticipationInput(force="volunteer", role="mediator",
                                                     person="PM1", case_id=case.id), actor="t")
    assert (exc.value.field, exc.value.rule) == ("force", "role")
    assert count(forces.d, m.participations) == 0


@pytest.mark.parametrize("changes, field", [
    ({"force": "social_org"}, "organisation"),              # an organisation force needs an org
    ({"role": "boss"}, "role"),
    ({"person": None}, "person"),
    ({"occurred_at": "2999-01-01T10:00+08:00"}, "occurred_at"),
    ({"occurred_at": "2026-03-04T10:00"}, "occurred_at"),
    ({"case_id": None}, "case_id"),
])
def test_a_bad_participation_is_refused_and_writes_nothing(forces, changes, field):
    d = forces.d
    case = new_case(d)
    values = dict(force="party_member", role="mediator", person="PM1", case_id=case.id)
    values.update(changes)
    with pytest.raises(ValidationError) as exc:
        forces.forces.participate(ParticipationInput(**values), actor="t")
    assert exc.value.field == field
    assert count(d, m.participations) == 0
    assert [e.kind for e in d.cases.timeline(case.id)] == ["reported", "accept"]


def test_activity_participation_needs_no_case(forces):
    row = forces.forces.participate(ParticipationInput(
        force="deputy", role="visitor", person="DEP1", activity="两代表一委员进社区",
        area_code="C.T1.C1", occurred_at=at("2026-03-08").isoformat()), actor="t")
    assert row["case_id"] is None
    assert forces.forces.activity_participation("C", MARCH) == (1, 0)


def test_volunteer_hours_and_their_figure(forces):
    cg = forces
    cg.forces.record_hours(HoursInput(volunteer="V1", served_on="2026-03-02", hours=2.5,
                                      activity="法治志愿服务", organisation="SO-SW"), actor="t")
    cg.forces.record_hours(HoursInput(volunteer="V1", served_on="2026-03-09", hours=1,
                                      activity="陪同调解"), actor="t")
    figure = cg.d.metric_service.figure("volunteer_service_hours", "C", MARCH)
    assert (figure.num, figure.den) == (3, 2)  # 3.5 hours → 3 whole hours, 2 entries
    assert [h["hours"] for h in cg.forces.hours(period=MARCH)] == [2.5, 1.0]
    assert {p["external_id"]: p["hours"] for p in cg.forces.people(force="volunteer")} == {
        "V1": 3.5}


@pytest.mark.parametrize("changes, field, rule", [
    ({"served_on": "2999-01-01"}, "served_on", "not_future"),
    ({"hours": 0}, "hours", "range"),
    ({"hours": 13}, "hours", "range"),
    ({"hours": True}, "hours", "range"),
    ({"activity": ""}, "activity", "required"),
])  # a roster member who is no volunteer is a 409: test_cg_api_schema.py
def test_bad_volunteer_hours_are_refused_and_write_nothing(forces, changes, field, rule):
    values = dict(volunteer="V1", served_on="2026-03-02", hours=2, activity="普法")
    values.update(changes)
    with pytest.raises(ValidationError) as exc:
        forces.forces.record_hours(HoursInput(**values), actor="t")
    assert (exc.value.field, exc.value.rule) == (field, rule)
    assert count(forces.d, m.service_hours) == 0


def test_tomorrow_is_the_future(forces):
    from suyuan_co_governance.common import today

    tomorrow = today(forces.d) + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        forces.forces.record_hours(HoursInput(volunteer="V1", served_on=tomorrow.isoformat(),
                                              hours=1, activity="普法"), actor="t")
    assert exc.value.rule == "not_future"
    forces.forces.record_hours(HoursInput(volunteer="V1", served_on=today(forces.d).isoformat(),
                                          hours=1, activity="普法"), actor="t")
    assert count(forces.d, m.service_hours) == 1


def test_social_forces_are_roster_people_and_organisations(forces):
    people = {p["external_id"]: p for p in forces.forces.people()}
    assert people["DEP1"]["force"] == "deputy" and people["DEP1"]["detail"] == "npc_deputy"
    assert people["RJ1"]["force"] == "retired_judicial"
    person = next(forces.d.roster.list(external_ids=["DEP1"]))
    assert "deputy" in person.roles
    kinds = {o["external_id"]: o["kind"] for o in forces.forces.orgs()}
    assert kinds["SO-SW"] == "social_org" and kinds["LS"] == "law_society"
    from suyuan_co_governance.social import ForcePersonInput

    with pytest.raises(ValidationError) as exc:
        forces.forces.save_people([ForcePersonInput(external_id="DEP2", name="某", force="deputy",
                                                    areas=["C"], detail="mayor")])
    assert exc.value.field == "detail"
    # a mediator who is also a Party member keeps her mediator role
    forces.d.roster.save([__import__("suyuan_core").Person(
        external_id="M9", name="调解员", roles=("mediator",), areas=("C.T1.C1",))])
    forces.forces.save_people([ForcePersonInput(external_id="M9", name="调解员",
                                                force="party_member", areas=["C.T1.C1"])])
    assert set(next(forces.d.roster.list(external_ids=["M9"])).roles) == {"mediator",
                                                                          "party_member"}


def test_standing_party_figures_count_what_stood_on_the_periods_last_day(forces):
    cg = forces
    cg.party.save_org(PartyOrgInput(external_id="PO1", name="一社区党委", kind="branch",
                                    area_code="C.T1.C1", founded_on="2026-02-10"))
    cg.party.save_org(PartyOrgInput(external_id="PG1", name="一社区调委会党小组", kind="group",
                                    area_code="C.T1.C1", host="MC1", founded_on="2026-03-15"))
    svc = cg.d.metric_service
    feb, mar = Period("month", dt.date(2026, 2, 1)), MARCH
    assert (svc.figure("mediation_bodies_with_party_group", "C", feb).num,
            svc.figure("mediation_bodies_with_party_group", "C", mar).num) == (0, 1)
    assert svc.records("mediation_bodies_with_party_group", "C", mar) == ["organisation:MC1"]
    assert svc.records("mediation_bodies_with_party_group", "C", mar, part="denominator") == [
        "organisation:MC1", "organisation:MC2", "organisation:MC3"]
    jan = Period("month", dt.date(2026, 1, 1))
    assert svc.figure("communities_with_party_org", "C", jan).num == 0
    assert svc.records("communities_with_party_org", "C", feb) == ["area:C.T1.C1"]
    assert len(svc.records("communities_with_party_org", "C", feb, part="denominator")) == 4


def test_an_id_with_spaces_around_it_is_saved_as_the_roster_keeps_it(forces):
    """The roster trims an external id; the force's profile is looked up by the trimmed id (a
    padded id once reached a KeyError, a 500 on POST /people)."""
    from suyuan_co_governance.social import ForcePersonInput

    d = forces.d
    for padded in (" V-PAD ", "V-PAD\u00a0"):
        forces.forces.save_people([ForcePersonInput(external_id=padded, name="志愿者",
                                                    force="volunteer", areas=("C.T1.C1",))])
    assert [p["external_id"] for p in forces.forces.people(force="volunteer")
            if p["external_id"].startswith("V-PAD")] == ["V-PAD"]
    assert d.roster.get("V-PAD").roles == ("volunteer",)
