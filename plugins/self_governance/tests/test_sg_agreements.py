"""Mediation agreements: contents (Art 29), taking effect (Art 29–30), printing, follow-up, and the
not-performed hook another pillar may implement."""

from __future__ import annotations

import datetime as dt
import io
import types
import zipfile

import pytest
from sg_testkit import MEDIATORS, committee_input, count, kinds, new_case, session_input
from suyuan_self_governance import models as m
from suyuan_self_governance.agreements import AgreementInput, render_docx, render_html
from suyuan_self_governance.service import service

from suyuan_core import Conflict, Period, PluginSpec, ValidationError, hookimpl


def agreement_input(case_id, **changes):
    values = dict(case_id=case_id, form="written", facts="刘大妈家排水管经周大爷院坝，雨季积水。",
                  issues="排水改道费用由谁承担",
                  responsibilities={"刘大妈": "负责改道施工", "周大爷": "承担材料费一半"},
                  terms="刘大妈于三月底前完成排水改道，周大爷承担材料费的一半。",
                  performance_manner="当面交付，邻里见证", performance_due="2026-03-31",
                  reached_on="2026-03-05", committee="MC1")
    values.update(changes)
    return AgreementInput(**values)


@pytest.fixture
def settled(committee):
    case = new_case(committee.d)
    committee.sessions.record(session_input(case.id), actor="t")
    return committee, case


def test_written_agreement_takes_effect_with_every_signature_and_the_seal(settled):
    sg, case = settled
    a = sg.agreements.draft(agreement_input(case.id), actor="t")
    assert a.status == "draft" and a.effective_on is None and a.copies == 3
    assert a.missing() == ["刘大妈 签名", "周大爷 签名", "调解员签名", "调解委员会印章"]
    a = sg.agreements.sign(a.id, "刘大妈", "2026-03-05", actor="t")
    a = sg.agreements.sign(a.id, "mediator", "2026-03-05", actor="t")
    a = sg.agreements.seal(a.id, "2026-03-06", actor="t")
    assert a.status == "draft" and a.missing() == ["周大爷 签名"]
    a = sg.agreements.sign(a.id, "周大爷", "2026-03-07", actor="t")
    assert a.status == "effective" and a.effective_on == dt.date(2026, 3, 7)
    assert kinds(sg.d, case.id)[-2:] == ["self_governance.agreement_drafted",
                                         "self_governance.agreement_effective"]
    year = Period.containing("year", dt.date(2026, 3, 1))
    assert sg.d.metric_service.figure("mediation_agreements", "C", year).num == 1
    with pytest.raises(Conflict, match="already effective"):
        sg.agreements.sign(a.id, "刘大妈", "2026-03-08", actor="t")


def test_oral_agreement_takes_effect_the_day_it_is_reached(settled):
    sg, case = settled
    a = sg.agreements.draft(agreement_input(case.id, form="oral", committee=None), actor="t")
    assert a.status == "effective" and a.effective_on == dt.date(2026, 3, 5)
    with pytest.raises(Conflict, match="oral agreement"):
        sg.agreements.sign(a.id, "刘大妈", "2026-03-05", actor="t")
    assert "口头调解协议记录" in render_html(a) and "第三十条" in render_html(a)


@pytest.mark.parametrize("changes, field", [
    ({"facts": " "}, "facts"),
    ({"terms": ""}, "terms"),
    ({"performance_manner": ""}, "performance_manner"),
    ({"performance_due": "2026-03-01"}, "performance_due"),
    ({"form": "video"}, "form"),
])
def test_agreement_contents_required_by_art29(settled, changes, field):
    with pytest.raises(ValidationError) as err:
        agreement_input(settled[1].id, **changes)
    assert err.value.field == field


