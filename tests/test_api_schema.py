"""Property-based: no request the OpenAPI document allows — or nearly allows — makes a 500.

schemathesis generates requests for every operation of the OpenAPI document the app serves, both
valid ones and deliberately broken ones (bounded: a few dozen examples per operation and mode, so
the suite stays fast), and sends them signed in as a county supervisor against a deployment that
has cases in several states. Every 4xx must carry the message, rule and hint of our error shape.
"""

from __future__ import annotations

import pytest

from suyuan_core.testing.fuzz import MODES, fuzz

EXAMPLES = 20


@pytest.fixture
def populated(api, factories):
    for status in ("reported", "accepted", "in_progress", "resolved", "closed"):
        factories.case(status)
    factories.person(external_id="M1")
    return api


@pytest.mark.parametrize("mode", MODES)
def test_no_request_makes_a_server_error(populated, mode):
    headers = populated.as_role("supervisor", "C", ("admin", "C"), username="fuzz")
    fuzz(populated, headers, mode, examples=EXAMPLES, min_operations=20)
