"""Open311 GeoReport v2 at /open311/v2 through the real app: what an existing Open311 client
does (list services, read a definition, file a request, follow it by id or token), in JSON and
XML, and every error in the spec's format with nothing written."""

from __future__ import annotations

import copy
from xml.etree import ElementTree as ET

import pytest
from test_http import HTTP_CONFIG, counts

from suyuan_core import NewCase
from suyuan_core.testing.http import ApiClient

OPEN311 = "/open311/v2"
GOOD = {"api_key": "k1", "service_code": "urban_management", "lat": "30.86", "long": "104.42",
        "description": "路灯不亮", "attribute[area_code]": "C.T1.C1", "first_name": "张",
        "phone": "13800001111"}


@pytest.fixture
def d(make_deployment):
    return make_deployment(plugins=["smart"], config=HTTP_CONFIG)


@pytest.fixture
def api(d):
    with ApiClient(d) as client:
        yield client


def xml(text: str) -> ET.Element:
    return ET.fromstring(text.split("?>", 1)[1])


def test_services_and_definitions_in_json_and_xml(api):
    services = api.get(f"{OPEN311}/services.json").json()
    assert {"urban_management", "neighbour", "labour"} <= {s["service_code"] for s in services}
    root = xml(api.get(f"{OPEN311}/services.xml").text)
    assert root.tag == "services" and root.find("service/service_code") is not None
    definition = api.get(f"{OPEN311}/services/labour.json").json()
    assert [a["code"] for a in definition["attributes"]] == [
        "area_code", "urgency", "client_request_id"]
    r = api.get(f"{OPEN311}/services/labour.xml")
    assert r.headers["content-type"].startswith("text/xml")
    assert xml(r.text).find("service_code").text == "labour"


def test_file_and_follow_a_request(d, api):
    r = api.post(f"{OPEN311}/requests.json", data=GOOD)
    assert r.status_code == 201, r.text
    made = r.json()[0]
    rid, token = made["service_request_id"], made["token"]
    assert api.post(f"{OPEN311}/requests.json", data=GOOD).json()[0]["service_request_id"] == rid
    one = api.get(f"{OPEN311}/requests/{rid}.json").json()[0]
    assert (one["status"], one["service_code"], one["lat"], one["long"]) == (
        "open", "urban_management", 30.86, 104.42)
    assert one["updated_datetime"] and "张" not in str(one) and "1380000" not in str(one)
    root = xml(api.get(f"{OPEN311}/requests/{rid}.xml").text)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text == rid
    assert api.get(f"{OPEN311}/tokens/{token}.json").json() == [
        {"service_request_id": rid, "token": token}]
    listed = api.get(f"{OPEN311}/requests.json", params={"service_code": "urban_management",
                                                   "status": "open"}).json()
    assert [x["service_request_id"] for x in listed] == [rid]
    assert api.get(f"{OPEN311}/requests.json", params={"status": "closed"}).json() == []
    assert api.get(f"{OPEN311}/requests.json", params={"service_request_id": f"{rid},999"}).json()[0][
        "service_request_id"] == rid
    assert api.get(f"{OPEN311}/requests.json", params={"start_date": "2000-01-01T00:00:00Z",
                                                 "end_date": "2000-02-01T00:00:00Z"}).json() == []
    case = d.cases.get(int(rid))
    assert case.source == "open311" and d.audit.search(action="open311.request")[0].record == \
        f"case:{rid}"
    assert d.audit.search(action="open311.request")[0].actor.startswith("open311:")


def test_the_clients_own_id_makes_a_post_idempotent(d, api):
    first = api.post(f"{OPEN311}/requests.json", data={**GOOD, "attribute[client_request_id]": "app-7"})
    again = api.post(f"{OPEN311}/requests.xml", data={**GOOD, "description": "路灯不亮（补充）",
                                                "attribute[client_request_id]": "app-7"})
    assert again.status_code == 201
    assert xml(again.text).find("request/service_request_id").text == \
        first.json()[0]["service_request_id"]
    other = api.post(f"{OPEN311}/requests.json", data={**GOOD, "attribute[client_request_id]": "app-8"})
    assert other.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]


