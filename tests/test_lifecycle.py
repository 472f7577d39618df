"""The case lifecycle: legal paths, illegal transitions, escalation, concurrency."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from suyuan_core import (
    ConcurrentUpdate,
    IllegalTransition,
    Level,
    NewCase,
    Status,
    ValidationError,
    allowed_actions,
)
from suyuan_core.tables import case_events, cases


def count(deployment, table) -> int:
    with deployment.reading() as s:
        return s.scalar(select(func.count()).select_from(table))


def test_full_path_writes_one_event_per_change(deployment, factories):
    case = factories.case("closed")
    assert case.status is Status.closed
    timeline = deployment.cases.timeline(case.id)
    assert [e.kind for e in timeline] == ["reported", "accept", "assign", "start", "resolve", "close"]
    assert [e.seq for e in timeline] == [1, 2, 3, 4, 5, 6]
    assert case.version == 6
    assert case.outcome == "resolved"
    assert case.closed_at is not None
    assert case.deadline is not None  # set on accept: 30 calendar days by default
    assert case.deadline - timeline[1].occurred_at == dt.timedelta(days=30)


def test_illegal_transition_names_status_and_allowed_and_writes_nothing(deployment, factories):
    case = factories.case("reported")
    before = count(deployment, case_events)
    with pytest.raises(IllegalTransition) as err:
        deployment.cases.act(case.id, "resolve", actor="t")
    message = str(err.value)
    assert "'reported'" in message and "accept" in message and "withdraw" in message
    assert err.value.allowed == tuple(allowed_actions("reported"))
    assert count(deployment, case_events) == before
    assert deployment.cases.get(case.id).version == 1


def test_unknown_action_is_a_validation_error(deployment, factories):
    case = factories.case()
    with pytest.raises(ValidationError, match="unknown action 'fly'"):
        deployment.cases.act(case.id, "fly", actor="t")


def test_assign_needs_handlers(deployment, factories):
    case = factories.case("accepted")
    with pytest.raises(ValidationError, match="assignees"):
        deployment.cases.act(case.id, "assign", actor="t", data={"assignees": []})
    assert deployment.cases.get(case.id).status is Status.accepted


def test_escalation_climbs_the_tree_and_records_why(deployment, factories):
    case = factories.case("in_progress", area_code="C.T1.C1.G1")
    assert case.level is Level.grid
    steps = []
    for _ in range(4):
        case = deployment.cases.act(case.id, "escalate", actor="t", reason="调解不成，需上级协调")
        steps.append((case.level.name, case.handling_area_code))
        if case.level is not Level.court:
            case = deployment.cases.act(case.id, "assign", actor="t",
                                        data={"assignees": ["person:X"]})
    assert steps == [("community", "C.T1.C1"), ("town", "C.T1"), ("county", "C"), ("court", None)]
    assert case.status is Status.referred
    events = [e for e in deployment.cases.timeline(case.id) if e.kind == "escalate"]
    assert all(e.reason == "调解不成，需上级协调" for e in events)
    with pytest.raises(IllegalTransition):
        deployment.cases.act(case.id, "escalate", actor="t", reason="again")


def test_escalation_needs_a_reason(deployment, factories):
    case = factories.case("accepted")
    with pytest.raises(ValidationError, match="why"):
        deployment.cases.act(case.id, "escalate", actor="t")


def test_expected_version_refuses_a_stale_write(deployment, factories):
    case = factories.case("accepted")
    deployment.cases.note(case.id, "电话联系当事人", actor="a")
    with pytest.raises(ConcurrentUpdate, match="version"):
        deployment.cases.act(case.id, "withdraw", actor="b", expected_version=case.version)
    assert deployment.cases.get(case.id).status is Status.accepted


def test_concurrent_transitions_lose_no_update(deployment, factories):
    case = factories.case("in_progress")
    errors: list[Exception] = []

    def write(i: int) -> None:
        try:
            for j in range(5):
                deployment.cases.note(case.id, f"note {i}-{j}", actor=f"w{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    timeline = deployment.cases.timeline(case.id)
    assert len(timeline) == 4 + 20
    assert [e.seq for e in timeline] == list(range(1, 25))
    assert deployment.cases.get(case.id).version == 24


def test_create_is_idempotent_on_source_ref(deployment):
    new = NewCase(title="噪音扰民", category="neighbour", source="hotline_12345",
                  area_code="C.T1.C1", source_ref="WO-1")
    first = deployment.cases.create(new, actor="t")
    again = deployment.cases.create(new, actor="t")
    assert again.id == first.id
    assert count(deployment, cases) == 1
    assert first.kind == "appeal"  # the source's default kind


@pytest.mark.parametrize(("field", "value", "message"), [
    ("category", "nope", "unknown category"),
    ("source", "pigeon", "unknown source"),
    ("area_code", "X.Y", "no area"),
    ("level", "micro_grid", "below the case's area"),
])
def test_bad_new_case_is_refused_and_nothing_written(deployment, factories, field, value, message):
    with pytest.raises(Exception, match=message):
        deployment.cases.create(factories.new_case(**{field: value, "area_code":
                                                      value if field == "area_code" else "C.T1.C1"}),
                                actor="t")
    assert count(deployment, cases) == 0
    assert count(deployment, case_events) == 0


def test_backdated_event_before_the_last_is_refused(deployment, factories):
    case = factories.case("reported")
    with pytest.raises(ValidationError, match="before the case's last event"):
        deployment.cases.act(case.id, "accept", actor="t",
                             occurred_at=case.reported_at - dt.timedelta(days=1))


def test_callback_rules(deployment, factories):
    case = factories.case("closed")
    with pytest.raises(ValidationError, match="not a rating"):
        deployment.cases.callback(case.id, actor="t", reached=True, satisfaction="meh")
    with pytest.raises(ValidationError, match="not reached"):
        deployment.cases.callback(case.id, actor="t", reached=False, satisfaction="satisfied")
    case = deployment.cases.callback(case.id, actor="t", reached=True, satisfaction="satisfied")
    assert case.satisfaction == "satisfied"


def test_reopen_after_close(deployment, factories):
    case = factories.case("closed")
    case = deployment.cases.act(case.id, "reopen", actor="t", reason="回访不满意")
    assert case.status is Status.in_progress
    assert case.closed_at is None and case.outcome is None
