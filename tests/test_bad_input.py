"""Issue 14 probes kept as tests: every bad input gets a 4xx that names what is wrong, never a 5xx,
and writes nothing (the corpus is built from the OpenAPI document: see
suyuan_core.testing.badinput, which plugins run over their own routes)."""

from __future__ import annotations

from typing import Any

import pytest

from suyuan_core import bounds
from suyuan_core.errors import ValidationError
from suyuan_core.metrics.periods import parse_period
from suyuan_core.testing.badinput import BAD_PERIODS, bad_requests, run_corpus

PLUGINS = ["self_governance", "smart"]


@pytest.fixture
def site(deployment: Any) -> Any:
    """The app over HTTPS (the session cookie is Secure), signed in as the demo admin."""
    from litestar.testing import TestClient

    from suyuan_core.accounts import DEMO_PASSWORD, ensure_demo_users
    from suyuan_core.web import create_app

    ensure_demo_users(deployment)
    with TestClient(create_app(deployment), base_url="https://testserver.local") as client:
        r = client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD},
                        follow_redirects=False)
        assert r.status_code == 303
        client.deployment = deployment  # type: ignore[attr-defined]
        yield client


def csrf_of(client: Any) -> str:
    import re

    html = client.get("/cases/new").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


@pytest.fixture
def full(make_deployment: Any) -> Any:
    return make_deployment(plugins=PLUGINS)


@pytest.fixture
def full_api(full: Any) -> Any:
    from suyuan_core.testing.http import ApiClient

    with ApiClient(full) as client:
        yield client


def test_corpus_over_every_route_finds_no_5xx_and_writes_nothing(full_api: Any,
                                                                  factories: Any) -> None:
    d = full_api.deployment
    from suyuan_core.testing.factories import Factories

    Factories(d).case()  # a case with id 1, so bad input meets a real record too
    # every role at the county: the requests meet the validation, not the permission check
    admin = full_api.as_role("admin", "C", *[(c, "C") for c in d.roles.codes() if c != "admin"])
    spec = full_api.get("/api/v1/schema/openapi.json").json()
    corpus = bad_requests(spec) + bad_requests(spec, prefix="/open311")
    report = run_corpus(full_api, admin, corpus=corpus)
    print(f"bad-input corpus: {report.sent} requests, statuses {sorted(report.statuses.items())}")
    assert report.sent > 300
    assert report.problems == []
    assert not any(code >= 500 for code in report.statuses)


@pytest.mark.parametrize("text", BAD_PERIODS)
def test_periods_at_the_edges_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_period(text)
    assert info.value.field == "period"


def test_periods_at_the_bounds_still_work_with_their_series() -> None:
    for text in (f"{bounds.YEARS[0]}", f"{bounds.YEARS[1]}-12-31", f"{bounds.YEARS[1]}-W52"):
        p = parse_period(text)
        assert p.previous(11).start.year >= bounds.YEARS[0] - 12
        assert p.end.year <= bounds.YEARS[1] + 1


@pytest.mark.parametrize("period", ["0001", "0001-Q1", "9999-12-31", "0001-W01"])
@pytest.mark.parametrize("view", ["", "/series", "/drill"])
def test_metric_views_refuse_edge_periods(api: Any, period: str, view: str) -> None:
    h = api.as_role("admin", "C")
    r = api.get(f"/api/v1/metrics/on_time_rate{view}?period={period}", headers=h)
    assert r.status_code == 422
    assert r.json()["field"] == "period"


