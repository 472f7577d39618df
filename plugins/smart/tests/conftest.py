from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
UNITS = [
    {"code": "CG", "name": "县城管局", "categories": ["urban_management"], "areas": ["C"]},
    {"code": "RS", "name": "县人社局", "categories": ["labour"], "areas": ["C"]},
    {"code": "T1", "name": "第1镇政府", "categories": [], "areas": ["C.T1"]},
    {"code": "T2", "name": "第2镇政府", "categories": [], "areas": ["C.T2"]},
]
CONFIG = {"plugins": {"smart": {
    "units": UNITS, "default_area": "C.T1.C1", "webhook_secret": "s3cret",
    "messaging_secret": "m3ssage", "open311_api_keys": ["k1"],
    "hotline_areas": {"第1镇1社区": "C.T1.C1", "第2镇1社区": "C.T2.C1"},
    "hotline_categories": {"城市管理": "urban_management", "劳动保障": "labour"}}}}


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)  # type: ignore[misc]


@pytest.fixture
def d(make_deployment):
    return make_deployment(plugins=["smart"], config=CONFIG)
