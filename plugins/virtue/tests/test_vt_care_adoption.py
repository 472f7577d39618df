"""Elderly-care standards and checks; adoption/placement review with its due date."""

from __future__ import annotations

import datetime as dt

import pytest
from suyuan_virtue import models as m
from suyuan_virtue.families import Families
from vt_testkit import access, count, user

from suyuan_core import NotFound, PermissionDenied, ValidationError


def test_care_checks_against_a_standard(d):
    f = Families(d)
    f.save_standard(code="home_care_2026", title="居家养老服务规范",
                    items=["建档", "每周探访", "紧急呼叫", "助餐"])
    official = user(d, "off", ("official", "C.T1"))
    f.check(official, standard="home_care_2026", area_code="C.T1.C1", provider="幸福院",
            checked_on="2026-04-01", met=["建档", "每周探访", "助餐"])
    with pytest.raises(ValidationError) as err:
        f.check(official, standard="home_care_2026", area_code="C.T1.C1", provider="幸福院",
                checked_on="2026-04-01", met=["跳广场舞"])
    assert err.value.field == "met"
    with pytest.raises(PermissionDenied):
        f.check(user(d, "med", ("mediator", "C.T1")), standard="home_care_2026",
                area_code="C.T1.C1", provider="x", checked_on="2026-04-01", met=[])
    assert f.compliance("C.T1") == {"checks": 1, "items_met": 3, "items_checked": 4,
                                    "rate": 75.0}
    assert count(d, m.care_checks) == 1


def test_adoption_review_due_dates_and_decision(d):
    f = Families(d)
    mz = access(d, "mz", ("civil_affairs_officer", "C.T1"))
    got = f.receive(mz, kind="adoption", area_code="C.T1.C1", received_on="2026-03-01",
                    child="孤儿小芳", applicants="张某、李某")
    assert got["due_on"] == "2026-03-31"  # 30 days, the day of receipt not counted
    assert [o["id"] for o in f.overdue(mz, dt.date(2026, 4, 1))] == [got["id"]]
    assert f.overdue(mz, dt.date(2026, 3, 31)) == []
    with pytest.raises(NotFound):
        f.decide(access(d, "off", ("official", "C.T1")), got["id"], decision="registered",
                 decided_on="2026-03-20")
    assert f.decide(mz, got["id"], decision="registered", decided_on="2026-03-20") == {
        "id": got["id"], "on_time": True}
    with pytest.raises(ValidationError):
        f.decide(mz, got["id"], decision="refused", decided_on="2026-03-21")
    with d.engine.connect() as conn:
        raw = " ".join(str(v) for v in conn.execute(m.adoption_reviews.select()).one())
    assert "孤儿小芳" not in raw and "张某" not in raw
