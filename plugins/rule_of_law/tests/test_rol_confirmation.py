"""司法确认 (人民调解法 Art 33; 法释〔2011〕5号): the window with holiday roll-over, joint
application, excluded matters, the court's periods, and the outcome moving the agreement's state
through the hooks — with a stand-in keeper plugin and with the real self_governance pillar."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from rol_testkit import agreement
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law.confirmation import ApplicationInput

from suyuan_core import Conflict, NotFound, ValidationError


def count(d) -> int:
    with d.reading() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(m.confirmations)))


def kinds(d, case_id) -> list[str]:
    return [e.kind for e in d.cases.timeline(case_id)]


def test_joint_application_accepted_and_confirmed_moves_the_agreement(d, rol, keeper):
    a = agreement(d, keeper, 1, effective_on="2026-03-02")
    rol.courts.guide("C.T1.C1", "金堂县人民法院赵镇人民法庭", "2025-01-01")
    app = rol.confirmations.apply(ApplicationInput(
        agreement_ref=a.ref, applied_on="2026-03-10", applicants=["刘大妈", "周大爷"]), actor="t")
    assert app.court == "金堂县人民法院赵镇人民法庭"  # the guiding court, by default
    assert app.window_ends_on == dt.date(2026, 4, 1)   # 03-02 + 30 days, a Wednesday
    assert app.accept_due_on == dt.date(2026, 3, 13)   # 3 days
    app = rol.confirmations.accept(app.id, "2026-03-12", "(2026)川0121民特7号", actor="court")
    assert app.decide_due_on == dt.date(2026, 3, 27)   # 15 days from acceptance
    app = rol.confirmations.extend(app.id, "院长 王某", actor="court")
    assert app.decide_due_on == dt.date(2026, 4, 7)    # +10 → 04-06 is 清明 holiday, rolls on
    app = rol.confirmations.decide(app.id, "2026-03-20", "confirmed", actor="court")
    assert app.status == "confirmed"
    assert keeper.decisions == [("keeper:1", "confirmed")]
    assert kinds(d, a.case_id)[-4:] == [
        "rule_of_law.confirmation_applied", "rule_of_law.confirmation_accepted",
        "rule_of_law.confirmation_extended", "rule_of_law.confirmation_decided"]
    decided = d.cases.timeline(a.case_id)[-1]
    assert decided.data["on_time"] is True and decided.data["next"] == "enforceable"


def test_day_31_is_refused_and_nothing_is_written(d, rol, keeper):
    a = agreement(d, keeper, 2, effective_on="2026-03-02")
    before = kinds(d, a.case_id)
    with pytest.raises(ValidationError) as err:
        rol.confirmations.apply(ApplicationInput(
            agreement_ref=a.ref, applied_on="2026-04-02", applicants=["刘大妈", "周大爷"]),
            actor="t")
    assert err.value.field == "applied_on" and err.value.rule == "art33_window"
    assert "day 31" in err.value.message and "2026-04-01" in err.value.message
    assert count(d) == 0 and kinds(d, a.case_id) == before


def test_the_window_rolls_over_a_holiday(d, rol, keeper):
    # effective 2026-09-01: day 30 is 10-01 (National Day); the window runs to the first working
    # day after the holiday, so an application on 10-08 is still in time.
    a = agreement(d, keeper, 3, effective_on="2026-09-01")
    app = rol.confirmations.apply(ApplicationInput(
        agreement_ref=a.ref, applied_on="2026-10-08", applicants=["刘大妈", "周大爷"],
        court="金堂县人民法院"), actor="t")
    assert app.window_ends_on >= dt.date(2026, 10, 8)


def test_one_party_alone_is_refused_unless_the_other_consents(d, rol, keeper):
    a = agreement(d, keeper, 4)
    with pytest.raises(ValidationError) as err:
        rol.confirmations.apply(ApplicationInput(
            agreement_ref=a.ref, applied_on="2026-03-05", applicants=["刘大妈"],
            court="金堂县人民法院"), actor="t")
    assert err.value.rule == "joint_application" and "周大爷" in err.value.message
    assert count(d) == 0
    app = rol.confirmations.apply(ApplicationInput(
        agreement_ref=a.ref, applied_on="2026-03-05", applicants=["刘大妈"],
        consenting=["周大爷"], court="金堂县人民法院"), actor="t")
    assert app.status == "applied" and app.consenting == ("周大爷",)


def test_a_stranger_as_applicant_is_refused(d, rol, keeper):
    a = agreement(d, keeper, 5)
    with pytest.raises(ValidationError, match="not a party"):
        rol.confirmations.apply(ApplicationInput(
            agreement_ref=a.ref, applied_on="2026-03-05", applicants=["刘大妈", "周大爷", "路人"],
            court="金堂县人民法院"), actor="t")


@pytest.mark.parametrize("category,matter", [("marriage", None), ("adoption", None),
                                             ("neighbour", "identity")])
def test_excluded_matters_are_refused(d, rol, keeper, category, matter):
    a = agreement(d, keeper, 6, category=category)
    with pytest.raises(ValidationError) as err:
        rol.confirmations.apply(ApplicationInput(
            agreement_ref=a.ref, applied_on="2026-03-05", applicants=["刘大妈", "周大爷"],
            court="金堂县人民法院", matter=matter), actor="t")
    assert err.value.rule == "excluded_matter" and count(d) == 0


def test_an_agreement_not_in_effect_or_unknown_is_refused(d, rol, keeper):
    a = agreement(d, keeper, 7, effective_on=None)
    with pytest.raises(Conflict, match="not taken effect"):  # the agreement's state: a 409
        rol.confirmations.apply(ApplicationInput(
            agreement_ref=a.ref, applied_on="2026-03-05", applicants=["刘大妈", "周大爷"],
            court="x"), actor="t")
    with pytest.raises(NotFound):
        rol.confirmations.apply(ApplicationInput(
            agreement_ref="keeper:999", applied_on="2026-03-05", applicants=["刘大妈"]),
            actor="t")


def test_refused_means_re_mediate_or_sue_and_periods_are_configurable(make_deployment, keeper):
    from rol_testkit import people
    from suyuan_rule_of_law.service import service

    d = make_deployment(plugins=["rule_of_law"], extra_plugins={"keeper": keeper}, config={
        "plugins": {"rule_of_law": {"confirmation_window_days": 10, "court_accept_days": 5,
                                    "court_decide_days": 30}}})
    people(d)
    rol = service(d)
    a = agreement(d, keeper, 8, effective_on="2026-03-02")
    with pytest.raises(ValidationError, match="within 10 days"):
        rol.confirmations.apply(ApplicationInput(
            agreement_ref=a.ref, applied_on="2026-03-13", applicants=["刘大妈", "周大爷"],
            court="c"), actor="t")
    app = rol.confirmations.apply(ApplicationInput(
        agreement_ref=a.ref, applied_on="2026-03-12", applicants=["刘大妈", "周大爷"], court="c"),
        actor="t")
    assert app.accept_due_on == dt.date(2026, 3, 17)
    app = rol.confirmations.accept(app.id, "2026-03-13", "(2026)川0121民特8号", actor="c")
    assert app.decide_due_on == dt.date(2026, 4, 13)  # 03-13 + 30 = 04-12 (Sunday) → Monday
    with pytest.raises(ValidationError, match="reason"):
        rol.confirmations.decide(app.id, "2026-03-20", "refused", actor="c")
    app = rol.confirmations.decide(app.id, "2026-03-20", "refused", reason="违反法律强制性规定",
                                   actor="c")
    assert keeper.decisions == [("keeper:8", "refused")]
    assert d.cases.timeline(a.case_id)[-1].data["next"] == "re_mediate_or_sue"


def test_the_court_steps_in_order(d, rol, keeper):
    a = agreement(d, keeper, 9)
    app = rol.confirmations.apply(ApplicationInput(
        agreement_ref=a.ref, applied_on="2026-03-05", applicants=["刘大妈", "周大爷"], court="c"),
        actor="t")
    with pytest.raises(ValidationError, match="needs accepted"):
        rol.confirmations.decide(app.id, "2026-03-06", "confirmed", actor="c")
    with pytest.raises(ValidationError) as err:
        rol.confirmations.accept(app.id, "2026-03-06", "123", actor="c")
    assert err.value.field == "court_case_number"
    with pytest.raises(Conflict, match="already"):  # pending already: the state, a 409
        rol.confirmations.apply(ApplicationInput(
            agreement_ref=a.ref, applied_on="2026-03-06", applicants=["刘大妈", "周大爷"],
            court="c"), actor="t")
