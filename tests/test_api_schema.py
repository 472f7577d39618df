"""Property-based: no request the OpenAPI document allows — or nearly allows — makes a 500.

schemathesis generates requests for every operation of the OpenAPI document the app serves, both
valid ones and deliberately broken ones (bounded: a few dozen examples per operation and mode, so
the suite stays fast), and sends them signed in as a county supervisor against a deployment that
has cases in several states. Every 4xx must carry the message, rule and hint of our error shape.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

EXAMPLES = 20


@pytest.fixture
def fuzz_schema(api, factories):
    for status in ("reported", "accepted", "in_progress", "resolved", "closed"):
        factories.case(status)
    factories.person(external_id="M1")
    return schemathesis.openapi.from_asgi("/api/v1/schema/openapi.json", api.app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_makes_a_server_error(api, fuzz_schema, mode):
    headers = api.as_role("supervisor", "C", ("admin", "C"), username="fuzz")
    failures: list[str] = []
    operations = [r.ok() for r in fuzz_schema.get_all_operations()]
    assert len(operations) >= 20

    def checker(operation):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(headers={**(case.headers or {}), **headers})
            assert response.status_code < 500, (operation.label, case.as_curl_command(),
                                                response.text)
            if response.status_code >= 400 and operation.path != "/api/v1/schema":
                body = response.json()
                assert body["message"] and body["rule"] and body["hint"], (operation.label, body)

        return check

    for operation in operations:
        try:
            checker(operation)()
        except AssertionError as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n".join(failures)
