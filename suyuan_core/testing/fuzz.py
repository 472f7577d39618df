"""Property-based API tests with schemathesis, for the core and every plugin (public).

One call checks that no request the OpenAPI document allows — or nearly allows (``NEGATIVE``
mode) — makes a 500, and that every 4xx carries the error shape (message, rule, hint)::

    import pytest
    from suyuan_core.testing.fuzz import MODES, fuzz

    @pytest.mark.parametrize("mode", MODES)
    def test_no_request_makes_a_server_error(api, mode):
        headers = api.as_role("supervisor", "C", username="fuzz")
        fuzz(api, headers, mode, prefixes=("/api/v1/mypillar/",), min_operations=5)

:func:`check_document` goes further: every schemathesis check (documented statuses, response
schemas and content types, valid data accepted, invalid data refused, auth), so a client generated
from the document handles every answer.

Bounded (``examples`` per operation and mode, derandomised, no example database), so the suite
stays fast and repeatable.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

__all__ = ["DOMAIN_REFUSAL", "MODES", "all_checks", "check_document", "document_failures",
           "error_shape", "fuzz", "schema_of"]

#: valid requests, and requests deliberately broken against the schema.
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)

#: the core's OpenAPI document.
SCHEMA_PATH = "/api/v1/schema/openapi.json"


def schema_of(api: Any) -> Any:
    """The schemathesis schema of an :class:`~suyuan_core.testing.http.ApiClient`'s app."""
    return schemathesis.openapi.from_asgi(SCHEMA_PATH, api.app)


def error_shape(operation: Any, response: Any) -> None:
    """The default check of a 4xx: the core's error body, with message, rule and hint."""
    body = response.json()
    assert body["message"] and body["rule"] and body["hint"], (operation.label, body)


def fuzz(api: Any, headers: Mapping[str, str], mode: GenerationMode, *,
         prefixes: Sequence[str] = ("/",), examples: int = 15, min_operations: int = 1,
         check_error: Callable[[Any, Any], None] = error_shape,
         schema: Any = None) -> None:
    """Send ``examples`` generated requests to each operation whose path starts with one of
    ``prefixes``, as the caller ``headers`` authenticate. Fails (listing every failing operation
    with a curl command to replay it) on a 5xx, or when ``check_error(operation, response)``
    rejects a 4xx; fails too when fewer than ``min_operations`` operations matched (a prefix that
    matches nothing would otherwise pass silently)."""
    schema = schema if schema is not None else schema_of(api)
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith(tuple(prefixes))]
    assert len(operations) >= min_operations, (
        f"only {len(operations)} operations under {', '.join(prefixes)}")
    failures: list[str] = []

    def checker(operation: Any) -> Callable[[], None]:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            response = case.call(headers={**(case.headers or {}), **headers})
            assert response.status_code < 500, (operation.label, case.as_curl_command(),
                                                response.text)
            if response.status_code >= 400 and operation.path != "/api/v1/schema":
                check_error(operation, response)

        return check  # type: ignore[no-any-return]

    for operation in operations:
        try:
            checker(operation)()
        except Unsatisfiable:  # a public route without parameters: nothing to break (NEGATIVE)
            continue
        except AssertionError as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n".join(failures)


def all_checks() -> list[Any]:
    """Every built-in schemathesis check (status codes, content types, response schemas,
    positive data accepted, negative data rejected, auth, …), not only "no 5xx"."""
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    return list(CHECKS.get_all())


#: no status besides schemathesis' own list (2xx, 3xx, 401, 403, 404, 409, 429) is accepted for a
#: request the document allows: a 422 to such a request means the document allows what the
#: domain refuses (an unknown area code, a year outside those counted), so the document is not
#: exact. Kept (empty) for callers that named it; a caller may still pass ``accept=("422",)``
#: while it makes its own document exact.
DOMAIN_REFUSAL: tuple[str, ...] = ()


def document_failures(api: Any, headers: Mapping[str, str], *, prefixes: Sequence[str] = ("/",),
                      examples: int = 10, modes: Sequence[GenerationMode] = MODES,
                      accept: Sequence[str] = DOMAIN_REFUSAL,
                      schema: Any = None) -> tuple[int, list[str]]:
    """Run every check over each operation under ``prefixes``; return how many operations were
    run and the distinct failures found (``operation: title``, a curl command to replay it and
    the answer), one per failure. ``accept``: statuses a valid request may get besides
    schemathesis' own list (2xx, 3xx, 401, 403, 404, 409, 429)."""
    schema = schema if schema is not None else schema_of(api)
    positive = schema.config.checks.positive_data_acceptance
    schema.config.checks.positive_data_acceptance = type(positive)(
        expected_statuses=[*positive.expected_statuses, *accept])
    # a body too large for any route (413) is refused too, whatever else is wrong with it
    negative = schema.config.checks.negative_data_rejection
    schema.config.checks.negative_data_rejection = type(negative)(
        expected_statuses=[*negative.expected_statuses, "413"])
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith(tuple(prefixes))]
    checks = all_checks()
    found: dict[str, str] = {}

    for operation in operations:
        for mode in modes:
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def check(case: Any) -> None:
                sent = {**(case.headers or {}), **headers}
                response = case.call(headers=sent)
                try:
                    case.validate_response(response, checks=checks, headers=sent)
                except FailureGroup as group:
                    for failure in group.exceptions:
                        key = f"{case.operation.label}: {failure.title}"
                        found.setdefault(key, f"{key}\n    {case.as_curl_command()}\n    -> "
                                              f"{response.status_code} {_text(response)}\n"
                                              f"    {(failure.message or '')[:300]}")

            with contextlib.suppress(Unsatisfiable):  # nothing to break (NEGATIVE mode)
                check()
    return len(operations), sorted(found.values())


def _text(response: Any) -> str:
    """The start of an answer, for a failure's message (a binary answer by its size)."""
    try:
        return str(response.text[:200])
    except UnicodeDecodeError:
        return f"<{len(response.content)} bytes>"


def check_document(api: Any, headers: Mapping[str, str], *, prefixes: Sequence[str] = ("/",),
                   examples: int = 10, min_operations: int = 1,
                   accept: Sequence[str] = DOMAIN_REFUSAL, schema: Any = None) -> None:
    """The OpenAPI document is exact for the operations under ``prefixes``: schemathesis, with
    every check (:func:`all_checks`), valid and invalid requests, signed in as ``headers`` say,
    finds nothing. For a plugin::

        def test_the_document_is_exact(api):
            headers = api.as_role("supervisor", "C", username="exact")
            check_document(api, headers, prefixes=("/api/v1/mypillar/",), min_operations=5)
    """
    count, failures = document_failures(api, headers, prefixes=prefixes, examples=examples,
                                        accept=accept, schema=schema)
    assert count >= min_operations, f"only {count} operations under {', '.join(prefixes)}"
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
