"""Open311 over a real socket, as real clients use it: the third-party ``georeport`` client
(unmodified; it reads: services, definitions, requests) and plain form POSTs with only lat/long,
against the app served by uvicorn on a loopback port; the report followed to closed and its
updates read through the ``servicerequestupdates`` extension; form bodies in the charset they
declare; a lat of 999 refused in the client's format with nothing written."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from urllib.parse import quote_from_bytes

import httpx
import pytest
import xmltodict
from georeport import GeoReport
from test_http import HTTP_CONFIG, counts

from suyuan_core.testing.http import ApiClient
from suyuan_core.testing.servers import app_server

LIFECYCLE = ["accept", "assign", "start", "resolve", "close"]


@pytest.fixture
def d(make_deployment):
    cfg = copy.deepcopy(HTTP_CONFIG)
    del cfg["plugins"]["smart"]["default_area"]  # a standard client never sends our area codes
    return make_deployment(plugins=["smart"], config=cfg)


@pytest.fixture
def base(d) -> Iterator[str]:
    with app_server(d) as url:
        yield f"{url}/open311/v2"


def post(base: str, fmt: str, body: bytes, charset: str | None = None) -> httpx.Response:
    ctype = "application/x-www-form-urlencoded" + (f"; charset={charset}" if charset else "")
    return httpx.post(f"{base}/requests.{fmt}", content=body, headers={"Content-Type": ctype},
                      timeout=30)


def form(fields: dict[str, str], charset: str = "utf-8") -> bytes:
    return "&".join(f"{k}={v}" for k, v in fields.items()).encode(charset)


POINT = {"api_key": "k1", "service_code": "urban_management", "lat": "30.86",
         "long": "104.42", "description": "路灯不亮", "address_string": "金堂县赵镇十里大道1号",
         "media_url": "https://example.org/p/1.jpg", "account_id": "u-77"}


def test_a_third_party_client_follows_a_point_only_report_to_closed(d, base):
    client = GeoReport(base)
    services = client.get_service_list()
    assert "urban_management" in {s["service_code"] for s in services}
    definition = client.get_service_definition("urban_management")
    lists = [a for a in definition["attributes"] if a["datatype"].endswith("valuelist")]
    assert lists and all(a["datatype_description"] for a in lists)
    assert GeoReport(base, output_format="xml").get_service_list()

    made = httpx.post(f"{base}/requests.json", data=POINT, timeout=30)  # lat/long, no area
    assert made.status_code == 201, made.text
    answer = made.json()[0]
    assert answer["service_notice"] and "account_id" in answer
    case = d.cases.get(int(answer["service_request_id"]))
    assert case.area_code == d.areas.tree.roots()[0]
    assert case.data["located_by"] == "county" and case.data["address"] == POINT["address_string"]
    assert case.data["open311_media_url"] == POINT["media_url"]

    for action in LIFECYCLE:
        extra = {"assignees": ["unit:CG"]} if action == "assign" else {}
        d.cases.act(case.id, action, actor="officer", data=extra)
    one = client.get_service_request(answer["service_request_id"])
    assert one["status"] == "closed" and one["media_url"] == POINT["media_url"]
    listed = client.get_service_requests(status="open,closed")
    assert answer["service_request_id"] in {r["service_request_id"] for r in listed}
    assert answer["service_request_id"] not in {
        r["service_request_id"] for r in client.get_service_requests(status="open")}

    updates = httpx.get(f"{base}/servicerequestupdates.xml", timeout=30,
                        params={"service_request_id": answer["service_request_id"]})
    assert updates.status_code == 200
    got = xmltodict.parse(updates.text)["service_request_updates"]["request_update"]
    assert [u["status"] for u in got] == ["OPEN", "INVESTIGATING", "ACTION_SCHEDULED",
                                          "IN_PROGRESS", "FIXED", "CLOSED"]
    as_json = httpx.get(f"{base}/servicerequestupdates.json", timeout=30).json()
    assert [u["update_id"] for u in as_json] == [u["update_id"] for u in got]


@pytest.mark.parametrize(("charset", "percent"), [
    ("utf-8", False), ("utf-8", True), ("gbk", False), ("gb18030", True)])
def test_form_bodies_are_read_in_the_charset_they_declare(d, base, charset, percent):
    text = "小区门口路灯坏了一周"
    fields = {**POINT, "description": text}
    if percent:
        body = "&".join(f"{k}={quote_from_bytes(v.encode(charset))}"
                        for k, v in fields.items()).encode("ascii")
    else:
        body = form(fields, charset)
    r = post(base, "json", body, charset)
    assert r.status_code == 201, r.text
    assert d.cases.get(int(r.json()[0]["service_request_id"])).description == text


def test_a_form_not_in_its_declared_charset_is_refused(d, base):
    before = counts(d)
    r = post(base, "xml", "description=路灯".encode("gbk"), "utf-8")
    assert r.status_code == 400 and "<errors>" in r.text and "utf-8" in r.text
    assert counts(d) == before


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_lat_999_is_a_clear_400_in_the_clients_format(d, base, fmt):
    before = counts(d)
    r = httpx.post(f"{base}/requests.{fmt}", data={**POINT, "lat": "999"}, timeout=30)
    assert r.status_code == 400
    if fmt == "json":
        assert r.json()[0]["code"] == 400 and "lat" in r.json()[0]["description"]
    else:
        assert xmltodict.parse(r.text)["errors"]["error"]["code"] == "400"
    assert counts(d) == before


def test_a_default_area_still_catches_point_reports(make_deployment):
    d = make_deployment(plugins=["smart"], config=HTTP_CONFIG)
    with ApiClient(d) as api:
        r = api.post("/open311/v2/requests.json", data=POINT)
    case = d.cases.get(int(r.json()[0]["service_request_id"]))
    assert case.area_code == HTTP_CONFIG["plugins"]["smart"]["default_area"]
    assert case.data["located_by"] == "default_area"


def test_the_open311_document_is_exact(d):
    """Every schemathesis check over the Open311 routes (public: no credentials sent)."""
    from suyuan_core.testing.fuzz import check_document

    # not entered as a context manager: schemathesis drives the app (and its lifespan) itself
    check_document(ApiClient(d), {}, prefixes=("/open311/",), examples=10, min_operations=11)
