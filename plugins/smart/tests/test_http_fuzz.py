"""Property-based, like the core's ``tests/test_api_schema.py`` (which builds a deployment with no
plugins, so it never reaches these routes): schemathesis generates valid and broken requests for
every ``/api/v1/smart`` and ``/open311/v2`` operation in the OpenAPI document and sends them signed
in as a county dispatcher. None may make a 500; every error carries our shape (message, rule,
hint) — or, under /open311, the spec's ``[{"code", "description"}]``."""

from __future__ import annotations

from typing import Any

import pytest
from suyuan_smart import dispatch

from suyuan_core import NewCase
from suyuan_core.testing.fuzz import MODES, error_shape, fuzz
from suyuan_core.testing.http import ApiClient

EXAMPLES = 15


@pytest.fixture
def fuzzed(make_deployment):
    from test_http import HTTP_CONFIG

    d = make_deployment(plugins=["smart"], config=HTTP_CONFIG)
    for area in ("C.T1.C1", "C.T2.C1"):
        case = d.cases.create(NewCase(title="路灯不亮 有人扬言跳楼", category="urban_management",
                                      source="open311", area_code=area), actor="t")
        dispatch.dispatch(d, case.id, "CG", actor="t")
    with ApiClient(d) as api:
        yield api


def open311_or_core_shape(operation: Any, response: Any) -> None:
    """Under /open311 the spec's ``[{"code", "description"}]`` (or its XML); else ours."""
    if not operation.path.startswith("/open311"):
        error_shape(operation, response)
    elif response.text.startswith("<?xml"):
        assert "<errors><error><code>" in response.text, response.text
    else:
        assert response.text.startswith("["), (operation.label, response.status_code,
                                                response.headers, response.text)
        body = response.json()
        assert body[0]["code"] == response.status_code and body[0]["description"]


@pytest.mark.parametrize("mode", MODES)
def test_no_smart_request_makes_a_server_error(fuzzed, mode):
    headers = fuzzed.as_role("hotline_dispatcher", "C", ("unit_handler", "C"),
                             ("smart_analyst", "C"), username="fuzz")
    fuzz(fuzzed, headers, mode, prefixes=("/api/v1/smart", "/open311/v2"), examples=EXAMPLES,
         min_operations=40, check_error=open311_or_core_shape)
