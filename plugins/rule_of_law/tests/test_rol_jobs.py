"""Work the pillar does by itself (issue 16 §3–4), through the core's jobs and notifications:
the warning before an effective agreement's judicial-confirmation window closes (once per
agreement and window, to the case's handler and the community's legal advisor, recorded on the
case), the notice of the court's decision, and the schedule's settings."""

from __future__ import annotations

import datetime as dt

import pytest
from rol_testkit import agreement
from suyuan_rule_of_law.advisors import TermInput
from suyuan_rule_of_law.confirmation import ApplicationInput

from suyuan_core import ConfigError

TZ = dt.timezone(dt.timedelta(hours=8))
WINDOW = "rule_of_law.confirmation_window"


def morning(day: str | dt.date) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(str(day)), dt.time(8, 5), TZ)


@pytest.fixture
def people(d, rol):
    """A mediator handling the case and the community's legal advisor, each with an account,
    and a bystander who must hear nothing."""
    d.accounts.add_user("zhao", "赵大爷", "long-enough-pw", person_external_id="X1")
    d.accounts.add_user("zhang", "张律师", "long-enough-pw", person_external_id="L1")
    d.accounts.add_user("li", "李律师", "long-enough-pw", person_external_id="L2")
    d.accounts.add_user("clerk", "立案员", "long-enough-pw")
    rol.advisors.assign(TermInput(advisor="L1", area_code="C.T1.C1", start_on="2025-01-01"))
    return d


def handled(d, a) -> None:
    d.cases.act(a.case_id, "accept", actor="t")
    d.cases.act(a.case_id, "assign", actor="t", data={"assignees": ["person:X1"]})


def window_events(d, case_id) -> list[dict]:
    return [e.data for e in d.cases.timeline(case_id)
            if e.kind == "rule_of_law.confirmation_window_notice"]


def test_a_closing_window_is_told_once_to_the_handler_and_the_advisor(d, rol, keeper, people):
    a = agreement(d, keeper, 1, effective_on="2026-03-02")       # window ends 2026-04-01
    handled(d, a)
    applied = agreement(d, keeper, 2, effective_on="2026-03-02")
    rol.confirmations.apply(ApplicationInput(agreement_ref=applied.ref, applied_on="2026-03-20",
                                             applicants=["刘大妈", "周大爷"], court="金堂县人民法院"),
                            actor="clerk")
    agreement(d, keeper, 3, effective_on="2026-03-20")           # ends 04-20: not yet
    agreement(d, keeper, 4, effective_on="2026-02-10")           # ended 03-12: too late to warn

    early = d.jobs.run(WINDOW, at=morning("2026-03-24"))         # 04-01 is 8 days off (N = 7)
    assert early.status == "succeeded" and early.summary["warned"] == []
    run = d.jobs.run(WINDOW, at=morning("2026-03-26"))
    assert run.status == "succeeded", run.error
    assert run.summary["warned"] == [a.ref] and run.summary["within_days"] == 7
    told = d.notifications.for_case(a.case_id)
    assert sorted(n.recipient for n in told) == ["zhang", "zhao"]
    assert {n.kind for n in told} == {"judicial_window"}
    assert "2026-04-01" in told[0].subject and "6 天" in told[0].body
    assert d.notifications.inbox("li") == [] and d.notifications.inbox("clerk") == []
    [event] = window_events(d, a.case_id)
    assert event["window_ends_on"] == "2026-04-01" and event["recipients"] == [
        "person:L1", "person:X1"] and event["notifications"] == 2

    # the same slot never runs again; the next days find the warning and send nothing more
    assert d.jobs.run(WINDOW, at=morning("2026-03-26")) is None
    again = d.jobs.run(WINDOW, at=morning("2026-03-27"))
    assert again.summary["warned"] == [] and again.summary["already_warned"] == [a.ref]
    assert len(d.notifications.for_case(a.case_id)) == 2 and len(window_events(d, a.case_id)) == 1
    assert d.notifications.for_case(applied.case_id) == []
    # once the window is closed, nothing more either
    assert d.jobs.run(WINDOW, at=morning("2026-04-02")).summary["warned"] == []

    # what ``suyuan jobs`` lists (the CLI itself: tests/test_rule_of_law_with_self_governance.py)
    runs = d.jobs.runs(WINDOW)
    assert [r.slot[:10] for r in runs] == ["2026-04-02", "2026-03-27", "2026-03-26", "2026-03-24"]
    assert runs[2].summary["warned"] == [a.ref]


