"""Open311 GeoReport v2 services: JSON and XML, errors in the spec's format."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
from suyuan_smart import open311
from suyuan_smart.open311 import Open311Error

GOOD = {"api_key": "k1", "service_code": "urban_management", "lat": "30.86", "long": "104.42",
        "description": "路灯不亮", "attribute[area_code]": "C.T1.C1", "first_name": "张"}


def test_services_and_definition(d):
    codes = [s["service_code"] for s in open311.services(d)]
    assert "urban_management" in codes and "neighbour" in codes
    assert open311.definition(d, "labour")["attributes"][0]["code"] == "area_code"
    ctype, text = open311.render("services", open311.services(d), "xml")
    assert ctype == "text/xml" and ET.fromstring(text.split("?>", 1)[1]).tag == "services"


def test_create_is_idempotent_and_can_be_followed(d):
    made = open311.create(d, GOOD)
    again = open311.create(d, GOOD)
    rid = made[0]["service_request_id"]
    assert again[0]["service_request_id"] == rid
    one = open311.request(d, rid)[0]
    assert one["status"] == "open" and one["lat"] == 30.86 and one["service_code"] == "urban_management"
    assert open311.token(d, made[0]["token"])[0]["service_request_id"] == rid
    listed = open311.requests(d, {"service_code": "urban_management", "status": "open"})
    assert [r["service_request_id"] for r in listed] == [rid]
    assert open311.requests(d, {"status": "closed"}) == []
    _, xml = open311.render("requests", listed, "xml")
    root = ET.fromstring(xml.split("?>", 1)[1])
    assert root.tag == "service_requests" and root.find("request/service_request_id").text == rid


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"service_code": "ufo_sighting"}, 404, "service_code"),
    ({"lat": "91"}, 400, "lat"),
    ({"long": "east"}, 400, "long"),
    ({"long": None}, 400, "lat"),
    ({"api_key": "nope"}, 403, "api_key"),
    ({"description": ""}, 400, "description"),
])
def test_bad_requests_get_spec_errors_and_write_nothing(d, change, code, field):
    params = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(Open311Error) as err:
        open311.create(d, params)
    assert err.value.status_code == code and err.value.field == field
    status, _, text = open311.error_body(err.value, "json")
    assert status == code and json.loads(text)[0]["code"] == code
    status, _, text = open311.error_body(err.value, "xml")
    root = ET.fromstring(text.split("?>", 1)[1])
    assert root.tag == "errors" and root.find("error/code").text == str(code)
    assert open311.requests(d, {}) == []


def test_unknown_request_and_bad_filters(d):
    with pytest.raises(Open311Error) as err:
        open311.request(d, "999")
    assert err.value.status_code == 404
    with pytest.raises(Open311Error, match="W3C"):
        open311.requests(d, {"start_date": "last week"})
    with pytest.raises(Open311Error, match="unknown service_code"):
        open311.requests(d, {"service_code": "nope"})


def test_public_reads_coarsen_the_address_and_mask_numbers_in_the_description(d):
    made = open311.create(d, {**GOOD, "address_string": "四川省成都市金堂县赵镇十里社区5组12号",
                              "lat": "30.861234", "long": "104.421987",
                              "email": "zhangsan@example.cn",
                              "description": "路灯不亮，请回电13812341234，身份证110101199001011234"})
    rid = made[0]["service_request_id"]
    for one in (open311.request(d, rid)[0],
                *[r for r in open311.requests(d, {}) if r["service_request_id"] == rid]):
        assert one["address"].startswith("四川省成都") and "12号" not in one["address"]
        assert "13812341234" not in one["description"] and "138****1234" in one["description"]
        assert "110101199001011234" not in one["description"]
        assert (one["lat"], one["long"]) == (30.861, 104.422)
        assert "zhangsan" not in json.dumps(one, ensure_ascii=False)


def test_a_town_official_sees_the_callers_address_and_email_masked(d):
    from suyuan_core.testing.http import ApiClient

    made = open311.create(d, {**GOOD, "address_string": "四川省成都市金堂县赵镇十里社区5组12号",
                              "email": "zhangsan@example.cn"})
    rid = made[0]["service_request_id"]
    with ApiClient(d) as api:
        h = api.as_role("official", "C.T1")
        case = api.get(f"/api/v1/cases/{rid}", headers=h).json()["case"]
    assert case["data"]["open311_email"] == "z***@example.cn"
    assert "12号" not in case["data"]["address"]
    assert case["data"]["location"] == "***"
