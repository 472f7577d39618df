"""A bounded corpus of bad requests, built from the app's own OpenAPI document, and a check that
the served app answers every one with a 4xx that names what is wrong and writes nothing.

Plugins run it over their own routes exactly as the core does::

    from suyuan_core.testing.badinput import run_corpus

    def test_bad_input(api, deployment):
        report = run_corpus(api, api.as_role("admin", "C"), prefix="/api/v1/my_plugin")
        assert report.problems == []

Each operation gets: every path parameter replaced by a non-number, a negative number and a
number beyond 64 bits; every query parameter given text that is far too long, invalid UTF-8,
a control character, and — for dates, periods and numbers — values at and past the edges of
their range; each required query parameter left out once; and for operations with a body,
nested JSON 10 000 deep, a body of the wrong shape, invalid UTF-8, and over-long strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
from sqlalchemy import func, inspect, select

from suyuan_core.deployment import Deployment

#: values that break a date-time parameter (at or beyond the range suyuan stores)
BAD_DATETIMES = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z", "2026-13-45T00:00:00Z",
                 "yesterday", "2026-05-01T00:00:00")
#: values that break a reporting period
BAD_PERIODS = ("0001", "0001-Q1", "9999-12-31", "0001-W01", "9999-W53", "2026-Q5", "2026-00",
               "20260", "abc")
BAD_INTEGERS = ("abc", "-1", str(2**70), "1e400", "0x10")
BAD_TEXT = ("x" * 5000, "%FF%FE", "a%00b", "<script>alert(1)</script>")
DEEP_JSON = b"[" * 10000 + b"]" * 10000
#: tables whose rows a refused request may still write: the audit log (a refused read can be
#: audited) and the login throttle.
MAY_WRITE = frozenset({"audit_log", "login_attempts", "login_failures"})


@attrs.frozen
class BadRequest:
    method: str
    url: str
    #: what the request breaks, for the report
    what: str
    content: bytes | None = None
    content_type: str | None = None


@attrs.frozen
class CorpusReport:
    #: how many bad requests were sent
    sent: int
    #: status code → how many answers had it
    statuses: dict[int, int]
    #: "<method> <url> (<what>): <problem>" for each answer that broke the promise
    problems: list[str]


def _quote(value: str) -> str:
    from urllib.parse import quote

    return value if "%" in value else quote(value, safe="")


def _fill_path(path: str, params: Iterable[Mapping[str, Any]], bad: tuple[str, str] | None) -> str:
    for p in params:
        if p.get("in") != "path":
            continue
        name = p["name"]
        value = bad[1] if bad and bad[0] == name else "1"
        if p.get("schema", {}).get("type") == "string" and not (bad and bad[0] == name):
            value = "x"
        path = path.replace("{" + name + "}", value)
    return path


def _bad_values(param: Mapping[str, Any]) -> tuple[str, ...]:
    schema = param.get("schema", {}) or {}
    if "oneOf" in schema or "anyOf" in schema:
        options = [s for s in schema.get("oneOf", schema.get("anyOf", [])) if s.get("type") != "null"]
        schema = options[0] if options else {}
    name = param["name"]
    kind = schema.get("type")
    if name == "period":
        return BAD_PERIODS
    if schema.get("format") == "date-time" or name in ("since", "until") or name.endswith(
            ("_from", "_to", "_at")):
        return BAD_DATETIMES
    if kind in ("integer", "number"):
        return BAD_INTEGERS
    if kind == "boolean":
        return ("maybe", "2")
    return BAD_TEXT


def bad_requests(openapi: Mapping[str, Any], *, prefix: str = "/",
                 per_operation: int = 60) -> list[BadRequest]:
    """The corpus for every operation under ``prefix`` in the OpenAPI document (at most
    ``per_operation`` requests each, so the corpus stays bounded as routes are added)."""
    out: list[BadRequest] = []
    for path, item in sorted(openapi.get("paths", {}).items()):
        if not path.startswith(prefix) or "/schema" in path or path.endswith("/auth/login"):
            continue
        for method, op in sorted(item.items()):
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            found = list(_operation(path, method.upper(), op))
            out.extend(found[:per_operation])
    return out


def _operation(path: str, method: str, op: Mapping[str, Any]) -> Iterator[BadRequest]:
    params = list(op.get("parameters", []))
    good_query = {p["name"]: "x" for p in params if p.get("in") == "query" and p.get("required")}
    base = _fill_path(path, params, None)
    for p in params:
        if p.get("in") == "path" and (p.get("schema", {}) or {}).get("type") == "integer":
            for value in BAD_INTEGERS[:3]:
                yield BadRequest(method, _fill_path(path, params, (p["name"], value)),
                                 f"path {p['name']}={value[:20]}")
    for p in params:
        if p.get("in") != "query":
            continue
        for value in _bad_values(p):
            query = {**good_query, p["name"]: value}
            qs = "&".join(f"{k}={_quote(v)}" for k, v in query.items())
            yield BadRequest(method, f"{base}?{qs}", f"query {p['name']}={value[:20]}")
        if p.get("required"):
            rest = {k: v for k, v in good_query.items() if k != p["name"]}
            qs = "&".join(f"{k}={_quote(v)}" for k, v in rest.items())
            yield BadRequest(method, f"{base}?{qs}" if qs else base, f"missing {p['name']}")
    if method in ("POST", "PUT", "PATCH") and "requestBody" in op:
        url = base + ("?" + "&".join(f"{k}={v}" for k, v in good_query.items())
                      if good_query else "")
        json_type = "application/json"
        yield BadRequest(method, url, "JSON 10000 deep", DEEP_JSON, json_type)
        yield BadRequest(method, url, "JSON list instead of object", b"[1, 2, 3]", json_type)
        yield BadRequest(method, url, "not JSON", b"{not json", json_type)
        yield BadRequest(method, url, "invalid UTF-8", b'{"title": "\xff\xfe"}', json_type)
        long = json.dumps({k: "x" * 30000 for k in _body_fields(op)}).encode()
        yield BadRequest(method, url, "every field 30000 characters", long, json_type)
        yield BadRequest(method, url, "form with invalid UTF-8", b"title=%FF%FE&x=\xff",
                         "application/x-www-form-urlencoded")


def _body_fields(op: Mapping[str, Any]) -> list[str]:
    content = op.get("requestBody", {}).get("content", {})
    for media in content.values():
        schema = media.get("schema", {})
        if "properties" in schema:
            return list(schema["properties"]) or ["x"]
    return ["title", "text", "name", "description"]


def row_counts(deployment: Deployment) -> dict[str, int]:
    """Rows per table of the deployment's database (every table: the core's and the plugins')."""
    from sqlalchemy import MetaData, Table

    out: dict[str, int] = {}
    with deployment.engine.connect() as conn:
        names = inspect(conn).get_table_names()
        meta = MetaData()
        for name in names:
            table = Table(name, meta, autoload_with=conn)
            out[name] = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    return out


