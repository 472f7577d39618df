"""Moving a deployment by export and import (issue 14 point 6): ``roster export-organisations``
and ``roster export`` → ``roster import-organisations`` and ``roster import`` into a fresh
deployment → ``cases export --with-events`` → ``cases import --keep-ids``, on a deployment whose
cases are assigned to bodies and people that plugins made (self_governance's mediators and their
mediation committee, smart's handling units declared by configuration). Everything the move
carries compares equal, and ``metrics verify`` and ``integrity`` pass on the copy."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import text
from suyuan_self_governance.roster import BodyInput, MediatorInput
from suyuan_self_governance.service import service as sg_service

from suyuan_core import NewCase, Organisation, Person
from suyuan_core.testing import run_cli

PLUGINS = ["self_governance", "smart"]
CONFIG = {"plugins": {"smart": {
    "units": [{"code": "CG", "name": "县城管局", "categories": ["urban_management"],
               "areas": ["C"]}],
    "default_area": "C.T1.C1", "webhook_secret": "s3cret", "messaging_secret": "m3ssage"}}}
MEDIATORS = [
    MediatorInput(external_id="M1", name="王秀英", background="veteran_party_member",
                  areas=("C.T1.C1",), gender="female", employment="full_time",
                  specialities=("neighbour", "marriage_family"), capacity=5),
    MediatorInput(external_id="M4", name="赵德明", background="veteran_cadre", areas=("C.T1.C1",),
                  gender="male"),
    MediatorInput(external_id="M5", name="陈国华", background="veteran_legal", areas=("C.T1.C1",),
                  gender="male"),
]


def _populate(d: Any) -> None:
    sg = sg_service(d)
    sg.roster.save_mediators(MEDIATORS)
    sg.roster.save_body(BodyInput(
        external_id="MC1", name="一社区人民调解委员会", kind="mediation_committee",
        area_code="C.T1.C1", members=[{"person": "M1", "position": "chair"}, "M4", "M5"],
        term_start="2025-01-01", elected_by="2024年居民会议"))
    with d.transaction() as s:  # a phone to carry (mediators are added without one)
        s.execute(text("UPDATE persons SET phone = '13800000001' WHERE external_id = 'M1'"))
    for i, assignees in enumerate((["organisation:MC1"], ["person:M1"], ["organisation:CG"],
                                   ["organisation:MC1", "person:M4"])):
        case = d.cases.create(NewCase(title=f"纠纷{i}", category="neighbour",
                                      source="application", area_code="C.T1.C1.G1",
                                      parties=[{"name": "刘大妈", "role": "applicant"}]),
                              actor="t")
        d.cases.act(case.id, "accept", actor="t")
        d.cases.act(case.id, "assign", actor="t", data={"assignees": assignees})
        if i % 2:
            d.cases.act(case.id, "start", actor="t")


def _roster(d: Any) -> tuple[list[Any], ...]:
    """The roster as rows keyed by external ids (database ids differ between deployments)."""
    queries = (
        "SELECT external_id, name, kind, area_code FROM organisations ORDER BY external_id",
        "SELECT p.external_id, p.name, p.gender, p.employment, p.specialities, p.capacity, "
        "p.phone, o.external_id AS org, p.active_from, p.active_to FROM persons p LEFT JOIN "
        "organisations o ON o.id = p.organisation_id ORDER BY p.external_id",
        "SELECT p.external_id, r.role FROM person_roles r JOIN persons p ON p.id = r.person_id "
        "ORDER BY 1, 2",
        "SELECT p.external_id, a.area_code FROM person_areas a JOIN persons p "
        "ON p.id = a.person_id ORDER BY 1, 2")
    with d.engine.connect() as conn:
        return tuple([tuple(r) for r in conn.execute(text(q))] for q in queries)


def _rows(d: Any, table: str, order: str) -> list[dict[str, Any]]:
    with d.engine.connect() as conn:
        return [{k: v for k, v in dict(r).items() if k != "id"}
                for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY {order}")).mappings()]


def test_the_whole_move_carries_plugin_made_bodies_and_people(make_deployment: Any,
                                                             tmp_path: Path) -> None:
    source = make_deployment(plugins=PLUGINS, config=CONFIG)
    _populate(source)
    orgs, people, cases = (tmp_path / n for n in ("orgs.csv", "people.csv", "cases.jsonl"))
    for args in (("roster", "export-organisations", str(orgs)),
                 ("roster", "export", str(people), "--personal-data", "--reason", "迁移到新服务器"),
                 ("cases", "export", str(cases), "--with-events", "--personal-data",
                  "--reason", "迁移到新服务器")):
        r = run_cli(source, *args)
        assert r.exit_code == 0, (args, r.output)
    exported = {row["external_id"]: row for row in csv.DictReader(people.open(encoding="utf-8"))}
    assert exported["M1"]["phone"] == "13800000001" and exported["M1"]["roles"] == "mediator"
    assert {"MC1", "CG"} <= {row["external_id"] for row in csv.DictReader(orgs.open())}

    copy = make_deployment(plugins=PLUGINS, config=CONFIG)
    for args in (("roster", "import-organisations", str(orgs)), ("roster", "import", str(people)),
                 ("cases", "import", str(cases), "--keep-ids", "--batch-size", "3")):
        r = run_cli(copy, *args)
        assert r.exit_code == 0, (args, r.output)
    assert _roster(copy) == _roster(source)
    assert len(_roster(copy)[1]) == 3 and len(_roster(copy)[0]) >= 2
    assert _rows(copy, "cases", "id") == _rows(source, "cases", "id")
    assert _rows(copy, "case_events", "case_id, seq") == _rows(source, "case_events",
                                                               "case_id, seq")
    heads = "SELECT * FROM chain_heads WHERE chain LIKE 'case:%' ORDER BY chain"
    with source.engine.connect() as a, copy.engine.connect() as b:
        assert [tuple(r) for r in a.execute(text(heads))] == [tuple(r) for r in
                                                                b.execute(text(heads))]
    assert run_cli(copy, "metrics", "verify").exit_code == 0
    assert run_cli(copy, "integrity").exit_code == 0


def test_roster_export_masks_phones_unless_asked_and_audits_when_asked(make_deployment: Any,
                                                                       tmp_path: Path) -> None:
    d = make_deployment()
    d.roster.save([Person(external_id="A1", name="甲", roles="mediator", areas="C.T1.C1",
                          phone="13912345678")])
    out = tmp_path / "people.csv"
    r = run_cli(d, "roster", "export", str(out))
    assert r.exit_code == 0, r.output
    (row,) = csv.DictReader(out.open(encoding="utf-8"))
    assert row["phone"] != "13912345678" and row["phone"].endswith("5678")
    assert "13912345678" not in out.read_text(encoding="utf-8")
    audited = "SELECT count(*) FROM audit_log WHERE action = 'roster.export.personal_data'"
    with d.engine.connect() as conn:
        assert conn.execute(text(audited)).scalar() == 0
    r = run_cli(d, "roster", "export", str(tmp_path / "x.csv"), "--personal-data")
    assert r.exit_code == 1 and "reason" in r.stderr and not (tmp_path / "x.csv").exists()
    r = run_cli(d, "roster", "export", str(out), "--personal-data", "--reason", "移交司法局")
    assert r.exit_code == 0, r.output
    (row,) = csv.DictReader(out.open(encoding="utf-8"))
    assert row["phone"] == "13912345678"
    with d.engine.connect() as conn:
        assert conn.execute(text(audited)).scalar() == 1


def test_roster_export_to_a_directory_is_one_line(deployment: Any, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    for cmd in ("export", "export-organisations"):
        r = run_cli(deployment, "roster", cmd, str(target))
        assert r.exit_code != 0 and "Traceback" not in r.output
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert list(target.iterdir()) == []


def test_roster_export_reads_in_pages_and_loses_no_one(deployment: Any, tmp_path: Path,
                                                       monkeypatch: Any) -> None:
    import suyuan_core.roster.service as roster_service

    monkeypatch.setattr(roster_service, "EXPORT_PAGE", 2)  # 5 people, 3 orgs: several pages
    orgs = [Organisation(external_id=f"O{i}", name=f"委员会{i}", kind="mediation_committee",
                         area_code="C.T1.C1") for i in range(3)]
    deployment.roster.save_organisations(orgs)
    deployment.roster.save([Person(external_id=f"P{i}", name=f"成员{i}", roles="mediator",
                                   areas="C.T1.C1;C.T1.C2", organisation=f"O{i % 3}",
                                   specialities="neighbour;labour", active_from=dt.date(2025, 1, 1))
                            for i in range(5)])
    people, orgs_csv = tmp_path / "p.csv", tmp_path / "o.csv"
    assert run_cli(deployment, "roster", "export", str(people)).exit_code == 0
    assert run_cli(deployment, "roster", "export-organisations", str(orgs_csv)).exit_code == 0
    rows = list(csv.DictReader(people.open(encoding="utf-8")))
    assert [r["external_id"] for r in rows] == [f"P{i}" for i in range(5)]
    assert [r["organisation"] for r in rows] == [f"O{i % 3}" for i in range(5)]
    assert {r["areas"] for r in rows} == {"C.T1.C1;C.T1.C2"}
    assert {r["active_from"] for r in rows} == {"2025-01-01"}
    assert [r["external_id"] for r in csv.DictReader(orgs_csv.open(encoding="utf-8"))] == [
        "O0", "O1", "O2"]
