"""The residents' page (/residents) over a real socket, as a phone's browser uses it without
JavaScript: the form lists the Open311 services, a tap on the map sets the point, the appeal is
filed through the deployment's own Open311 endpoint (a real HTTP POST the audit log records),
the tracking code leads to the status and the updates, the rating is the core's callback
counted by satisfaction_rate, once; bad input, a missing CSRF token and too many requests from
one address are refused with a readable page and nothing written."""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterator

import attrs
import httpx
import pytest
from conftest import CONFIG, TZ
from PIL import Image
from sqlalchemy import func, select
from suyuan_smart.models import resident_appeals
from suyuan_smart.residents import store

from suyuan_core import parse_period, tables
from suyuan_core.testing.factories import standard_areas
from suyuan_core.testing.servers import app_server

LIFECYCLE = ["accept", "assign", "start", "resolve", "close"]


def box(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1],
                                                [x0, y0]]]}


#: the test county's places: town 1 west of 104.5, town 2 east; communities split by latitude.
BOXES = {"C": box(104.0, 30.0, 105.0, 30.5), "C.T1": box(104.0, 30.0, 104.5, 30.5),
         "C.T2": box(104.5, 30.0, 105.0, 30.5)}
for t, x0 in (("C.T1", 104.0), ("C.T2", 104.5)):
    BOXES[f"{t}.C1"] = box(x0, 30.0, x0 + 0.5, 30.25)
    BOXES[f"{t}.C2"] = box(x0, 30.25, x0 + 0.5, 30.5)


def residents_config(**extra: object) -> dict:
    cfg = copy.deepcopy(CONFIG)
    cfg["plugins"]["smart"].update({"residents_api_key": "k1", "missing_year": "flag",
                                    **extra})
    del cfg["plugins"]["smart"]["default_area"]
    cfg["web"] = {"secure_cookies": False, "trusted_proxies": ["127.0.0.1"]}
    return cfg


def placed(make_deployment, **extra: object):
    d = make_deployment(plugins=["smart"], config=residents_config(**extra))
    d.areas.import_areas([attrs.evolve(a, boundary=BOXES.get(a.code))
                          for a in standard_areas()])
    d.areas.refresh()
    return d


@pytest.fixture
def d(make_deployment):
    return placed(make_deployment)


@pytest.fixture
def base(d) -> Iterator[str]:
    with app_server(d) as url:
        yield url


@pytest.fixture
def browser(base) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30, follow_redirects=False) as client:
        yield client


def counts(d) -> tuple[int, int, int]:
    with d.reading() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (
            tables.cases, tables.case_events, resident_appeals))  # type: ignore[return-value]


