"""The rule_of_law and self_governance pillars together, as a whole deployment: judicial
confirmation of a self_governance agreement through the core's hooks (look-up, decision, "not
performed"), and the two pillars' demo data side by side. Neither plugin imports the other; this
whole-deployment test drives both through their own services."""

from __future__ import annotations

import datetime as dt

from suyuan_rule_of_law.confirmation import ApplicationInput
from suyuan_rule_of_law.demo import generate
from suyuan_self_governance.agreements import AgreementInput
from suyuan_self_governance.demo import generate as sg_generate
from suyuan_self_governance.roster import MediatorInput
from suyuan_self_governance.service import service as sg_service
from suyuan_self_governance.sessions import SessionInput

from suyuan_core import NewCase, Period
from suyuan_core.testing import run_cli

CST = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), CST)


def kinds(d, case_id) -> list[str]:
    return [e.kind for e in d.cases.timeline(case_id)]


def effective_agreement(d):
    sg = sg_service(d)
    sg.roster.save_mediators([MediatorInput(external_id="M1", name="王秀英",
                                            background="veteran_party_member",
                                            areas=("C.T1.C1",), gender="female")])
    case = d.cases.create(NewCase(
        title="邻里排水纠纷", category="neighbour", source="application", area_code="C.T1.C1.G1",
        occurred_at=at("2026-03-02", 9),
        parties=[{"name": "刘大妈", "role": "applicant"}, {"name": "周大爷", "role": "respondent"}]),
        actor="t")
    d.cases.act(case.id, "accept", actor="t", occurred_at=at("2026-03-02"))
    sg.sessions.record(SessionInput(
        case_id=case.id, mediator="M1", held_at=at("2026-03-05", 15), matter="public",
        reasons=["sentiment", "law"], participants=[{"name": "刘大妈", "role": "party"},
                                                    {"name": "周大爷", "role": "party"}],
        outcome="success", summary="说事评理"), actor="t")
    a = sg.agreements.draft(AgreementInput(
        case_id=case.id, form="oral", facts="排水沟堵塞", issues="谁疏通",
        responsibilities={"刘大妈": "配合", "周大爷": "疏通"}, terms="周大爷三日内疏通",
        performance_manner="自行疏通", performance_due=dt.date(2026, 3, 20),
        reached_on=dt.date(2026, 3, 17)), actor="t")
    return sg, a.id, case.id


def test_with_the_self_governance_pillar(make_deployment):
    """The real keeper: an effective agreement of self_governance is confirmed, its state moves,
    and "not performed" at the follow-up asks this plugin what to do."""
    from suyuan_rule_of_law.service import service

    d = make_deployment(plugins=["rule_of_law", "self_governance"])
    sg, agreement_id, case_id = effective_agreement(d)
    rol = service(d)
    ref = f"self_governance:{agreement_id}"
    app = rol.confirmations.apply(ApplicationInput(
        agreement_ref=ref, applied_on="2026-03-20", applicants=["刘大妈", "周大爷"],
        court="金堂县人民法院"), actor="t")
    rol.confirmations.accept(app.id, "2026-03-21", "(2026)川0121民特1号", actor="c")
    rol.confirmations.decide(app.id, "2026-03-25", "confirmed", actor="c")
    assert sg.agreements.get(agreement_id).status == "court_confirmed"
    _, notes = sg.agreements.follow_up(agreement_id, "2026-04-20", "not_performed",
                                           actor="t")
    assert notes and "强制执行" in notes[0]
    assert "rule_of_law.unperformed_advice" in kinds(d, case_id)


def test_unperformed_within_the_window_proposes_confirmation(make_deployment):

    d = make_deployment(plugins=["rule_of_law", "self_governance"])
    sg, agreement_id, _ = effective_agreement(d)
    _, notes = sg.agreements.follow_up(agreement_id, "2026-03-25", "not_performed", actor="t")
    assert notes == ["双方可于 2026-04-16 前共同申请司法确认 The parties may jointly apply for "
                     "judicial confirmation by 2026-04-16"]


