"""The land-acquisition and demolition ledger: 挂号, progress, 销号 only with evidence and the
responsible unit's sign-off, overdue first, figures per unit, settled within the trade, and a
closed issue that comes back reopened rather than duplicated."""

from __future__ import annotations

import datetime as dt

import pytest
from cg_testkit import close_input, count, register_input
from suyuan_co_governance import models as m
from suyuan_co_governance.ledger import LedgerFilter, ProgressInput, ReopenInput

from suyuan_core import NotFound, Period, ValidationError, times


def test_register_progress_and_close_out(cg):
    issue, outcome = cg.ledger.register(register_input(), actor="t")
    assert outcome == "registered"
    assert issue.ref == "ZDCQ-2026-0001" and issue.status == "open"
    assert issue.unit == "U-GZ" and issue.unit_name == "县规划和自然资源局"
    assert issue.affected_count == 12 and issue.deadline == dt.date(2026, 3, 31)
    cg.ledger.progress(issue.id, ProgressInput(text="已完成重新测量", occurred_on="2026-03-10"),
                       actor="t")
    closed = cg.ledger.close_out(issue.id, close_input(), actor="t")
    assert closed.status == "closed" and closed.closed_on == dt.date(2026, 3, 20)
    assert closed.lawsuit is False
    kinds = [e["kind"] for e in closed.entries]
    assert kinds == ["register", "progress", "close_out"]
    assert closed.entries[-1]["evidence"] == ["补偿协议(12户签字)", "回访记录"]
    assert closed.entries[-1]["signed_off_by"] == "U-GZ"


@pytest.mark.parametrize("changes, field, rule", [
    ({"evidence": []}, "evidence", "required"),
    ({"evidence": ["  "]}, "evidence[0]", "required"),
    ({"signed_off_by": "U-T1"}, "signed_off_by", "responsible_unit"),
    ({"closed_on": "2026-02-01"}, "closed_on", "after_register"),
    ({"closed_on": "2999-01-01"}, "closed_on", "not_future"),
    ({"signatory": ""}, "signatory", "required"),
])
def test_a_bad_close_out_is_refused_and_writes_nothing(cg, changes, field, rule):
    issue, _ = cg.ledger.register(register_input(), actor="t")
    before = count(cg.d, m.ledger_entries)
    with pytest.raises(ValidationError) as exc:
        cg.ledger.close_out(issue.id, close_input(**changes), actor="t")
    assert exc.value.field == field and exc.value.rule == rule
    assert count(cg.d, m.ledger_entries) == before
    again = cg.ledger.get(issue.id)
    assert again.status == "open" and again.closed_on is None and again.lawsuit is None


def test_a_unit_that_is_not_responsible_is_named_in_the_refusal(cg):
    issue, _ = cg.ledger.register(register_input(), actor="t")
    with pytest.raises(ValidationError) as exc:
        cg.ledger.close_out(issue.id, close_input(signed_off_by="U-T1"), actor="t")
    assert "第1镇人民政府" in exc.value.message and "U-GZ" in exc.value.hint
    with pytest.raises(NotFound):
        cg.ledger.close_out(issue.id, close_input(signed_off_by="U-NOPE"), actor="t")
    assert cg.ledger.get(issue.id).status == "open"


@pytest.mark.parametrize("changes, field", [
    ({"affected_count": 0}, "affected_count"),
    ({"affected_count": True}, "affected_count"),
    ({"affected_count": 1, "affected": ["甲", "乙"]}, "affected"),
    ({"deadline": "2026-02-01"}, "deadline"),
    ({"deadline": "31/03/2026"}, "deadline"),
    ({"registered_on": "2999-01-01", "deadline": "2999-02-01"}, "registered_on"),
    ({"project": ""}, "project"),
    ({"area_code": "NOPE"}, "area_code"),
    ({"measures": "x" * 5001}, "measures"),
])
def test_a_bad_registration_is_refused_and_writes_nothing(cg, changes, field):
    with pytest.raises(ValidationError) as exc:
        cg.ledger.register(register_input(**changes), actor="t")
    assert exc.value.field == field
    assert count(cg.d, m.ledger_issues) == 0 and count(cg.d, m.ledger_entries) == 0


