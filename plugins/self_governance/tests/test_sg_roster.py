"""Mediator roster, committees (People's Mediation Law Art 8–9), studios, the Art 32 bar."""

from __future__ import annotations

import datetime as dt

import pytest
from sg_testkit import committee_input, count, person
from suyuan_self_governance import models as m
from suyuan_self_governance.roster import BodyInput

from suyuan_core import ImportFailed, NotFound, ValidationError, tables

HEADER = "external_id,name,background,areas,gender,employment,specialities,capacity,phone\n"


def write(tmp_path, body: str):
    path = tmp_path / "mediators.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_import_mediators_with_profiles_and_reimport_updates(sg, tmp_path):
    path = write(tmp_path, "M1,王秀英,veteran_party_member,C.T1.C1,female,full_time,"
                           "neighbour;marriage_family,5,13900000001\n"
                           "M2,张律师,lawyer,C.T1,female,part_time,contract,8,13900000002\n")
    assert sg.roster.import_csv(path) == (2, 0)
    assert sg.roster.counts() == {"mediators": 2, "full_time": 1}
    lawyer = sg.d.roster.get("M2")
    assert set(lawyer.roles) == {"mediator", "lawyer"}
    rows = {r["external_id"]: r for r in sg.roster.mediators()}
    assert rows["M1"]["background"] == "veteran_party_member"
    assert rows["M1"]["specialities"] == ["neighbour", "marriage_family"]
    assert sg.roster.import_csv(path) == (0, 2)  # the same file again: updated in place
    assert sg.roster.counts()["mediators"] == 2


def test_duplicate_in_roster_import_names_both_lines_and_writes_nothing(sg, tmp_path):
    path = write(tmp_path, "M1,王秀英,veteran_party_member,C.T1.C1,female,full_time,,5,\n"
                           "M2,李建国,veteran_soldier,C.T1.C2,male,part_time,,5,\n"
                           "M1,王秀英,veteran_party_member,C.T1.C1,female,full_time,,5,\n")
    with pytest.raises(ImportFailed) as err:
        sg.roster.import_csv(path)
    assert "line 4" in str(err.value) and "line 2" in str(err.value) and "duplicate" in str(err.value)
    assert count(sg.d, tables.persons) == 0 and count(sg.d, m.mediators) == 0


def test_same_person_under_two_ids_is_a_duplicate(sg, tmp_path):
    path = write(tmp_path, "M1,王秀英,veteran_party_member,C.T1.C1,female,full_time,,5,13900000001\n"
                           "M9,王秀英,veteran_party_member,C.T1.C1,female,full_time,,5,13900000001\n")
    with pytest.raises(ImportFailed, match=r"line 3.*duplicate of 'M1' on line 2"):
        sg.roster.import_csv(path)
    assert count(sg.d, tables.persons) == 0
    sg.roster.import_csv(write(tmp_path, "M1,王秀英,veteran_party_member,C.T1.C1,female,full_time,,5,"
                                         "13900000001\n"))
    with pytest.raises(ImportFailed, match="already on the roster as 'M1'"):
        sg.roster.import_csv(write(tmp_path, "M7,王秀英,veteran_cadre,C.T1.C1,female,part_time,,5,"
                                             "13900000001\n"))
    assert count(sg.d, tables.persons) == 1


def test_bad_background_in_import_names_the_line_and_field(sg, tmp_path):
    with pytest.raises(ImportFailed, match="line 2, field 'background'"):
        sg.roster.import_csv(write(tmp_path, "M1,王秀英,retired_teacher,C.T1.C1,female,,,,\n"))
    assert count(sg.d, tables.persons) == 0


def test_committee_gets_a_three_year_term(committee):
    body = committee.roster.body("MC1")
    assert body.term_end == dt.date(2028, 1, 1)
    assert [m_["position"] for m_ in body.members] == ["chair", "member", "member"]


