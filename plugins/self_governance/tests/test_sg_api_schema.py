"""Property-based, like the core's own test: no request the OpenAPI document allows for the
pillar's routes — or nearly allows — makes a 500, and every 4xx carries message, rule and hint.
Signed in as a county supervisor (every permission of the pillar) over a deployment with a
roster, a committee, a settled case with its agreement and a procedure under way."""

from __future__ import annotations

import pytest
from sg_testkit import MEDIATORS, committee_input, new_case, session_input
from suyuan_self_governance.service import service
from test_sg_agreements import agreement_input

from suyuan_core.testing.fuzz import MODES, fuzz
from suyuan_core.testing.http import ApiClient

EXAMPLES = 15
PREFIX = "/api/v1/self_governance/"


@pytest.fixture
def api(make_deployment):
    d = make_deployment(plugins=["self_governance"])
    sg = service(d)
    sg.roster.save_mediators(MEDIATORS)
    sg.roster.save_body(committee_input())
    case = new_case(d)
    sg.sessions.record(session_input(case.id), actor="t")
    sg.agreements.draft(agreement_input(case.id), actor="t")
    new_case(d)
    sg.procedures.open(area_code="C.T1.C1", title="修建村道", matter="collective_project",
                       proposed_on="2026-03-01", content="党支部提议", actor="t")
    with ApiClient(d) as client:
        yield client


@pytest.mark.parametrize("mode", MODES)
def test_no_request_to_the_pillar_makes_a_server_error(api, mode):
    headers = api.as_role("supervisor", "C", username="fuzz")
    fuzz(api, headers, mode, prefixes=(PREFIX,), examples=EXAMPLES, min_operations=30)


#: operations of the pillar whose document is not exact yet, each with what is missing (the
#: repository's tests/test_openapi_exact.py lists the same ones). This set may only shrink.
NOT_EXACT_YET = {
    "POST /api/v1/self_governance/agreements": "performance_due on or after reached_on (two "
                                               "fields compared)",
    "POST /api/v1/self_governance/bodies": "a committee's term_end three years after its "
                                           "term_start, its one chair and size, by kind",
    "POST /api/v1/self_governance/mediators": "active_to on or after active_from (two fields "
                                              "compared)",
    "POST /api/v1/self_governance/patrols": "ended_at not before started_at (two fields "
                                            "compared)",
    "POST /api/v1/self_governance/procedures/{procedure_id}/steps": "a meeting register's "
                                                                    "counts (present ≤ members, "
                                                                    "quorum) compared",
    "POST /api/v1/self_governance/rules": "village rules' community level (by kind) and the "
                                          "meeting register's counts compared",
}


def test_the_document_is_exact_for_the_pillar(api):
    """schemathesis with every check, valid and invalid requests, as an admin: what the document
    allows the server accepts, what it forbids the server refuses, every answer is documented."""
    from suyuan_core.testing.fuzz import document_failures

    headers = api.as_role("supervisor", "C", ("admin", "C"), username="exact")
    count, failures = document_failures(api, headers, prefixes=(PREFIX,), examples=10,
                                        accept=())
    assert count >= 30, count
    new = [f for f in failures if f.split(":", 1)[0] not in NOT_EXACT_YET]
    assert not new, f"{len(new)} failures:\n" + "\n".join(new)