def _says_why(response: Any) -> bool:
    """A refusal says what is wrong: our error body (``message``), an Open311 error list
    (``description``), or a page/XML document with text."""
    ctype = response.headers.get("content-type", "")
    if "json" not in ctype:
        return bool(response.text.strip())
    body = response.json()
    items = body if isinstance(body, list) else [body]
    return any(isinstance(i, dict) and (i.get("message") or i.get("description")) for i in items)


def run_corpus(client: Any, headers: Mapping[str, str], *, prefix: str = "/",
               corpus: list[BadRequest] | None = None,
               may_write: frozenset[str] = MAY_WRITE) -> CorpusReport:
    """Send every bad request with ``headers`` (e.g. an administrator's token); report each
    answer that is a 5xx, a 2xx, a 4xx without a message, or that wrote rows."""
    deployment: Deployment = client.deployment
    if corpus is None:
        spec = client.get("/api/v1/schema/openapi.json").json()
        corpus = bad_requests(spec, prefix=prefix)
    before = row_counts(deployment)
    statuses: dict[int, int] = {}
    problems: list[str] = []
    for req in corpus:
        h = dict(headers)
        if req.content_type:
            h["content-type"] = req.content_type
        r = client.request(req.method, req.url, content=req.content, headers=h)
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
        where = f"{req.method} {req.url[:120]} ({req.what})"
        if r.status_code >= 500:
            problems.append(f"{where}: {r.status_code} {r.text[:200]}")
        elif r.status_code < 400 and req.method != "GET":
            problems.append(f"{where}: accepted with {r.status_code}")
        elif r.status_code >= 400 and not _says_why(r):
            problems.append(f"{where}: {r.status_code} without a message")
    after = row_counts(deployment)
    for table, n in after.items():
        if table not in may_write and n != before.get(table, 0):
            problems.append(f"table {table}: {before.get(table, 0)} rows before, {n} after")
    return CorpusReport(len(corpus), statuses, problems)
