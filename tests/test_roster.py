"""Roster import: all-or-nothing, idempotent on external_id, checked against roles and areas."""

from __future__ import annotations

from suyuan_core.testing import run_cli

HEADER = "external_id,name,roles,areas,gender,employment,specialities,capacity\n"


def test_roster_import_update_and_list(deployment, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text(HEADER + "M1,王大姐,mediator,C.T1.C1,female,full_time,婚姻家庭;邻里,12\n"
                 "M2,李老,mediator;lawyer,C.T1,male,part_time,合同,5\n", encoding="utf-8")
    assert "2 added, 0 updated" in run_cli(deployment, "roster", "import", str(f)).stdout
    assert "0 added, 2 updated" in run_cli(deployment, "roster", "import", str(f)).stdout
    people = list(deployment.roster.list(role="lawyer"))
    assert [(p.external_id, p.roles, p.capacity) for p in people] == [
        ("M2", ("lawyer", "mediator"), 5)]
    assert [p.external_id for p in deployment.roster.list(area_code="C.T1")] == ["M1", "M2"]
    listed = run_cli(deployment, "roster", "list", "--role", "mediator")
    assert listed.exit_code == 0 and "王大姐" in listed.stdout


def test_bad_roster_rows_write_nothing(deployment, tmp_path):
    f = tmp_path / "r.csv"
    for body, expected in [
        ("M1,甲,mediator,C.T1.C1,female,full_time,,3\nM1,乙,mediator,C.T1.C1,female,,,3\n",
         "line 3, field 'external_id': 'M1' is a duplicate: it already appears on line 2"),
        ("M1,甲,wizard,C.T1.C1,female,full_time,,3\n", "unknown role 'wizard'"),
        ("M1,甲,mediator,X.Y,female,full_time,,3\n", "unknown area 'X.Y'"),
        ("M1,甲,mediator,C.T1.C1,female,full_time,,many\n", "'many' is not a whole number"),
        ("M1,甲,mediator,C.T1.C1,robot,full_time,,3\n", "Person.gender"),
    ]:
        f.write_text(HEADER + body, encoding="utf-8")
        result = run_cli(deployment, "roster", "import", str(f))
        assert result.exit_code == 1, body
        assert expected in result.stderr, (expected, result.stderr)
        assert deployment.roster.count() == 0


def test_core_routing_proposes_covering_members_by_distance_and_load(deployment, factories):
    factories.person(external_id="NEAR", areas=("C.T1.C1",), capacity=4)
    factories.person(external_id="FAR", areas=("C.T1",), capacity=4)
    factories.person(external_id="OTHER", areas=("C.T2",), capacity=4)
    factories.person(external_id="GRID", roles=("grid_worker",), areas=("C.T1.C1",))
    case = factories.case("accepted", area_code="C.T1.C1")
    proposals = deployment.routing.propose(case)
    assert [p.handler_id for p in proposals] == ["NEAR", "FAR"]
    assert proposals[0].score > proposals[1].score and "covers" in proposals[0].reason
    for _ in range(4):
        busy = factories.case("accepted", area_code="C.T1.C1")
        deployment.cases.act(busy.id, "assign", actor="t", data={"assignees": ["person:NEAR"]})
    assert [p.handler_id for p in deployment.routing.propose(case)] == ["FAR"]  # NEAR is full


def test_organisations_then_members(deployment, tmp_path):
    orgs = tmp_path / "o.csv"
    orgs.write_text("external_id,name,kind,area_code\nMC-1,沱源社区人民调解委员会,"
                    "mediation_committee,C.T1.C1\n", encoding="utf-8")
    assert "1 imported" in run_cli(deployment, "roster", "import-organisations", str(orgs)).stdout
    people = tmp_path / "p.csv"
    people.write_text("external_id,name,roles,areas,organisation\nM1,张大爷,mediator,C.T1.C1,MC-1\n"
                      "M2,李四,mediator,C.T1.C1,MC-404\n", encoding="utf-8")
    result = run_cli(deployment, "roster", "import", str(people))
    assert result.exit_code == 1 and "line 3, field 'Person.organisation'" in result.stderr
    assert deployment.roster.count() == 0
    orgs.write_text("external_id,name,kind,area_code\nX,名,mediation_committee,NOWHERE\n",
                    encoding="utf-8")
    bad = run_cli(deployment, "roster", "import-organisations", str(orgs))
    assert bad.exit_code == 1 and "unknown area 'NOWHERE'" in bad.stderr


def test_people_carry_their_organisation(deployment):
    """``roster.people()`` gives each member the organisation they were saved with (a plugin
    reading the roster sees what ``roster import`` wrote)."""
    from suyuan_core import Organisation, Person

    deployment.roster.save_organisations([Organisation(
        external_id="MC-1", name="沱源社区人民调解委员会", kind="mediation_committee",
        area_code="C.T1.C1")])
    deployment.roster.save([
        Person(external_id="M1", name="张大爷", roles=("mediator",), areas=("C.T1.C1",),
               organisation="MC-1"),
        Person(external_id="M2", name="李四", roles=("mediator",), areas=("C.T1.C1",))])
    found = {p.external_id: p.organisation for p in deployment.roster.people()}
    assert found == {"M1": "MC-1", "M2": None}