def test_the_warning_days_and_time_are_settings(make_deployment, keeper):
    d = make_deployment(plugins=["rule_of_law"], extra_plugins={"keeper": keeper}, config={
        "plugins": {"rule_of_law": {"window_notice_days": 0, "window_notice_at": "07:30",
                                    "platform_sync_every": ""}}})
    job = d.jobs.get(WINDOW)
    assert job.at == "07:30" and job.every == "day"
    assert "rule_of_law.platform_sync" not in d.jobs.registry.codes()
    a = agreement(d, keeper, 1, effective_on="2026-03-02")
    run = d.jobs.run(WINDOW, at=morning("2026-03-31"))
    assert run.summary["warned"] == [] and window_events(d, a.case_id) == []


@pytest.mark.parametrize("bad", [{"window_notice_at": "8 am"}, {"platform_sync_every": "7m"},
                                 {"window_notice_days": -1}])
def test_a_bad_schedule_setting_is_refused_at_start_up(make_deployment, keeper, bad):
    with pytest.raises(ConfigError, match=next(iter(bad))):
        make_deployment(plugins=["rule_of_law"], extra_plugins={"keeper": keeper},
                        config={"plugins": {"rule_of_law": bad}})


def test_the_court_decision_is_told(d, rol, keeper, people):
    today = dt.date.today()
    a = agreement(d, keeper, 1, effective_on=(today - dt.timedelta(days=6)).isoformat())
    handled(d, a)
    b = agreement(d, keeper, 2, effective_on=(today - dt.timedelta(days=6)).isoformat())
    apps = [rol.confirmations.apply(ApplicationInput(
        agreement_ref=x.ref, applied_on=today - dt.timedelta(days=5),
        applicants=["刘大妈", "周大爷"], court="金堂县人民法院"), actor="clerk") for x in (a, b)]
    for app in apps:
        rol.confirmations.accept(app.id, today - dt.timedelta(days=4),
                                 f"(2026)川0121民特{app.id}号", actor="court")
    assert d.notifications.for_case(a.case_id) == []  # filing and accepting tell nobody
    rol.confirmations.decide(apps[0].id, today - dt.timedelta(days=1), "confirmed", actor="court")
    rol.confirmations.decide(apps[1].id, today, "refused", actor="court", reason="协议内容违反法律")
    told = d.notifications.for_case(a.case_id)
    assert sorted(n.recipient for n in told) == ["clerk", "zhang", "zhao"]
    assert {n.kind for n in told} == {"confirmation_decided"} and "已确认" in told[0].subject
    [refusal] = d.notifications.inbox("clerk", unread=True)[:1]
    assert "不予确认" in refusal.subject and "协议内容违反法律" in refusal.body


def test_an_old_decision_being_recorded_tells_nobody(d, rol, keeper, people):
    """The demo or an import writes history: no inbox fills with last year's decisions."""
    a = agreement(d, keeper, 1, effective_on="2026-03-02")
    handled(d, a)
    app = rol.confirmations.apply(ApplicationInput(
        agreement_ref=a.ref, applied_on="2026-03-10", applicants=["刘大妈", "周大爷"],
        court="金堂县人民法院"), actor="clerk")
    rol.confirmations.accept(app.id, "2026-03-11", "(2026)川0121民特9号", actor="court")
    rol.confirmations.decide(app.id, "2026-03-20", "confirmed", actor="court")
    assert d.notifications.for_case(a.case_id) == []