@pytest.mark.parametrize("changes, rule", [
    ({"members": [{"person": "M1", "position": "chair"}, "M4"]}, "mediation_law_art8_size"),
    ({"members": [{"person": "M1", "position": "chair"}, {"person": "M4", "position": "chair"},
                  "M5"]}, "mediation_law_art8_one_chair"),
    ({"members": ["M1", "M4", "M5"]}, "mediation_law_art8_one_chair"),
    ({"members": [{"person": "M4", "position": "chair"}, "M5", "M2"]}, "mediation_law_art8_woman"),
    ({"term_end": "2029-01-01"}, "mediation_law_art9_term"),
    ({"term_start": None}, "required"),
    ({"elected_by": None}, "required"),
    ({"area_code": "C.T1.C1.G1"}, "community_level"),
    ({"mixed_ethnic_area": True}, "mediation_law_art8_minority"),
])
def test_committee_composition_rules_refuse_and_write_nothing(roster, changes, rule):
    with pytest.raises(ValidationError) as err:
        roster.roster.save_body(committee_input(**changes))
    assert err.value.rule == rule
    assert count(roster.d, tables.organisations) == 0 and count(roster.d, m.body_members) == 0


def test_committee_of_ten_is_refused(roster):
    for i in range(6, 12):
        from suyuan_self_governance.roster import MediatorInput

        roster.roster.save_mediators([MediatorInput(external_id=f"M{i}", name=f"调解员{i}",
                                                    background="other", areas=("C.T1.C1",))])
    members = [{"person": "M1", "position": "chair"}, "M2", "M3", "M4", "M5",
               *[f"M{i}" for i in range(6, 11)]]
    with pytest.raises(ValidationError, match="3 to 9 members, not 10"):
        roster.roster.save_body(committee_input(members=members))
    assert roster.roster.save_body(committee_input(members=members[:9])).term_end is not None


def test_one_committee_per_community(committee):
    with pytest.raises(ValidationError, match="already has a mediation_committee"):
        committee.roster.save_body(committee_input(external_id="MC2"))


def test_studio_members_must_be_mediators(roster):
    person(roster.d, "G1", ("grid_worker",), ("C.T1.C1.G1",))
    studio = dict(external_id="ST1", name="王大姐调解室", kind="mediation_studio",
                  area_code="C.T1.C1")
    with pytest.raises(ValidationError, match="not a people's mediator"):
        roster.roster.save_body(BodyInput(**studio, members=[{"person": "M1", "position": "lead"},
                                                              "G1"]))
    body = roster.roster.save_body(BodyInput(**studio, members=[
        {"person": "M1", "position": "lead"}, "M4"]))
    assert body.name == "王大姐调解室" and len(body.members) == 2


def test_supervision_committee_bars_officers_and_their_close_relatives(roster):
    d = roster.d
    for pid in ("V1", "V2", "V3", "S1", "S2", "S3", "K1"):
        person(d, pid, ("official",), ("C.T1.C1",))
    roster.roster.save_body(BodyInput(external_id="VC1", name="一社区居委会",
                                      kind="villagers_committee", area_code="C.T1.C1",
                                      members=[{"person": "V1", "position": "chair"}, "V2", "V3"]))
    roster.roster.add_relative("V2", "K1", "spouse")
    sup = dict(external_id="SC1", name="一社区居务监督委员会", kind="supervision_committee",
               area_code="C.T1.C1")
    with pytest.raises(ValidationError, match=r"close relative .*spouse.* Art 32") as err:
        roster.roster.save_body(BodyInput(**sup, members=[{"person": "S1", "position": "chair"},
                                                          "K1"]))
    assert err.value.rule == "organic_law_art32_conflict"
    with pytest.raises(ValidationError, match="member of the villagers' committee"):
        roster.roster.save_body(BodyInput(**sup, members=[{"person": "S1", "position": "chair"},
                                                          "V3"]))
    with pytest.raises(NotFound):
        roster.roster.body("SC1")  # nothing written
    roster.roster.save_body(BodyInput(**sup, members=[{"person": "S1", "position": "chair"},
                                                      "S2"]))
    # a kinship recorded later that would make a sitting supervisor conflicted is refused too
    with pytest.raises(ValidationError, match="Art 32"):
        roster.roster.add_relative("S2", "V1", "sibling")
    assert count(d, m.relatives) == 2  # only V2 ↔ K1


def test_availability(roster):
    roster.roster.set_availability("M1", False, dt.date(2026, 4, 1))
    row = next(r for r in roster.roster.mediators() if r["external_id"] == "M1")
    assert row["available"] is False and row["unavailable_until"] == dt.date(2026, 4, 1)
    with pytest.raises(NotFound):
        roster.roster.set_availability("nobody", True)