@pytest.mark.parametrize("page", ["/dashboard", "/cases?metric=on_time_rate"])
def test_pages_refuse_edge_periods_with_a_readable_page(site: Any, page: str) -> None:
    sep = "&" if "?" in page else "?"
    r = site.get(f"{page}{sep}period=0001-W01", headers={"accept": "text/html"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert "0001-W01" in r.text


def test_a_page_for_an_unknown_or_non_numeric_id_is_a_readable_page(site: Any) -> None:
    for url, status in (("/cases/abc", 400), (f"/cases/{2**70}", 422), ("/cases/99", 404)):
        r = site.get(url, headers={"accept": "text/html"})
        assert r.status_code == status, url
        assert r.headers["content-type"].startswith("text/html")
        assert "<html" in r.text and "case_id" in r.text


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00"])
def test_occurred_at_at_the_edges_is_refused_and_nothing_written(api: Any, when: str) -> None:
    h = api.as_role("mediator", "C")
    r = api.post("/api/v1/cases", headers=h, json={
        "title": "t", "category": "neighbour", "source": "walk_in", "area_code": "C.T1.C1.G1",
        "occurred_at": when})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "occurred_at"
    assert api.get("/api/v1/cases", headers=h).json()["items"] == []


@pytest.mark.parametrize("param", ["reported_from", "reported_to"])
def test_list_filters_at_the_edges(api: Any, param: str) -> None:
    h = api.as_role("mediator", "C")
    # a filter bound beyond the stored years excludes nothing (or everything): it is moved to
    # the edge of the range, never overflows
    r = api.get(f"/api/v1/cases?{param}=0001-01-01T00:00:00%2B14:00", headers=h)
    assert r.status_code == 200 and isinstance(r.json()["items"], list)
    r = api.get(f"/api/v1/cases?{param}=9999-12-31T23:59:59Z", headers=h)
    assert r.status_code == 200 and isinstance(r.json()["items"], list)


def test_audit_since_at_the_edge(api: Any) -> None:
    h = api.as_role("admin", "C")
    r = api.get("/api/v1/audit?since=0001-01-01T00:00:00%2B14:00", headers=h)
    assert r.status_code == 200  # moved to the edge of the stored years: excludes nothing
    assert api.get("/api/v1/audit?since=9999-12-31T23:59:59Z", headers=h).status_code == 200


def test_deep_json_is_refused_naming_the_body(api: Any) -> None:
    h = {**api.as_role("mediator", "C"), "content-type": "application/json"}
    r = api.post("/api/v1/cases", headers=h, content=b"[" * 100_000 + b"]" * 100_000)
    assert r.status_code in (400, 422) and r.json()["field"] == "body"


def test_body_over_the_cap_is_413(api: Any) -> None:
    h = {**api.as_role("mediator", "C"), "content-type": "application/json"}
    r = api.post("/api/v1/cases", headers=h, content=b'{"title": "' + b"x" * (
        bounds.MAX_BODY_BYTES + 10) + b'"}')
    assert r.status_code == 413
    assert str(bounds.MAX_BODY_BYTES) in r.json()["hint"]


def test_ids_beyond_64_bits(api: Any) -> None:
    h = api.as_role("mediator", "C")
    for url in (f"/api/v1/cases/{2**70}", f"/api/v1/cases/{2**70}/notes"):
        r = api.get(url, headers=h) if url.endswith(str(2**70)) else api.post(
            url, headers=h, json={"text": "x"})
        assert r.status_code in (400, 404, 422), r.text
        assert r.json()["field"] == "case_id"


def test_a_non_numeric_id_says_so(api: Any) -> None:
    h = api.as_role("mediator", "C")
    r = api.get("/api/v1/cases/abc", headers=h)
    assert r.status_code == 400
    assert r.json()["field"] == "case_id" and "not a number" in r.json()["message"]


@pytest.mark.parametrize("url,name", [("/api/v1/smart/classify", "text"),
                                       ("/api/v1/self_governance/rules/1/diff", None),
                                       ("/api/v1/self_governance/patrols/coverage", None)])
def test_missing_query_parameter_is_named(full_api: Any, url: str, name: str | None) -> None:
    h = full_api.as_role("admin", "C")
    r = full_api.get(url, headers=h)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["field"], body
    if name:
        assert body["field"] == name
    assert "required" in body["message"]


def test_title_of_600_characters_through_the_web_form_is_refused(site: Any) -> None:
    from suyuan_core import CaseFilter

    token = csrf_of(site)
    r = site.post("/cases/new", data={"csrf_token": token, "title": "长" * 600,
                                      "category": "neighbour", "source": "walk_in",
                                      "area_code": "C.T1.C1.G1"}, follow_redirects=False)
    assert r.status_code == 422
    assert "500" in r.text and "title" in r.text  # the page names the field and the limit
    assert site.deployment.case_query.page(CaseFilter(), limit=5).cases == []


def test_invalid_utf8_in_a_form_is_refused_not_decoded_as_latin1(site: Any) -> None:
    from suyuan_core import CaseFilter

    token = csrf_of(site)
    for title in ("%FF%FE", "\xff\xfe"):
        body = (f"csrf_token={token}&title=").encode() + (
            title.encode("latin-1") if "%" not in title else title.encode()) + (
            b"&category=neighbour&source=walk_in&area_code=C.T1.C1.G1")
        r = site.post("/cases/new", content=body, follow_redirects=False,
                      headers={"content-type": "application/x-www-form-urlencoded",
                               "accept": "text/html"})
        assert r.status_code == 422, r.text
        assert "UTF-8" in r.text
    assert site.deployment.case_query.page(CaseFilter(), limit=5).cases == []


def test_bounds_are_documented_in_one_table() -> None:
    rows = bounds.rows()
    assert {"title", "description", "note", "date/time", "period", "JSON nesting"} <= {
        r[0] for r in rows}
    # the DTO's constraint is the declared bound, not a copy
    import msgspec

    from suyuan_core.web.dto import NewCaseIn

    info = msgspec.inspect.type_info(NewCaseIn)
    title = next(f for f in info.fields if f.name == "title")  # type: ignore[attr-defined]
    assert title.type.max_length == bounds.TITLE.max_length


def test_docs_bounds_is_generated_from_the_declaration() -> None:
    from pathlib import Path

    doc = Path(__file__).parent.parent / "docs" / "bounds.md"
    assert doc.read_text(encoding="utf-8") == bounds.markdown()


def test_corpus_against_the_served_app_with_every_pillar(make_deployment: Any,
                                                         caplog: Any) -> None:
    """The same corpus over real HTTP (uvicorn on a loopback port, as `suyuan serve` runs it)
    with all five pillars enabled: no 5xx, every refusal says why, nothing written."""
    import logging

    import httpx

    caplog.set_level(logging.WARNING, logger="httpx")  # not a log line per request

    from suyuan_core.testing.factories import Factories
    from suyuan_core.testing.http import ApiClient
    from suyuan_core.testing.servers import app_server

    d = make_deployment(plugins=["rule_of_law", "self_governance", "virtue", "co_governance",
                                 "smart"])
    Factories(d).case()
    with ApiClient(d) as local:
        admin = local.as_role("admin", "C", *[(c, "C") for c in d.roles.codes() if c != "admin"])
    with app_server(d) as url, httpx.Client(base_url=url, timeout=60) as client:
        client.deployment = d  # type: ignore[attr-defined]
        spec = client.get("/api/v1/schema/openapi.json").json()
        corpus = bad_requests(spec) + bad_requests(spec, prefix="/open311")
        report = run_corpus(client, admin, corpus=corpus)
    print(f"served bad-input corpus: {report.sent} requests, "
          f"statuses {sorted(report.statuses.items())}")
    assert report.sent > 600
    assert report.problems == []
    assert not any(code >= 500 for code in report.statuses)
