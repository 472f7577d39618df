"""No operation of the API — the core's or any pillar's — takes ``unmask`` or ``reason`` in its
query string (issue 14 point 3): a reason for seeing personal data travels in a POST body, never
in a URL, which ends up in access logs and the browser's history."""

from __future__ import annotations

from typing import Any

from suyuan_core.testing.http import ApiClient

PILLARS = ["rule_of_law", "self_governance", "virtue", "co_governance", "smart"]


def test_no_operation_takes_unmask_or_reason_in_the_query(make_deployment: Any) -> None:
    d = make_deployment(plugins=PILLARS)
    with ApiClient(d) as api:
        doc = api.get("/api/v1/schema/openapi.json").json()
    offending = []
    operations = 0
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict):
                continue
            operations += 1
            for p in op.get("parameters", []):
                if p.get("in") == "query" and p["name"] in ("unmask", "reason"):
                    offending.append(f"{method.upper()} {path} ?{p['name']}")
    assert operations > 150  # every pillar's routes are in the document
    assert offending == []
    unmask_posts = [p for p, item in doc["paths"].items() if p.endswith("/unmask")]
    assert "/api/v1/cases/{case_id}/unmask" in unmask_posts
    assert "/api/v1/self_governance/agreements/{agreement_id}/unmask" in unmask_posts