def test_an_issue_that_comes_back_is_reopened_never_duplicated(cg):
    issue, _ = cg.ledger.register(register_input(), actor="t")
    cg.ledger.close_out(issue.id, close_input(), actor="t")
    again, outcome = cg.ledger.register(register_input(
        registered_on="2026-05-04", deadline="2026-05-31", measures="补偿款未足额到位, 再次协调"),
        actor="t")
    assert outcome == "reopened" and again.id == issue.id
    assert again.status == "open" and again.reopened == 1 and again.closed_on is None
    assert again.deadline == dt.date(2026, 5, 31)
    assert [e["kind"] for e in again.entries] == ["register", "close_out", "reopen"]
    assert count(cg.d, m.ledger_issues) == 1
    # registered again while open: the same issue, nothing written
    entries = count(cg.d, m.ledger_entries)
    same, outcome = cg.ledger.register(register_input(registered_on="2026-05-05",
                                                        deadline="2026-05-31"), actor="t")
    assert outcome == "already_open" and same.id == issue.id
    assert count(cg.d, m.ledger_entries) == entries
    # closed again, then reopened explicitly
    cg.ledger.close_out(issue.id, close_input(closed_on="2026-05-20", lawsuit=True), actor="t")
    back = cg.ledger.reopen(issue.id, ReopenInput(reason="群众再次反映", deadline="2026-06-30",
                                                  occurred_on="2026-06-01"), actor="t")
    assert back.reopened == 2 and back.status == "open"


def test_reopening_an_open_issue_is_refused(cg):
    issue, _ = cg.ledger.register(register_input(), actor="t")
    from suyuan_co_governance.ledger import Conflict

    with pytest.raises(Conflict):
        cg.ledger.reopen(issue.id, ReopenInput(reason="x", deadline="2026-06-30",
                                               occurred_on="2026-04-01"), actor="t")
    cg.ledger.close_out(issue.id, close_input(), actor="t")
    with pytest.raises(Conflict):
        cg.ledger.close_out(issue.id, close_input(), actor="t")
    with pytest.raises(Conflict):
        cg.ledger.progress(issue.id, ProgressInput(text="x", occurred_on="2026-03-21"), actor="t")


def test_overdue_first_and_figures_per_unit(cg):
    _late, _ = cg.ledger.register(register_input(subject="A", deadline="2026-03-10"), actor="t")
    _later, _ = cg.ledger.register(register_input(subject="B", deadline="2026-03-05"), actor="t")
    _on_time, _ = cg.ledger.register(register_input(subject="C", deadline="2026-04-30",
                                                   unit="U-T1"), actor="t")
    done, _ = cg.ledger.register(register_input(subject="D"), actor="t")
    cg.ledger.close_out(done.id, close_input(), actor="t")
    sued, _ = cg.ledger.register(register_input(subject="E", unit="U-T1"), actor="t")
    cg.ledger.close_out(sued.id, close_input(signed_off_by="U-T1", lawsuit=True), actor="t")
    day = dt.date(2026, 3, 25)
    listed = cg.ledger.list(on=day)
    assert [i.subject for i in listed] == ["B", "A", "C", "E", "D"]
    assert [i.overdue_days(day) for i in listed[:2]] == [20, 15]
    assert [i.subject for i in cg.ledger.overdue(on=day)] == ["B", "A"]
    by_unit = {r["unit"]: r for r in cg.ledger.by_unit(on=day)}
    assert (by_unit["U-GZ"]["registered"], by_unit["U-GZ"]["overdue"],
            by_unit["U-GZ"]["closed"], by_unit["U-GZ"]["settled_within_trade"]) == (3, 2, 1, 1)
    assert (by_unit["U-T1"]["registered"], by_unit["U-T1"]["open"], by_unit["U-T1"]["lawsuits"],
            by_unit["U-T1"]["settled_within_trade_rate"]) == (2, 1, 1, 0.0)
    # filters
    assert [i.subject for i in cg.ledger.list(LedgerFilter(unit="U-T1"), on=day)] == ["C", "E"]
    assert [i.subject for i in cg.ledger.list(LedgerFilter(status="closed"), on=day)] == [
        "E", "D"]
    assert [i.subject for i in cg.ledger.list(LedgerFilter(area_paths=["/C/C.T2/"]), on=day)] \
        == []


