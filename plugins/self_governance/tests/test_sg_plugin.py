"""The plugin as a whole: registration, CLI, demo data, and switching it off."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sg_testkit import MEDIATORS, committee_input, new_case
from suyuan_self_governance import models as m
from suyuan_self_governance.demo import generate
from suyuan_self_governance.service import service

from suyuan_core import NewCase, Period, PluginError
from suyuan_core.testing import reopened, run_cli


def test_registers_pillar_roles_sources_metrics_and_branch(d):
    loaded = d.plugin("self_governance")
    assert loaded.pillar == "self_governance" and loaded.version == "0.1.0"
    for role in ("patrol_volunteer", "supervision_member", "alliance_volunteer",
                 "committee_member"):
        assert d.roles[role].provider == "self_governance"
    assert {"courtyard_alliance", "citizens_sunday"} <= set(d.sources.codes())
    assert d.categories["safety_hazard"].provider == "self_governance"
    for key in ("talk_and_reason_success_rate", "patrol_coverage_rate",
                "courtyard_satisfaction_rate", "citizens_sunday_attendance"):
        assert d.metrics[key].provider == "self_governance"
        assert d.metrics[key].label.zh and d.metrics[key].label.en
    branch, head = d.migration_status()["self_governance"]
    assert branch == head == "sg0002_paths_bytewise"


def test_settings_are_validated(make_deployment):
    with pytest.raises(PluginError, match=r"plugins\.self_governance"):
        make_deployment(plugins=["self_governance"],
                        config={"plugins": {"self_governance": {"mediation_limit_months": 0}}})
    with pytest.raises(PluginError, match=r"plugins\.self_governance"):
        make_deployment(plugins=["self_governance"],
                        config={"plugins": {"self_governance": {"mediation_fee": 10}}})


def test_cli_end_to_end(d, tmp_path):
    csv = tmp_path / "m.csv"
    csv.write_text("external_id,name,background,areas,gender,employment\n"
                   "M1,王秀英,veteran_party_member,C.T1.C1,female,full_time\n"
                   "M4,赵德明,veteran_cadre,C.T1.C1,male,part_time\n"
                   "M5,陈国华,veteran_legal,C.T1.C1,male,part_time\n", encoding="utf-8")
    r = run_cli(d, "self-governance", "mediators", "import", str(csv))
    assert r.exit_code == 0 and "3 added" in r.stdout
    assert "mediators: 3, 专职 full-time: 1" in run_cli(d, "self-governance", "mediators",
                                                       "counts").stdout
    body = tmp_path / "mc.json"
    body.write_text(json.dumps({"external_id": "MC1", "name": "一社区人民调解委员会",
                                "kind": "mediation_committee", "area_code": "C.T1.C1",
                                "members": [{"person": "M1", "position": "chair"}, "M4", "M5"],
                                "term_start": "2025-01-01", "elected_by": "居民会议"}),
                    encoding="utf-8")
    r = run_cli(d, "self-governance", "bodies", "save", str(body))
    assert r.exit_code == 0 and "2028-01-01" in r.stdout
    case = new_case(d)
    r = run_cli(d, "self-governance", "route", str(case.id))
    assert r.stdout.splitlines()[0].split("\t")[1] == "M1"
    r = run_cli(d, "self-governance", "sessions", "record", "--case", str(case.id),
                "--mediator", "M1", "--at", "2026-03-05T15:00+08:00", "--matter", "public",
                "--reason", "sentiment", "--reason", "law", "--participant", "刘大妈|party",
                "--participant", "周大爷", "--outcome", "success")
    assert r.exit_code == 0 and "case is now resolved" in r.stdout
    agreement = tmp_path / "a.json"
    agreement.write_text(json.dumps({
        "case_id": case.id, "form": "written", "facts": "排水纠纷", "issues": "改道费用",
        "responsibilities": {"刘大妈": "施工", "周大爷": "出一半材料费"}, "terms": "三月底前改道",
        "performance_manner": "当面交付", "performance_due": "2026-03-31",
        "reached_on": "2026-03-05", "committee": "MC1"}), encoding="utf-8")
    r = run_cli(d, "self-governance", "agreements", "draft", str(agreement))
    assert r.exit_code == 0 and "still needs" in r.stdout
    for signer in ("刘大妈", "周大爷", "mediator"):
        run_cli(d, "self-governance", "agreements", "sign", "1", signer, "--on", "2026-03-05")
    r = run_cli(d, "self-governance", "agreements", "seal", "1", "--on", "2026-03-06")
    assert "effective from 2026-03-06" in r.stdout
    out = tmp_path / "a.docx"
    r = run_cli(d, "self-governance", "agreements", "print", "1", "--html",
                str(tmp_path / "a.html"), "--docx", str(out))
    assert r.exit_code == 0 and out.stat().st_size > 1000
    r = run_cli(d, "self-governance", "agreements", "follow-up", "1", "--on", "2026-04-02",
                "--result", "not_performed")
    assert "三十日内共同申请司法确认" in r.stdout


def test_cli_errors_are_one_line(d):
    r = run_cli(d, "self-governance", "procedures", "open", "--area", "C.T1.C1", "--title",
                "修村道", "--on", "2026-03-01")
    assert r.exit_code == 0
    r = run_cli(d, "self-governance", "procedures", "step", "1", "decide", "--on", "2026-03-09",
                "--body", "representative_assembly", "--members", "40", "--present", "30",
                "--yes", "25")
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.output
    assert "next step is 'consult'" in r.stderr
    run_cli(d, "self-governance", "procedures", "step", "1", "consult", "--on", "2026-03-02")
    run_cli(d, "self-governance", "procedures", "step", "1", "review", "--on", "2026-03-04",
            "--body", "party_members_meeting", "--members", "30", "--present", "25", "--yes", "20")
    r = run_cli(d, "self-governance", "procedures", "step", "1", "decide", "--on", "2026-03-09",
                "--body", "representative_assembly", "--members", "40", "--present", "26",
                "--yes", "25")
    assert r.exit_code == 1 and "inquorate" in r.stderr and r.stderr.count("\n") == 1


def test_demo_lands_near_the_seed_figures_from_events(make_deployment):
    d = make_deployment(plugins=["self_governance"])
    counts = generate(d, seed=20260526, scale=0.1)
    assert counts["mediators"] == 119 and counts["full_time"] == 14
    assert counts["committees"] >= 1 and counts["alliance_matters"] == 52
    year = Period.containing("year", dt.date.today())
    figures = {}
    for key in ("talk_and_reason_success_rate", "courtyard_satisfaction_rate",
                "mediation_agreements", "talk_and_reason_sessions"):
        total = [0, 0]
        for p in (year, year.previous()):
            f = d.metric_service.figure(key, "C", p)
            total[0] += f.num
            total[1] += f.den
        figures[key] = total
    # each case succeeds (each resident is satisfied) by its own draw, so the figures land
    # within three standard errors of the seed's, not on it
    num, den = figures["talk_and_reason_success_rate"]
    assert den == 120 and abs(num / den - 0.9269) < 3 * (0.9269 * 0.0731 / den) ** 0.5
    num, den = figures["courtyard_satisfaction_rate"]
    assert den == 52 and abs(num / den - 0.98) < 3 * (0.98 * 0.02 / den) ** 0.5
    assert figures["mediation_agreements"][0] == counts["agreements_effective"]
    r = run_cli(d, "metrics", "verify")
    assert r.exit_code == 0, r.output


def test_demo_is_deterministic(make_deployment):
    a = generate(make_deployment(plugins=["self_governance"]), seed=3, scale=0.02)
    b = generate(make_deployment(plugins=["self_governance"]), seed=3, scale=0.02)
    assert a == b


def test_switching_the_plugin_off_breaks_nothing(d):
    sg = service(d)
    sg.roster.save_mediators(MEDIATORS)
    sg.roster.save_body(committee_input())
    case = new_case(d)
    from sg_testkit import session_input

    sg.sessions.record(session_input(case.id), actor="t")
    with reopened(d, []) as core:
        assert "self_governance" not in core.migration_status()
        assert core.cases.get(case.id).status.value == "resolved"
        other = core.cases.create(NewCase(title="新纠纷", category="neighbour", source="walk_in",
                                          area_code="C.T1.C1"), actor="t")
        core.cases.act(other.id, "accept", actor="t")
        assert "patrol_coverage_rate" not in core.metrics
        assert "self-governance" not in run_cli(core, "--help").stdout
    assert m.metadata.tables  # the plugin's own tables stay until someone drops them
