"""The OpenAPI document is exact: schemathesis, with every one of its checks (documented status
codes, response and content-type conformance, valid data accepted, invalid data rejected, auth),
over every operation of a deployment with every plugin of the repository enabled, signed in with
a token the test makes, finds nothing."""

from __future__ import annotations

import pytest

from suyuan_core.testing.fuzz import document_failures
from suyuan_core.testing.http import ApiClient

PLUGINS = ["self_governance", "smart", "rule_of_law", "virtue", "co_governance"]
SMART = {"units": [{"code": "CG", "name": "县城管局", "categories": ["urban_management"],
                    "areas": ["C"]}],
         "default_area": "C.T1.C1", "open311_api_keys": ["k1"]}


@pytest.fixture
def api(make_deployment, factories_for=None):
    d = make_deployment(plugins=PLUGINS, config={"plugins": {"smart": SMART}})
    with ApiClient(d) as client:
        yield client


def test_the_document_describes_what_the_server_does(api):
    headers = api.as_role("supervisor", "C", ("admin", "C"), username="exact")
    count, failures = document_failures(api, headers, examples=5)
    print(f"{count} operations, {len(failures)} failures")
    open("/tmp/i13/failures.txt", "w").write("\n".join(failures))
    assert count > 100
    assert not failures, "\n".join(failures)