@pytest.mark.parametrize(("change", "code", "words"), [
    ({"service_code": "ufo_sighting"}, 404, "unknown service_code"),
    ({"lat": "91"}, 400, "lat"),
    ({"lat": "nan"}, 400, "lat"),
    ({"long": "east"}, 400, "long"),
    ({"long": None}, 400, "both lat and long"),
    ({"lat": None, "long": None}, 400, "location is required"),
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "stolen"}, 403, "api_key"),
    ({"description": ""}, 400, "description"),
    ({"attribute[area_code]": "C.T9"}, 404, "unknown area"),
    ({"attribute[urgency]": "yesterday"}, 400, "urgency"),
    ({"jurisdiction_id": "elsewhere"}, 404, "jurisdiction_id"),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_posts_get_spec_errors_and_write_nothing(d, api, change, code, words, fmt):
    params = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    before = counts(d)
    r = api.post(f"{OPEN311}/requests.{fmt}", data=params)
    assert r.status_code == code, r.text
    if fmt == "json":
        body = r.json()
        assert isinstance(body, list) and body[0]["code"] == code and words in body[0]["description"]
    else:
        root = xml(r.text)
        assert root.tag == "errors" and root.find("error/code").text == str(code)
        assert words in root.find("error/description").text
    assert counts(d) == before


def test_posting_is_off_without_issued_keys(make_deployment):
    cfg = copy.deepcopy(HTTP_CONFIG)
    cfg["plugins"]["smart"]["open311_api_keys"] = []
    d = make_deployment(plugins=["smart"], config=cfg)
    with ApiClient(d) as api:
        r = api.post(f"{OPEN311}/requests.json", data={**GOOD, "api_key": ""})
        assert r.status_code == 403 and "switched off" in r.json()[0]["description"]
    assert counts(d)[0] == 0


@pytest.mark.parametrize(("path", "params", "code"), [
    ("/requests.json", {"start_date": "last week"}, 400),
    ("/requests.json", {"status": "pending"}, 400),
    ("/requests.json", {"service_request_id": "one,two"}, 400),
    ("/requests.json", {"service_code": "ufo"}, 404),
    ("/requests/999.json", {}, 404),
    ("/requests/99999999999999999999999.json", {}, 404),
    ("/requests/1.txt", {}, 404),
    ("/services/ufo.json", {}, 404),
    ("/services/labour", {}, 404),
    ("/tokens/nope.xml", {}, 404),
    ("/services.json", {"jurisdiction_id": "elsewhere"}, 404),
])
def test_bad_reads_get_spec_errors(api, path, params, code):
    r = api.get(OPEN311 + path, params=params)
    assert r.status_code == code, r.text
    if path.endswith(".xml"):
        assert xml(r.text).find("error/code").text == str(code)
    else:
        assert r.json()[0]["code"] == code and r.json()[0]["description"]


def test_only_open311_cases_are_public(d, api):
    private = d.cases.create(NewCase(title="家暴求助", category="marriage_family", source="walk_in",
                                     area_code="C.T1.C1"), actor="t")
    assert api.get(f"{OPEN311}/requests/{private.id}.json").status_code == 404
    assert api.get(f"{OPEN311}/requests.json").json() == []
    listed = api.get(f"{OPEN311}/requests.json", params={"service_request_id": str(private.id)}).json()
    assert listed == []


def test_open311_follows_the_case_through_the_officers_work(d, api):
    rid = api.post(f"{OPEN311}/requests.json", data=GOOD).json()[0]["service_request_id"]
    centre = api.as_role("hotline_dispatcher", "C")
    api.post(f"/api/v1/smart/cases/{rid}/dispatch", json={"lead": "CG"}, headers=centre)
    one = api.get(f"{OPEN311}/requests/{rid}.json").json()[0]
    assert one["agency_responsible"] == "县城管局" and one["expected_datetime"]
    for action in ("start", "resolve", "close"):
        d.cases.act(int(rid), action, actor="cg")
    assert api.get(f"{OPEN311}/requests/{rid}.json").json()[0]["status"] == "closed"
