"""The plugin as a whole: registration, settings, CLI (one-line errors), the demo near the seed's
figures, and switching it off and on again."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from rol_testkit import keeper_plugin
from suyuan_rule_of_law import models as m

from suyuan_core import NewCase, PluginError
from suyuan_core.testing import reopened, run_cli


def test_registers_pillar_roles_metrics_and_branch(d):
    loaded = d.plugin("rule_of_law")
    assert loaded.pillar == "rule_of_law" and loaded.version == "0.1.0"
    for role in ("legal_advisor", "community_police", "invited_mediator", "court_clerk"):
        assert d.roles[role].provider == "rule_of_law"
    assert "court_platform" in set(d.sources.codes())
    for key in ("advisor_coverage_rate", "legal_lecture_compliance_rate",
                "judicial_confirmation_rate", "invited_mediation_success_rate"):
        assert d.metrics[key].provider == "rule_of_law"
        assert d.metrics[key].label.zh and d.metrics[key].label.en
    branch, head = d.migration_status()["rule_of_law"]
    assert branch == head == "rol0001_initial"


def test_settings_are_validated(make_deployment):
    with pytest.raises(PluginError, match=r"plugins\.rule_of_law"):
        make_deployment(plugins=["rule_of_law"],
                        config={"plugins": {"rule_of_law": {"confirmation_window_days": 0}}})
    with pytest.raises(PluginError, match=r"plugins\.rule_of_law"):
        make_deployment(plugins=["rule_of_law"],
                        config={"plugins": {"rule_of_law": {"window": 30}}})


def test_cli_errors_are_one_line_and_write_nothing(make_deployment, tmp_path):
    from rol_testkit import people

    d = make_deployment(plugins=["rule_of_law"])  # the CLI loads entry points only
    people(d)
    bad = tmp_path / "lecture.json"
    bad.write_text(json.dumps({"kind": "legal_lecture", "area_code": "C.T1.C1",
                               "held_on": "2026-02-30", "topic": "x", "attendance": 3}),
                   encoding="utf-8")
    r = run_cli(d, "rule-of-law", "lectures", "record", str(bad))
    assert r.exit_code == 1 and "held_on" in r.stderr and r.stderr.count("\n") == 1
    with d.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(m.lectures)) == 0
    r = run_cli(d, "rule-of-law", "advisors", "assign", "L1", "C.T1.C1", "--from", "2026-01-01")
    assert r.exit_code == 0, r.output
    r = run_cli(d, "rule-of-law", "advisors", "coverage", "--on", "2026-03-01", "--gaps")
    assert "covered 1 of 4" in r.stdout and "C.T1.C1" not in r.stdout
    r = run_cli(d, "rule-of-law", "confirm", "apply", "keeper:1", "--on", "2026-03-01",
                "--applicant", "x")
    assert r.exit_code == 1 and "keeper:1" in r.stderr and r.stderr.count("\n") == 1
    out = tmp_path / "r.xlsx"
    r = run_cli(d, "rule-of-law", "advisors", "report", "--month", "2026-03", "--xlsx", str(out))
    assert r.exit_code == 0 and out.read_bytes()[:2] == b"PK"


def test_switching_the_plugin_off_and_on_breaks_nothing(make_deployment):
    d = make_deployment(plugins=[], extra_plugins={"keeper": keeper_plugin()})
    case = d.cases.create(NewCase(title="新纠纷", category="neighbour", source="walk_in",
                                  area_code="C.T1.C1"), actor="t")
    with reopened(d, ["rule_of_law"]) as on:
        assert on.migration_status()["rule_of_law"][0] == "rol0001_initial"
        from suyuan_rule_of_law.service import service

        service(on).courts.guide("C.T1.C1", "赵镇人民法庭", "2026-01-01")
    with reopened(on, []) as off:
        assert "rule_of_law" not in off.migration_status()
        off.cases.act(case.id, "accept", actor="t")
        assert "advisor_coverage_rate" not in off.metrics
        assert "rule-of-law" not in run_cli(off, "--help").stdout