def test_agreement_needs_every_party_responsibility_and_a_settled_case(settled):
    sg, case = settled
    with pytest.raises(ValidationError, match="responsibility of 周大爷"):
        sg.agreements.draft(agreement_input(case.id, responsibilities={"刘大妈": "改道"}), actor="t")
    with pytest.raises(ValidationError, match="not a party"):
        sg.agreements.draft(agreement_input(case.id, responsibilities={
            "刘大妈": "改道", "周大爷": "出钱", "路人": "围观"}), actor="t")
    with pytest.raises(ValidationError, match="seal of a mediation committee"):
        sg.agreements.draft(agreement_input(case.id, committee=None), actor="t")
    assert count(sg.d, m.agreements) == 0
    open_case = new_case(sg.d, when="2026-03-03")
    with pytest.raises(Conflict, match="successful mediation"):
        sg.agreements.draft(agreement_input(open_case.id), actor="t")
    sg.agreements.draft(agreement_input(case.id), actor="t")
    with pytest.raises(Conflict, match="already has an agreement"):
        sg.agreements.draft(agreement_input(case.id), actor="t")
    assert count(sg.d, m.agreements) == 1


def test_printable_html_and_docx(settled):
    sg, case = settled
    a = sg.agreements.draft(agreement_input(case.id), actor="t")
    page = render_html(a)
    for text in ("人民调解协议书", "当事人基本情况", "纠纷主要事实", "争议事项", "各方当事人的责任",
                 "达成协议的内容", "履行方式、期限", "2026-03-31", "刘大妈", "一式3份"):
        assert text in page
    assert "http" not in page.replace("<!doctype html>", "")  # nothing fetched from a network
    data = render_docx(a)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "人民调解协议书" in xml and "周大爷" in xml and "达成协议的内容" in xml


def _judicial_confirmation_plugin(seen: list):
    module = types.ModuleType("fake_rule_of_law")
    module.plugin = PluginSpec(label=("司法确认", "Judicial confirmation"))

    @hookimpl
    def suyuan_mediation_agreement_unperformed(case, agreement, deployment, session):
        seen.append((case.id, agreement["id"], agreement["effective_on"], agreement["status"]))
        return f"司法确认申请已登记 for agreement {agreement['id']}"

    module.suyuan_mediation_agreement_unperformed = suyuan_mediation_agreement_unperformed
    return module


def test_not_performed_calls_the_hook_another_pillar_implements(make_deployment):
    seen: list = []
    d = make_deployment(plugins=["self_governance"],
                        extra_plugins={"fake_rule_of_law": _judicial_confirmation_plugin(seen)})
    sg = service(d)
    sg.roster.save_mediators(MEDIATORS)
    sg.roster.save_body(committee_input())
    case = new_case(d)
    sg.sessions.record(session_input(case.id), actor="t")
    a = sg.agreements.draft(agreement_input(case.id, form="oral", committee=None), actor="t")
    with pytest.raises(Conflict, match="before the agreement took effect"):
        sg.agreements.follow_up(a.id, "2026-03-01", "not_performed", actor="t")
    a, notes = sg.agreements.follow_up(a.id, "2026-04-02", "not_performed", actor="t")
    assert seen == [(case.id, a.id, "2026-03-05", "not_performed")]
    assert notes == [f"司法确认申请已登记 for agreement {a.id}"]
    assert a.status == "not_performed" and a.checks[0]["follow_up"] == notes
    assert kinds(d, case.id)[-1] == "self_governance.performance"
    year = Period.containing("year", dt.date(2026, 3, 1))
    assert d.metric_service.figure("agreement_performance_rate", "C", year).value == 0.0


def test_follow_up_needs_an_effective_agreement(settled):
    sg, case = settled
    a = sg.agreements.draft(agreement_input(case.id), actor="t")
    with pytest.raises(Conflict, match="has not taken effect"):
        sg.agreements.follow_up(a.id, "2026-04-01", "performed", actor="t")
    assert count(sg.d, m.performance_checks) == 0


def test_performed_without_a_hook(settled):
    sg, case = settled
    a = sg.agreements.draft(agreement_input(case.id, form="oral", committee=None), actor="t")
    a, notes = sg.agreements.follow_up(a.id, "2026-04-01", "performed", actor="t")
    assert a.status == "performed" and notes == []
    with pytest.raises(Conflict, match="already found performed"):
        sg.agreements.follow_up(a.id, "2026-04-02", "not_performed", actor="t")
