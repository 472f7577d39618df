"""Authorisation as a matrix: role × granted area × target area × endpoint.

The oracle is independent of the code under test: a request may succeed only when the role's
permissions (from the registry) include what the endpoint needs *and* the target area lies in the
granted area's subtree (area codes here are hierarchical: ``C.T1.C1`` is under ``C.T1``). Every
other request must be refused (403, or 404 for records outside one's areas) and write nothing.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from suyuan_core.storage import tables

API = "/api/v1"
ROLES = ["mediator", "grid_worker", "lawyer", "official", "supervisor", "admin"]
GRANTED = ["C", "C.T1", "C.T1.C1"]
TARGETS = ["C.T1.C1.G1", "C.T1.C2.G1", "C.T2.C1.G1"]
DENIED = {403, 404}


def within(area: str, granted: str) -> bool:
    return area == granted or area.startswith(granted + ".")


def counts(d) -> tuple[int, int]:
    with d.reading() as s:
        return (s.scalar(select(func.count()).select_from(tables.cases)),
                s.scalar(select(func.count()).select_from(tables.case_events)))


@pytest.fixture
def world(deployment, factories, api):
    cases = {area: factories.case("reported", area_code=area, parties=[
        {"name": "王五", "phone": "13600001111"}]) for area in TARGETS}
    for area in TARGETS:
        factories.person(areas=(area,))
    users = {(role, granted): api.as_role(role, granted, username=f"{role}-{i}".replace("_", "-"))
             for i, (role, granted) in enumerate(itertools.product(ROLES, GRANTED))}
    return cases, users


def endpoints(case_id: int, area: str):
    """(name, permissions any of which suffices, method, path, params/body)."""
    return [
        ("read", {"cases.read"}, "GET", f"/cases/{case_id}", None),
        ("unmask", {"cases.read+personal_data.unmask"}, "POST", f"/cases/{case_id}/unmask",
         {"reason": "核实身份信息"}),
        ("create", {"cases.create"}, "POST", "/cases",
         {"title": "矩阵测试", "category": "neighbour", "source": "walk_in", "area_code": area}),
        ("accept", {"cases.read+cases.transition"}, "POST", f"/cases/{case_id}/actions/accept",
         {"expected_version": 1}),
        ("assign", {"cases.read+cases.assign"}, "POST", f"/cases/{case_id}/actions/assign",
         {"expected_version": 1, "assignees": ["person:P0001"]}),
        ("escalate", {"cases.read+cases.escalate"}, "POST",
         f"/cases/{case_id}/actions/escalate", {"expected_version": 1, "reason": "矩阵测试"}),
        ("note", {"cases.read+cases.transition", "cases.read+cases.create"}, "POST",
         f"/cases/{case_id}/notes", {"text": "矩阵测试"}),
        ("callback", {"cases.read+cases.transition", "cases.read+cases.create"}, "POST",
         f"/cases/{case_id}/callback", {"reached": False}),
        ("figure", {"metrics.read"}, "GET", "/metrics/cases_received", {"area": area}),
        ("drill", {"metrics.read+cases.read"}, "GET", "/metrics/cases_received/drill",
         {"area": area}),
        ("roster", {"roster.read"}, "GET", "/roster/people", {"area": area}),
    ]


def test_no_cross_area_read_or_write_succeeds(api, deployment, world):
    cases, users = world
    roles = {r.code: set(r.permissions) for r in deployment.roles}
    metric_keys = set(deployment.metrics.codes())
    assert "cases_received" in metric_keys, metric_keys
    checked = allowed_seen = 0
    problems = []
    for (role, granted), headers in users.items():
        for area in TARGETS:
            case = cases[area]
            for name, needs, method, path, payload in endpoints(case.id, area):
                ok = within(area, granted) and any(
                    set(option.split("+")) <= roles[role] for option in needs)
                before = counts(deployment)
                if method == "GET":
                    r = api.get(API + path, params=payload, headers=headers)
                else:
                    r = api.post(API + path, json=payload, headers=headers)
                checked += 1
                if ok:
                    allowed_seen += 1
                    if r.status_code in DENIED or r.status_code >= 500:
                        problems.append(f"{role}@{granted} {name} {area}: refused {r.status_code} "
                                        f"{r.text[:200]}")
                else:
                    if r.status_code not in DENIED:
                        problems.append(f"{role}@{granted} {name} {area}: got {r.status_code} "
                                        f"{r.text[:200]}")
                    if counts(deployment) != before:
                        problems.append(f"{role}@{granted} {name} {area}: wrote despite refusal")
    assert not problems, "\n".join(problems[:30])
    assert checked == len(ROLES) * len(GRANTED) * len(TARGETS) * 11
    assert 0 < allowed_seen < checked


def test_lists_never_show_cases_outside_the_callers_areas(api, world):
    _, users = world
    for (role, granted), headers in users.items():
        for area in (None, "C", "C.T2"):
            r = api.get(f"{API}/cases", params={"area": area} if area else {}, headers=headers)
            if r.status_code == 403:
                continue  # the role cannot read cases at all
            assert r.status_code == 200, r.text
            shown = {c["area_code"] for c in r.json()["items"]}
            assert all(within(a, granted) for a in shown), (role, granted, area, shown)
            if area is None:
                assert shown == {a for a in TARGETS if within(a, granted)}, (role, granted)