def test_demo_lands_near_the_seed_figures(make_deployment):
    d = make_deployment(plugins=["rule_of_law", "self_governance"])
    sg_generate(d, seed=7, scale=0.05)
    counts = generate(d, seed=7, scale=0.2)  # scale 1 (the real demo): 660 delegated, 615 settled
    assert counts["advised_communities"] == 4 and counts["invited_orgs"] == 10
    assert counts["invited_mediators"] == 91 and counts["delegated"] == 132
    assert counts["delegated_settled"] == 123 and counts["community_police"] == 4
    assert counts["service_halls"] == 4 and counts["circuit_sessions"] >= 20
    assert counts["confirmations"] >= 1
    last = d.metric_service
    year = Period.containing("year", dt.date.today())
    cov = last.figure("advisor_coverage_rate", "C", Period.containing("month", dt.date.today()))
    assert cov.value == 100.0
    f = [last.figure("invited_mediation_success_rate", "C", p) for p in
         (year, year.previous(), year.previous(2))]
    settled = sum(x.num for x in f)
    assert settled == counts["delegated_settled"]
    lectures = [last.figure("legal_lecture_compliance_rate", "C", p) for p in (year.previous(),)]
    assert lectures[0].den > 0 and lectures[0].value >= 95
    assert generate(d, seed=7, scale=0.2) == {}  # a second run adds nothing
    r = run_cli(d, "metrics", "verify")
    assert r.exit_code == 0, r.output


def test_the_confirmation_window_warning_finds_self_governance_agreements(make_deployment):
    """The daily job lists effective agreements through ``suyuan_mediation_agreements`` (the
    keeper is self_governance, never imported), warns once, and ``suyuan jobs`` shows it."""
    import json

    d = make_deployment(plugins=["rule_of_law", "self_governance"])
    _, agreement_id, case_id = effective_agreement(d)   # effective 2026-03-17, ends 04-16
    d.accounts.add_user("wangxy", "王秀英", "long-enough-pw", person_external_id="M1")
    job = "rule_of_law.confirmation_window"
    run = d.jobs.run(job, at=at("2026-04-10", 8))
    assert run.summary["warned"] == [f"self_governance:{agreement_id}"], run
    [n] = d.notifications.inbox("wangxy")
    assert n.kind == "judicial_window" and n.case_id == case_id and "2026-04-16" in n.subject
    assert d.jobs.run(job, at=at("2026-04-11", 8)).summary["already_warned"] == [
        f"self_governance:{agreement_id}"]
    assert len(d.notifications.inbox("wangxy")) == 1
    assert "rule_of_law.confirmation_window_notice" in kinds(d, case_id)
    out = run_cli(d, "jobs", "runs", "--job", job, "--json")
    assert out.exit_code == 0, out.output
    assert [r["summary"]["warned"] for r in json.loads(out.stdout)] == [
        [], [f"self_governance:{agreement_id}"]]


def test_the_demo_hook_confirms_agreements_the_keeper_made(make_deployment):
    """``suyuan demo`` calls every pillar's share through one hook: this pillar's runs last, so
    self_governance's agreements exist when some go for judicial confirmation."""
    from suyuan_rule_of_law.service import service

    from suyuan_core.demo import build

    d = make_deployment(plugins=["rule_of_law", "self_governance"])
    demo = d.hook.suyuan_demo_data
    assert demo.implemented_by[-1] == "rule_of_law"              # one call: pluggy's order
    order = build.plugin_order(demo)                              # `suyuan demo`: one by one
    assert order == ["self_governance", "rule_of_law"]
    # outcomes and follow-ups are drawn case by case: at 0.15 there are a few dozen effective
    # agreements not yet followed up, enough that some go to the court
    for name in order:
        demo.only(name, deployment=d, seed=7, scale=0.15)
    applications = service(d).confirmations.find()
    assert applications and {a.agreement_ref.partition(":")[0] for a in applications} == {
        "self_governance"}
