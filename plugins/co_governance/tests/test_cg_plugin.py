"""The plugin as a whole: registration, the CLI (one-line errors, nothing written), routing
through the core's ``cases route``, the demo data (as events, near its targets, verifiable), and
switching the plugin off and on again."""

from __future__ import annotations

import json

import sqlalchemy as sa
from cg_testkit import CONFIG, agriculture_committee, count, health_committee, new_case
from suyuan_co_governance import models as m
from suyuan_co_governance.demo import generate
from suyuan_co_governance.service import service

from suyuan_core import Deployment, NewCase
from suyuan_core.testing import reopened, run_cli


def test_registrations(d):
    assert d.plugin("co_governance").pillar == "co_governance"
    for role in ("party_member", "volunteer", "deputy", "retired_judicial", "retired_police"):
        assert role in d.roles
    assert "co_governance.ledger.close_out" in d.roles.get("official").permissions
    assert d.categories.get("farm_produce").parent == "production_business"
    for key in ("cases_with_party_participation", "mediation_bodies_with_party_group",
                "land_ledger_settled_within_trade", "volunteer_service_hours",
                "industry_committee_caseload"):
        assert key in d.metrics and d.metrics[key].provider == "co_governance"


def test_the_ledger_from_the_command_line(cg, tmp_path):
    d = cg.d
    issue = {"project": "成巴高速金堂段征地", "subject": "青苗补偿", "area_code": "C.T1.C1",
             "unit": "U-GZ", "affected_count": 3, "deadline": "2026-03-31", "measures": "协商",
             "registered_on": "2026-03-01"}
    path = tmp_path / "issue.json"
    path.write_text(json.dumps(issue, ensure_ascii=False), encoding="utf-8")
    r = run_cli(d, "co-governance", "ledger", "register", str(path))
    assert r.exit_code == 0 and "ZDCQ-2026-0001 (#1): registered" in r.stdout
    r = run_cli(d, "co-governance", "ledger", "close-out", "1", "--unit", "U-GZ",
                "--signatory", "李科长", "--no-lawsuit", "--on", "2026-03-20")
    assert r.exit_code == 1 and "evidence" in r.stderr and r.stderr.count("\n") == 1
    r = run_cli(d, "co-governance", "ledger", "close-out", "1", "--evidence", "协议",
                "--unit", "U-T1", "--signatory", "王镇长", "--no-lawsuit", "--on", "2026-03-20")
    assert r.exit_code == 1 and "signed_off_by" in r.stderr and "Traceback" not in r.output
    assert count(d, m.ledger_entries) == 1
    r = run_cli(d, "co-governance", "ledger", "close-out", "1", "--evidence", "协议",
                "--unit", "U-GZ", "--signatory", "李科长", "--no-lawsuit", "--on", "2026-03-20")
    assert r.exit_code == 0, r.output
    path.write_text(json.dumps({**issue, "registered_on": "2026-04-02",
                                "deadline": "2026-04-30"}, ensure_ascii=False), encoding="utf-8")
    r = run_cli(d, "co-governance", "ledger", "register", str(path))
    assert "ZDCQ-2026-0001 (#1): reopened" in r.stdout
    listed = json.loads(run_cli(d, "co-governance", "ledger", "list", "--json").stdout)
    assert [i["reopened"] for i in listed] == [1]
    out = tmp_path / "ledger.xlsx"
    r = run_cli(d, "co-governance", "ledger", "export", str(out))
    assert r.exit_code == 0 and out.read_bytes()[:2] == b"PK"
    r = run_cli(d, "co-governance", "hours", "add", "NOPE", "--on", "2999-01-01", "--hours", "1",
                "--activity", "普法")
    assert r.exit_code == 1 and "served_on" in r.stderr


def test_core_routing_shows_the_committee_with_its_reason(cg):
    cg.committees.save(health_committee())
    cg.committees.save(agriculture_committee())
    case = new_case(cg.d, category="medical")
    r = run_cli(cg.d, "cases", "route", str(case.id))
    assert r.exit_code == 0, r.output
    assert "IC-HEALTH" in r.stdout and "IC-AGRI" not in r.stdout


def test_demo_data_is_events_and_records_near_its_targets(make_deployment):
    d = make_deployment(plugins=["co_governance"], config=CONFIG)
    counts = generate(d, seed=7, scale=0.05)
    assert counts["industry_committees"] == 2 and counts["ledger_issues"] >= 8
    assert counts["party_orgs"] == 4 and counts["co_governance_cases"] > 20
    cg = service(d)
    figures = {f["committee"]: f for f in cg.committees.figures()}
    assert figures["CG-IC-HEALTH"]["caseload"] >= 4 and figures["CG-IC-AGRI"]["caseload"] >= 4
    with d.reading() as s:
        events = s.scalar(sa.select(sa.func.count()).select_from(
            sa.table("case_events", sa.column("kind"))).where(
            sa.column("kind") == "co_governance.participation"))
    assert events == count(d, m.participations) and events > 0
    closed = [i for i in cg.ledger.list() if i.status == "closed"]
    assert closed and sum(1 for i in closed if not i.lawsuit) / len(closed) > 0.7
    r = run_cli(d, "metrics", "verify")
    assert r.exit_code == 0, r.output
    assert generate(d, seed=7, scale=0.05) == {}  # a second run leaves it as it is


def test_demo_is_deterministic(make_deployment):
    a = generate(make_deployment(plugins=["co_governance"], config=CONFIG), seed=3, scale=0.02)
    b = generate(make_deployment(plugins=["co_governance"], config=CONFIG), seed=3, scale=0.02)
    assert a == b


def test_switching_the_plugin_off_and_on_again(cg):
    d = cg.d
    from cg_testkit import register_input

    cg.ledger.register(register_input(), actor="t")
    cg.committees.save(health_committee())
    case = new_case(d, category="medical")
    d.cases.act(case.id, "assign", actor="t", data={"assignees": ["organisation:IC-HEALTH"]})
    with reopened(d, []) as core:
        assert "co_governance" not in core.migration_status()
        other = core.cases.create(NewCase(title="新纠纷", category="medical", source="walk_in",
                                          area_code="C.T1.C1"), actor="t")
        core.cases.act(other.id, "accept", actor="t")
        core.cases.act(other.id, "assign", actor="t",
                       data={"assignees": ["organisation:IC-HEALTH"]})
        assert "land_ledger_overdue" not in core.metrics
        assert "co-governance" not in run_cli(core, "--help").stdout
    with reopened(core, ["co_governance"]) as back:
        again = service(back)
        assert [i.subject for i in again.ledger.list()] == ["青苗补偿标准争议"]
        # the assignment made while the plugin was off was not projected …
        assert [c["case_id"] for c in again.committees.cases("IC-HEALTH")] == [case.id]
        # … until the projection is rebuilt from the case events
        assert again.committees.rebuild() == 2
        assert [c["case_id"] for c in again.committees.cases("IC-HEALTH")] == [case.id, other.id]


def test_a_deployment_without_the_plugin_is_upgraded_later(make_deployment):
    d = make_deployment()
    d.cases.create(NewCase(title="旧纠纷", category="neighbour", source="walk_in",
                           area_code="C.T1.C1"), actor="t")
    url = d.config.database_url
    d.close()
    later = Deployment.from_dict({"deployment": {"name": "later", "database": url},
                                  "plugins": {"enabled": ["co_governance"]}})
    try:
        heads = later.upgrade()
        assert "cg0001_initial" in heads
        assert service(later).ledger.list() == []
    finally:
        later.close()
