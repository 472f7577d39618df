"""Counting that cannot be gamed (issue 14 point 4): repeated actions that would double count
are refused, assignment names someone on the roster, and the login throttle holds under
parallel attempts."""

from __future__ import annotations

import concurrent.futures
from typing import Any

import pytest

from suyuan_core.errors import NotAuthenticated, TooManyAttempts, ValidationError
from suyuan_core.testing.factories import Factories


def test_forty_parallel_wrong_passwords_check_exactly_the_limit(deployment: Any) -> None:
    d = deployment
    d.accounts.add_user("target", "Target", "right-password-1", actor="test")
    limit = d.config.core.web.login_max_failures

    def attempt(_: int) -> str:
        try:
            d.accounts.login("target", "wrong", ip="10.0.0.9")
        except TooManyAttempts:
            return "throttled"
        except NotAuthenticated:
            return "checked"
        return "signed in"

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(40)))
    assert results.count("checked") == limit
    assert results.count("throttled") == 40 - limit
    assert len(d.audit.search(action="login.failed")) == limit
    with pytest.raises(TooManyAttempts):  # the right password waits for the window too
        d.accounts.login("target", "right-password-1", ip="10.0.0.9")


def test_a_right_password_clears_the_count(deployment: Any) -> None:
    d = deployment
    d.accounts.add_user("u1", "U1", "right-password-1", actor="test")
    for _ in range(d.config.core.web.login_max_failures - 1):
        with pytest.raises(NotAuthenticated):
            d.accounts.login("u1", "wrong", ip="10.0.0.1")
    d.accounts.login("u1", "right-password-1", ip="10.0.0.1")
    for _ in range(d.config.core.web.login_max_failures - 1):
        with pytest.raises(NotAuthenticated):
            d.accounts.login("u1", "wrong", ip="10.0.0.1")


def test_twenty_identical_assigns_write_one_event(api: Any, deployment: Any) -> None:
    f = Factories(deployment)
    f.person(external_id="M0001")
    case = f.case("accepted")
    h = api.as_role("supervisor", "C")
    codes = []
    version = case.version
    for _ in range(20):
        r = api.post(f"/api/v1/cases/{case.id}/actions/assign", headers=h,
                     json={"expected_version": version, "assignees": ["person:M0001"]})
        codes.append(r.status_code)
        if r.status_code == 200:
            version = r.json()["version"]
    assert codes.count(200) == 1 and codes.count(422) == 19
    kinds = [e.kind for e in deployment.cases.timeline(case.id)]
    assert kinds.count("assign") == 1


@pytest.mark.parametrize("handler", ["person:NOBODY' OR 1=1", "person:", "somebody",
                                     "organisation:NOPE"])
def test_assignment_off_the_roster_is_refused(api: Any, deployment: Any, handler: str) -> None:
    case = Factories(deployment).case("accepted")
    h = api.as_role("supervisor", "C")
    r = api.post(f"/api/v1/cases/{case.id}/actions/assign", headers=h,
                 json={"expected_version": case.version, "assignees": [handler]})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "assignees[0]"
    assert deployment.cases.get(case.id).version == case.version


def test_the_service_refuses_a_repeated_assign(deployment: Any) -> None:
    case = Factories(deployment).case("assigned")
    with pytest.raises(ValidationError) as info:
        deployment.cases.act(case.id, "assign", actor="t",
                             data={"assignees": list(case.assignees)})
    assert info.value.rule == "no_change"
