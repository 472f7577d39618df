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