def test_settled_within_the_trade_is_a_figure_from_the_records(cg):
    for subject, lawsuit in (("A", False), ("B", False), ("C", True)):
        issue, _ = cg.ledger.register(register_input(subject=subject), actor="t")
        cg.ledger.close_out(issue.id, close_input(lawsuit=lawsuit), actor="t")
    cg.ledger.register(register_input(subject="open"), actor="t")
    figure = cg.d.metric_service.figure("land_ledger_settled_within_trade", "C",
                                        Period("month", dt.date(2026, 3, 1)))
    assert (figure.num, figure.den) == (2, 3)
    assert figure.value == pytest.approx(66.67)
    elsewhere = cg.d.metric_service.figure("land_ledger_settled_within_trade", "C.T2",
                                           Period("month", dt.date(2026, 3, 1)))
    assert (elsewhere.num, elsewhere.den) == (0, 0)


def test_the_overdue_figure_is_taken_on_the_periods_last_day_and_drills_to_its_issues(cg):
    late, _ = cg.ledger.register(register_input(subject="A", deadline="2026-03-10"), actor="t")
    april, _ = cg.ledger.register(register_input(subject="B", deadline="2026-04-10",
                                                 registered_on="2026-03-15"), actor="t")
    done, _ = cg.ledger.register(register_input(subject="C", deadline="2026-03-05"), actor="t")
    cg.ledger.close_out(done.id, close_input(closed_on="2026-04-02"), actor="t")
    svc = cg.d.metric_service

    def overdue(month: int) -> tuple[int, list[str]]:
        period = Period("month", dt.date(2026, month, 1))
        return (svc.figure("land_ledger_overdue", "C", period).num,
                svc.records("land_ledger_overdue", "C", period))

    # on 28 Feb nothing was registered; on 31 March A and C were late (C closed only on 2 April);
    # on 30 April A and B are late — and March's figure stays March's
    assert overdue(2) == (0, [])
    assert overdue(3) == (2, [f"ledger:{late.id}", f"ledger:{done.id}"])
    assert overdue(4) == (2, [f"ledger:{late.id}", f"ledger:{april.id}"])
    # per unit, a past period is taken as it stood on its last day: C (closed on 2 April) was
    # still open and overdue on 31 March
    march = Period("month", dt.date(2026, 3, 1))
    unit = cg.ledger.by_unit(period=march, on=times.standing_day(cg.d, march))[0]
    assert (unit["registered"], unit["open"], unit["overdue"], unit["closed"]) == (3, 3, 2, 0)
    now = cg.ledger.by_unit(period=march)[0]
    assert (now["open"], now["closed"]) == (2, 1)
    # 止诉于行业 drills down to the issues closed out, and those without a lawsuit
    april_period = Period("month", dt.date(2026, 4, 1))
    assert svc.records("land_ledger_settled_within_trade", "C", april_period,
                       part="denominator") == [f"ledger:{done.id}"]
    with pytest.raises(ValidationError) as err:
        svc.drill("land_ledger_overdue", "C", april_period)
    assert err.value.rule == "drill" and "/records" in (err.value.hint or "")
