"""Property-based, like the core's ``tests/test_api_schema.py`` (which builds a deployment with no
plugins, so it never reaches these routes): schemathesis generates valid and broken requests for
every ``/api/v1/smart`` and ``/open311/v2`` operation in the OpenAPI document and sends them signed
in as a county dispatcher. None may make a 500; every error carries our shape (message, rule,
hint) — or, under /open311, the spec's ``[{"code", "description"}]``."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from suyuan_smart import dispatch

from suyuan_core import NewCase
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
        yield api, schemathesis.openapi.from_asgi("/api/v1/schema/openapi.json", api.app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_smart_request_makes_a_server_error(fuzzed, mode):
    api, schema = fuzzed
    headers = api.as_role("hotline_dispatcher", "C", ("unit_handler", "C"),
                          ("smart_analyst", "C"), username="fuzz")
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations
                  if op.path.startswith(("/api/v1/smart", "/open311/v2"))]
    assert len(operations) >= 40
    failures: list[str] = []

    def checker(operation):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(headers={**(case.headers or {}), **headers})
            assert response.status_code < 500, (operation.label, case.as_curl_command(),
                                                response.text)
            if response.status_code < 400:
                return
            if operation.path.startswith("/open311"):
                if response.text.startswith("<?xml"):
                    assert "<errors><error><code>" in response.text, response.text
                else:
                    assert response.text.startswith("["), (operation.label, response.status_code,
                                                            response.headers, response.text)
                    body = response.json()
                    assert body[0]["code"] == response.status_code and body[0]["description"]
            else:
                body = response.json()
                assert body["message"] and body["rule"] and body["hint"], (operation.label, body)

        return check

    for operation in operations:
        try:
            checker(operation)()
        except AssertionError as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n".join(failures)