def opened(client: httpx.Client, path: str = "/residents") -> dict[str, str]:
    """The form's hidden fields, as a browser would send them back."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    return dict(re.findall(r'name="(_csrf_token|submission)" value="([^"]*)"', page.text))


def photo(fmt: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make; a GPS block would be stripped the same way
    img.save(out, fmt, exif=exif) if fmt == "JPEG" else img.save(out, fmt)
    return out.getvalue()


APPEAL = {"category": "urban_management", "text": "路灯不亮，晚上很黑", "lat": "30.1",
          "long": "104.1", "name": "王小明", "phone": "13900001234"}


def file(client: httpx.Client, fields: dict[str, str], files: dict | None = None,
         headers: dict | None = None) -> httpx.Response:
    hidden = opened(client)
    return client.post("/residents/appeal", data={**hidden, **fields},
                       files=files or {"photo": ("", b"", "application/octet-stream")},
                       headers=headers)


def test_an_appeal_filed_followed_to_closed_and_rated_once(d, browser):
    page = browser.get("/residents")
    assert page.status_code == 200 and "城市管理" in page.text and 'type="image"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    made = file(browser, APPEAL, files={"photo": ("lamp.jpg", photo(), "image/jpeg")})
    assert made.status_code == 303, made.text
    code = re.search(r"code=([0-9A-Z-]+)", made.headers["location"]).group(1)
    assert store.normal(code) == code and len(code) == 14

    with d.reading() as s:
        case = d.cases.get(s.scalar(select(resident_appeals.c.case_id)))
    assert case.source == "open311" and case.area_code == "C.T1.C1"
    assert case.data["located_by"] == "boundary"
    assert case.parties[0].phone == "13900001234"
    # filed through the Open311 endpoint over HTTP (its own audit entry), and by the page
    assert d.audit.search(action="open311.request")[0].record == f"case:{case.id}"
    filed = d.audit.search(action="smart.residents.file")[0]
    assert filed.record == f"case:{case.id}" and filed.ip == "127.0.0.1"

    status = browser.get(made.headers["location"])
    assert status.status_code == 200 and code in status.text and "已登记" in status.text
    assert "139****1234" not in status.text and "13900001234" not in status.text
    img = re.search(r'src="(/residents/photos/[0-9a-f]+)"', status.text).group(1)
    assert case.data["open311_media_url"] == img
    served = browser.get(img)
    assert served.headers["content-type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(served.content)).getexif()  # EXIF stripped
    assert 'name="rating"' not in status.text  # not closed yet: nothing to rate

    for action in LIFECYCLE:
        extra = {"assignees": ["organisation:CG"]} if action == "assign" else {}
        d.cases.act(case.id, action, actor="officer", data=extra)
    closed = browser.get(f"/residents/track?code={code.lower()}")
    for word in ("已受理", "已派单", "办理中", "已办结", "已结案"):
        assert word in closed.text
    assert 'name="rating"' in closed.text

    hidden = dict(re.findall(r'name="(_csrf_token)" value="([^"]*)"', closed.text))
    rated = browser.post("/residents/rate", data={**hidden, "code": code,
                                                  "rating": "satisfied"})
    assert rated.status_code == 303, rated.text
    callback = [e for e in d.cases.timeline(case.id) if e.kind == "callback"]
    assert len(callback) == 1 and callback[0].data["satisfaction"] == "satisfied"
    period = parse_period(callback[0].occurred_at.astimezone(TZ).strftime("%Y-%m"))
    fig = d.metric_service.figure("satisfaction_rate", "C", period)
    assert (fig.numerator, fig.denominator) == (1, 1)
    assert d.metric_service.drill("satisfaction_rate", "C", period) == [case.id]

    before = counts(d)
    again = browser.post("/residents/rate", data={**hidden, "code": code,
                                                  "rating": "dissatisfied", "comment": "x"})
    assert again.status_code == 422 and "已评价" in again.text
    assert counts(d) == before and len(
        [e for e in d.cases.timeline(case.id) if e.kind == "callback"]) == 1
    assert "满意" in browser.get(f"/residents/track?code={code}").text



def test_a_tap_on_the_map_sets_the_point_and_keeps_what_was_typed(d, browser):
    hidden = opened(browser)
    # the map is 320 × 174 px over long 103.97…105.03, lat 29.985…30.515: (80, 30) is
    # about long 104.235, lat 30.42 — community 2 of town 1
    tapped = browser.post("/residents/point", data={**hidden, "text": "井盖丢了",
                                                    "category": "urban_management",
                                                    "map.x": "80", "map.y": "30"},
                          files={"photo": ("", b"", "application/octet-stream")})
    assert tapped.status_code == 200, tapped.text
    lat = float(re.search(r'name="lat" inputmode="decimal" value="([^"]+)"', tapped.text)[1])
    lon = float(re.search(r'name="long" inputmode="decimal" value="([^"]+)"', tapped.text)[1])
    assert 104.2 < lon < 104.27 and 30.35 < lat < 30.5
    assert "井盖丢了" in tapped.text and f"lat={lat}&amp;long={lon}" in tapped.text
    assert hidden["submission"] in tapped.text  # the same submission: one appeal, never two
    # the map is now three times closer around the point: a second tap refines it
    view = re.search(r'name="view" value="([^"]+)"', tapped.text)[1]
    west, south, east, north = (float(v) for v in view.split(","))
    assert west < lon < east and south < lat < north and east - west < 0.36
    closer = browser.post("/residents/point", data={**hidden, "view": view, "map.x": "160",
                                                    "map.y": "87", "text": "井盖丢了"},
                          files={"photo": ("", b"", "application/octet-stream")})
    lat2 = float(re.search(r'name="lat" inputmode="decimal" value="([^"]+)"', closer.text)[1])
    lon2 = float(re.search(r'name="long" inputmode="decimal" value="([^"]+)"', closer.text)[1])
    # the centre of the closer map (held inside the county frame: a few pixels off at its edge)
    assert abs(lat2 - lat) < 0.005 and abs(lon2 - lon) < 0.002
    assert 'value="out"' in closer.text and "view=" in closer.text
    whole = browser.post("/residents/point", data={**hidden, "view": view, "zoom": "out",
                                                   "lat": str(lat), "long": str(lon)},
                         files={"photo": ("", b"", "application/octet-stream")})
    assert 'name="view" value=""' in whole.text and f'value="{lat}"' in whole.text
    forged = browser.get("/residents/map.svg?view=0,0,1,1")  # outside the county: the county
    assert forged.status_code == 200 and "第1镇" in forged.text
    zoomed_svg = browser.get(f"/residents/map.svg?view={view}")
    assert "1镇2社区" in zoomed_svg.text  # closer in, the communities are drawn
    assert counts(d) == (0, 0, 0) and not d.audit.search(action="smart.http")
    svg = browser.get(f"/residents/map.svg?lat={lat}&long={lon}")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<circle" in svg.text
    assert "第1镇" in svg.text and "第2镇" in svg.text
    made = browser.post("/residents/appeal", data={
        **hidden, "text": "井盖丢了", "category": "urban_management", "lat": str(lat),
        "long": str(lon)}, files={"photo": ("", b"", "application/octet-stream")})
    assert made.status_code == 303
    again = browser.post("/residents/appeal", data={
        **hidden, "text": "井盖丢了", "category": "urban_management", "lat": str(lat),
        "long": str(lon)}, files={"photo": ("", b"", "application/octet-stream")})
    assert again.headers["location"] == made.headers["location"]  # sent twice: one appeal
    assert counts(d)[0] == 1 and counts(d)[2] == 1
    case = d.cases.get(1)
    assert case.area_code == "C.T1.C2"


def _png_with_text() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10


@pytest.mark.parametrize(("fields", "files", "words"), [
    ({"text": ""}, None, "请写明诉求"),
    ({"category": "no_such"}, None, "请选择类别"),
    ({"lat": "999", "long": "104.1"}, None, "位置有误"),
    ({"lat": "30.1", "long": ""}, None, "位置有误"),
    ({"lat": "45.0", "long": "104.1"}, None, "outside every"),  # Open311's own refusal
    ({"lat": "", "long": "", "address": ""}, None, "请在地图上点选位置或填写地址"),
    ({"phone": "call me"}, None, "电话号码有误"),
    ({}, {"photo": ("x.png", _png_with_text(), "image/png")}, "这不是照片"),
    ({}, {"photo": ("x.gif", b"GIF89a" + b"\0" * 100, "image/gif")}, "这不是照片"),
    ({}, {"photo": ("big.png", None, "image/png")}, "照片太大"),
])
def test_bad_input_is_the_form_again_naming_the_fix_and_writes_nothing(
        make_deployment, fields, files, words):
    d = placed(make_deployment, residents_photo_max_bytes=20_000)
    if files and files["photo"][1] is None:  # a real photo over the limit (noise resists JPEG)
        big = Image.effect_noise((150, 150), 90).convert("RGB")
        out = io.BytesIO()
        big.save(out, "PNG")
        files = {"photo": ("big.png", out.getvalue(), "image/png")}
    with app_server(d) as base, httpx.Client(base_url=base, timeout=30) as client:
        before = counts(d)
        r = file(client, {**APPEAL, **fields}, files=files)
        assert r.status_code in (422, 400), r.text
        assert words in r.text and "text/html" in r.headers["content-type"]
        assert APPEAL["name"] in r.text  # what was typed is kept
        assert counts(d) == before and not d.audit.search(action="smart.residents.file")
        assert not d.audit.search(action="open311.request")


def test_without_the_form_token_nothing_is_filed(d, browser):
    browser.get("/residents")  # the cookie, but no token in the form
    r = browser.post("/residents/appeal", data=APPEAL,
                     files={"photo": ("", b"", "application/octet-stream")})
    assert r.status_code == 403 and "表单已过期" in r.text
    with httpx.Client(base_url=str(browser.base_url), timeout=30) as other:
        hidden = opened(browser)  # a token from another browser's cookie
        stolen = other.post("/residents/appeal", data={**hidden, **APPEAL},
                            files={"photo": ("", b"", "application/octet-stream")})
        assert stolen.status_code == 403
    assert counts(d) == (0, 0, 0)


def test_too_many_filings_from_one_address_are_refused_readably(make_deployment):
    d = placed(make_deployment, residents_filings_per_hour=2)
    with app_server(d) as base, httpx.Client(base_url=base, timeout=30) as client:
        for n in range(2):
            assert file(client, {**APPEAL, "text": f"第{n}次"}).status_code == 303
        before = counts(d)
        refused = file(client, {**APPEAL, "text": "第三次"})
        assert refused.status_code == 429 and "操作太频繁" in refused.text
        assert "text/html" in refused.headers["content-type"]
        assert int(refused.headers["ratelimit-reset"]) > 0
        assert counts(d) == before
        # another resident behind the county's proxy (trusted) is not held back by the first
        other = file(client, {**APPEAL, "text": "邻居"}, headers={"X-Forwarded-For": "10.9.8.7"})
        assert other.status_code == 303
        assert d.audit.search(action="smart.residents.file")[0].ip == "10.9.8.7"


def test_too_many_requests_of_any_kind_stop_guessing_codes(make_deployment):
    d = placed(make_deployment, residents_requests_per_minute=5)
    with app_server(d) as base, httpx.Client(base_url=base, timeout=30) as client:
        answers = [client.get("/residents/track?code=AAAA-BBBB-CCCC").status_code
                   for _ in range(6)]
        assert answers == [404] * 5 + [429]


def test_a_code_is_the_only_way_in(d, browser):
    made = file(browser, APPEAL)
    code = re.search(r"code=([0-9A-Z-]+)", made.headers["location"]).group(1)
    assert browser.get("/residents/track?code=1").status_code == 404
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert browser.get(f"/residents/track?code={wrong}").status_code == 404
    assert "查无此编号" in browser.get(f"/residents/track?code={wrong}").text
    assert browser.get(f"/residents/track?code={code.replace('-', ' ')}").status_code == 200
    assert browser.get("/residents/photos/0123456789abcdef0123456789abcdef").status_code == 404
    with d.reading() as s:
        stored = s.execute(select(resident_appeals)).one()
    assert code not in str(stored._mapping) and code.replace("-", "") not in str(stored._mapping)


def test_without_an_api_key_the_page_says_filing_is_off_and_files_nothing(make_deployment):
    d = placed(make_deployment, residents_api_key="")
    with app_server(d) as base, httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/residents")
        assert page.status_code == 200 and "本地尚未开通网上提交" in page.text
        r = file(client, APPEAL)
        assert r.status_code == 503 and "网上提交未开通" in r.text and counts(d) == (0, 0, 0)


def test_the_api_key_must_be_one_the_endpoint_accepts(make_deployment):
    from suyuan_core import PluginError

    with pytest.raises(PluginError, match="residents_api_key"):
        make_deployment(plugins=["smart"], config={"plugins": {"smart": {
            "open311_api_keys": ["k1"], "residents_api_key": "k2"}}})


def test_an_unreachable_endpoint_is_a_readable_page_and_nothing_is_written(make_deployment):
    from suyuan_core.testing.servers import free_port

    d = placed(make_deployment,
               residents_open311_url=f"http://127.0.0.1:{free_port()}/open311/v2")
    with app_server(d) as base, httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/residents")
        assert page.status_code == 503 and "not reachable" in page.text
        assert "text/html" in page.headers["content-type"]
        assert counts(d) == (0, 0, 0)


def test_the_page_in_english(d, browser):
    page = browser.get("/residents", headers={"Accept-Language": "en-GB"})
    assert "File an appeal" in page.text and "Urban management" in page.text
    assert browser.get("/residents").text.count("提交诉求") >= 1
