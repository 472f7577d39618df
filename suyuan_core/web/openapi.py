"""The OpenAPI document as the server really behaves, not as litestar guesses it.

litestar documents a 400 in its own ``detail`` shape and nothing else; our server answers every
error with :func:`suyuan_core.web.errors.body` and can give 400 (the schema), 401/403 (who you are
and what you hold), 404, 409 (the lifecycle, a concurrent change), 413 (size), 422 (a domain rule:
an unknown area, a date range backwards) and 429 (login throttling). :func:`exact` adds those to
every operation — a plugin that declares its own error responses (Open311 has the spec's shape)
keeps them — marks public routes ``security: []`` and makes ``int | float`` a plain ``number``, so
a client generated from the document handles every answer the server gives.

The document is built per deployment, so what the server checks against the deployment's own
codes is stated too: a request parameter or body field named in :data:`CODE_FIELDS` (``area``,
``area_code``, ``category``, …) gets an ``enum`` of the deployment's codes (the area tree, the
categories and intake sources in force), the same lists the services refuse an unknown code
against. A county's tree is a few thousand codes at most: the enum grows the document by tens of
kilobytes, which is the price of a document a client can validate against without a round trip.
Areas imported while the server runs show after its restart (the document is computed once).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.openapi.plugins import JsonRenderPlugin

from suyuan_core import bounds, inputs, times
from suyuan_core.metrics.periods import days_up_to
from suyuan_core.plugins.routes import AREA_LEVELS, FIELD_BOUNDS, OPENAPI_OPERATION, verifier
from suyuan_core.plugins.routes import is_public as is_public_route

#: the core's error body (see :func:`suyuan_core.web.errors.body`).
ERROR_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["status", "error", "message"],
    "properties": {
        "status": {"type": "integer", "description": "the HTTP status"},
        "error": {"type": "string", "description": "the kind of error"},
        "message": {"type": "string", "description": "what is wrong"},
        "field": {"type": ["string", "null"], "description": "the field at fault"},
        "rule": {"type": ["string", "null"], "description": "the rule broken"},
        "hint": {"type": ["string", "null"], "description": "how to fix it"},
    },
    "additionalProperties": True,
}

DESCRIPTIONS = {
    "400": "The request does not match this document (the field and the fix are named)",
    "401": "Not signed in: send `Authorization: Bearer <token>` or a session cookie",
    "403": "Signed in, but no role grants this permission for this area",
    "404": "No such record",
    "409": "Not allowed in the record's current state, or changed meanwhile",
    "413": "The request is too large",
    "422": "Well formed, but a rule of the domain refuses it (e.g. an unknown area)",
    "429": "Too many attempts; wait as Retry-After says",
}
#: request parameters and body fields (by name, suyuan-wide: GLOSSARY) holding a code of the
#: deployment, and which list: the area tree, the categories or the intake sources in force.
CODE_FIELDS = {"area": "areas", "under": "areas", "area_code": "areas", "grid_code": "areas",
               "areas": "areas", "category": "categories", "source": "sources"}
#: request parameters only (a body's ``role`` is free text: the part someone played).
PARAMETER_CODES = {**CODE_FIELDS, "role": "roles"}
WRITES = {"post", "put", "patch", "delete"}
METHODS = WRITES | {"get", "head", "options"}
LITESTAR_400 = "Bad request syntax or unsupported method"


def _handler_opts(app: Litestar) -> dict[tuple[str, str], Mapping[str, Any]]:
    """Each (path, method) of the document with its handler's ``opt``."""
    out: dict[tuple[str, str], Mapping[str, Any]] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for method in getattr(handler, "http_methods", ()):
                out[(route.path_format or "/", method.lower())] = handler.opt
    return out


def _overlay(operation: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if key == "responses":
            operation.setdefault("responses", {}).update(
                {str(k): copy.deepcopy(v) for k, v in value.items()})
        else:
            operation[key] = copy.deepcopy(value)


def _number(schema: Any) -> Any:
    """``oneOf: [integer, number]`` (litestar's ``int | float``) → ``number``, everywhere."""
    if isinstance(schema, dict):
        for key in ("oneOf", "anyOf"):
            members = schema.get(key)
            if isinstance(members, list):
                kinds = [m.get("type") for m in members if isinstance(m, dict)]
                if "number" in kinds and "integer" in kinds:
                    rest = [m for m in members if m.get("type") not in ("integer", "number")]
                    schema[key] = [{"type": "number"}, *rest]
                    if len(schema[key]) == 1:
                        del schema[key]
                        schema["type"] = "number"
        for value in schema.values():
            _number(value)
    elif isinstance(schema, list):
        for value in schema:
            _number(value)
    return schema


def _structs() -> dict[str, type[msgspec.Struct]]:
    """Every msgspec Struct, by name (what litestar titles its schema)."""
    out: dict[str, type[msgspec.Struct]] = {}
    todo = list(msgspec.Struct.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        out.setdefault(cls.__name__, cls)
    return out


LIMITS = ("minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
          "exclusiveMaximum", "minItems", "maxItems")


def _members(schema: Any) -> list[dict[str, Any]]:
    """A schema's typed alternatives: itself, or the members of its ``oneOf``/``anyOf``."""
    if not isinstance(schema, dict):
        return []
    if "type" in schema:
        return [schema]
    return [m for key in ("oneOf", "anyOf") for m in schema.get(key) or ()
            if isinstance(m, dict) and "type" in m]


def _restore(theirs: Any, ours: Any) -> None:
    """Copy msgspec's limits (``ours``) onto litestar's schema of the same value (``theirs``),
    alternative by alternative of the same type, into a list's items too."""
    for mine in _members(theirs):
        for found in _members(ours):
            if found.get("type") != mine.get("type"):
                continue
            for key in LIMITS:
                if key in found:
                    mine.setdefault(key, found[key])
            if mine.get("type") == "array":
                _restore(mine.get("items"), found.get("items"))


def _struct_limits(component: dict[str, Any], struct: type[msgspec.Struct]) -> None:
    """A Struct's field limits as msgspec enforces them. litestar keeps ``Meta`` on a plain
    field but drops it on an optional one (``Annotated[str, Meta(max_length=…)] | None``) and on
    a list's items; msgspec's own schema keeps every one."""
    mine = msgspec.json.schema(struct)
    found = mine.get("$defs", {}).get(struct.__name__, mine).get("properties", {})
    for name, prop in (component.get("properties") or {}).items():
        _restore(prop, found.get(name))


def code_lists(app: Litestar) -> dict[str, list[str]]:
    """The deployment's codes a request may name, by list (see :data:`CODE_FIELDS`)."""
    d = app.state.get("deployment")
    if d is None:
        return {}
    return {"areas": sorted(d.areas.tree.areas), "categories": d.categories.codes(),
            "sources": d.sources.codes(), "roles": d.roles.codes()}


def _enum(schema: Any, codes: list[str]) -> None:
    if not isinstance(schema, dict) or "enum" in schema:
        return
    if schema.get("type") == "array":
        _enum(schema.get("items"), codes)
    elif schema.get("type") == "string" or "type" not in schema:
        for key in ("oneOf", "anyOf"):  # ``str | None``: the text member
            for member in schema.get(key, ()):
                if isinstance(member, dict) and member.get("type") == "string":
                    _enum(member, codes)
        if schema.get("type") == "string":
            schema["enum"] = codes


def _is_ref(schema: Mapping[str, Any]) -> bool:
    ref = schema.get("$ref")
    return isinstance(ref, str) and ref.startswith("#/components/schemas/")


def _unseen(schema: Mapping[str, Any], schemas: Mapping[str, Any], seen: set[str]) -> Any:
    """The component a ``$ref`` names, the first time it is met (None afterwards): a walk over
    the document visits each shared schema once, and never loops on a recursive one."""
    name = str(schema["$ref"]).rsplit("/", 1)[1]
    if name in seen:
        return None
    seen.add(name)
    return schemas.get(name)


def _coded(schema: Any, lists: Mapping[str, list[str]], schemas: Mapping[str, Any],
           seen: set[str]) -> None:
    """Narrow the code fields of a request body schema (following ``$ref``, once each)."""
    if not isinstance(schema, dict):
        return
    if _is_ref(schema):
        target = _unseen(schema, schemas, seen)
        if target is not None:
            _coded(target, lists, schemas, seen)
        return
    for name, prop in (schema.get("properties") or {}).items():
        if name in CODE_FIELDS and CODE_FIELDS[name] in lists:
            _enum(prop, lists[CODE_FIELDS[name]])
        else:
            _coded(prop, lists, schemas, seen)
    for key in ("items", "oneOf", "anyOf", "allOf"):
        value = schema.get(key)
        for member in value if isinstance(value, list) else [value]:
            _coded(member, lists, schemas, seen)


def coded(operation: dict[str, Any], lists: Mapping[str, list[str]],
          schemas: Mapping[str, Any], seen: set[str]) -> None:
    """The code parameters and body fields of ``operation`` as enums of the deployment's codes."""
    for parameter in operation.get("parameters", ()):
        name = parameter.get("name")
        if name in PARAMETER_CODES and PARAMETER_CODES[name] in lists:
            _enum(parameter.get("schema"), lists[PARAMETER_CODES[name]])
    for media in (operation.get("requestBody") or {}).get("content", {}).values():
        _coded(media.get("schema"), lists, schemas, seen)


def leveled(app: Litestar, operation: dict[str, Any], levels: Mapping[str, Any],
            schemas: Mapping[str, Any]) -> None:
    """The code fields a route takes at some area levels only (``opt[AREA_LEVELS]``) as enums
    of the deployment's codes of those levels (a body ``$ref`` is copied into the operation
    first, so the shared component keeps every code)."""
    d = app.state.get("deployment")
    if d is None or not levels:
        return
    tree = d.areas.tree
    lists = {name: sorted(c for c in tree.areas if tree.get(c).level in wanted)
             for name, wanted in levels.items()}
    for parameter in operation.get("parameters", ()):
        if parameter.get("name") in lists:
            schema = parameter.get("schema") or {}
            schema.pop("enum", None)
            _enum(schema, lists[parameter["name"]])
    for name, prop in _own_properties(operation, schemas):
        if name in lists:
            _drop_enum(prop)
            _enum(prop, lists[name])


def _own_properties(operation: dict[str, Any], schemas: Mapping[str, Any]
                    ) -> Iterator[tuple[str, dict[str, Any]]]:
    """The body fields of ``operation``, to narrow for this operation alone: a body ``$ref`` is
    copied into the operation first, so the shared component keeps its wider schema."""
    for media in (operation.get("requestBody") or {}).get("content", {}).values():
        schema = media.get("schema") or {}
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            schema = media["schema"] = copy.deepcopy(schemas[ref.rsplit("/", 1)[1]])
        for name, prop in (schema.get("properties") or {}).items():
            if isinstance(prop, dict):
                yield name, prop


def bounded(app: Litestar, operation: dict[str, Any], bounds: Any,
            schemas: Mapping[str, Any]) -> None:
    """The body fields whose range is a setting of the deployment (``opt[FIELD_BOUNDS]``, see
    :mod:`suyuan_core.plugins.routes`) with the keywords ``bounds(deployment)`` gives (a body
    ``$ref`` is copied into the operation first, so the shared component is left as it is)."""
    d = app.state.get("deployment")
    if d is None or not callable(bounds):
        return
    found = bounds(d) or {}
    for name, prop in _own_properties(operation, schemas):
        if name in found:
            prop.update(copy.deepcopy(dict(found[name])))


def _drop_enum(schema: dict[str, Any]) -> None:
    schema.pop("enum", None)
    for key in ("oneOf", "anyOf", "items"):
        value = schema.get(key)
        for member in value if isinstance(value, list) else [value]:
            if isinstance(member, dict):
                _drop_enum(member)


def _times(schema: Any, schemas: Mapping[str, Any], seen: set[str]) -> None:
    """The core's request times as it checks them (``bounds.check_time``: years 1900–2199)."""
    if isinstance(schema, list):
        for item in schema:
            _times(item.get("schema") if isinstance(item, dict) and "in" in item else item,
                   schemas, seen)
        return
    if not isinstance(schema, dict):
        return
    if _is_ref(schema):
        target = _unseen(schema, schemas, seen)
        if target is not None:
            _times(target, schemas, seen)
        return
    if schema.get("format") == "date-time" and "pattern" not in schema:
        schema["pattern"] = bounds.TIME_PATTERN
    for value in (schema.get("properties") or {}).values():
        _times(value, schemas, seen)
    for key in ("items", "oneOf", "anyOf", "allOf"):
        value = schema.get(key)
        for member in value if isinstance(value, list) else [value]:
            _times(member, schemas, seen)


def unmask_reason(operation: dict[str, Any], path: str, least: int) -> None:
    """An unmask route's ``reason`` as the deployment requires it: at least ``[privacy]
    unmask_reason_min`` characters once trimmed (a pattern saying so: two non-blanks that far
    apart)."""
    if not path.endswith("/unmask") or least < 2:
        return
    for media in (operation.get("requestBody") or {}).get("content", {}).values():
        reason = (media.get("schema") or {}).get("properties", {}).get("reason")
        if isinstance(reason, dict) and reason.get("type") == "string":
            reason["minLength"] = max(int(reason.get("minLength") or 0), least)
            reason["pattern"] = (r"^[^\x00]*[^\x00\s][^\x00]{" + str(least - 2)
                                 + r",}[^\x00\s][^\x00]*$")


def _up_to(schema: Any, pattern: str, times: str) -> None:
    """Every day field declared ``not_future`` (:data:`inputs.NOT_FUTURE`) as ``pattern``, every
    such time field (:data:`inputs.NOT_FUTURE_TIME`) as ``times``."""
    if isinstance(schema, dict):
        if schema.get("pattern") == inputs.NOT_FUTURE:
            schema["pattern"] = pattern
        elif schema.get("pattern") == inputs.NOT_FUTURE_TIME:
            schema["pattern"] = times
        for value in schema.values():
            _up_to(value, pattern, times)
    elif isinstance(schema, list):
        for value in schema:
            _up_to(value, pattern, times)


def past_times() -> str:
    """The times surely past, whatever their UTC offset (RFC 3339 allows up to ±23:59): those
    written on a day up to two days before today in UTC, as a pattern of their start."""
    last = times.now().astimezone(dt.UTC).date() - dt.timedelta(days=2)
    return days_up_to(last)[:-1] + "T"


def today_of(app: Litestar) -> dt.date:
    """The deployment's today (UTC without one): the last day a ``not_future`` field takes."""
    d = app.state.get("deployment")
    return times.today(d) if d is not None else times.now().date()


def exact(app: Litestar, document: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with every error the server can give, public routes marked."""
    doc: dict[str, Any] = _number(copy.deepcopy(document))
    _up_to(doc, days_up_to(today_of(app)), past_times())
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    structs = _structs()
    for schema in schemas.values():
        struct = structs.get(schema.get("title", "")) if schema.get("type") == "object" else None
        if struct is None:
            continue
        if struct.__struct_config__.forbid_unknown_fields:  # litestar does not say so
            schema["additionalProperties"] = False
        _struct_limits(schema, struct)
        schema.update(getattr(struct, "SCHEMA_RULES", None) or {})
    schemas["ErrorBody"] = ERROR_BODY
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    opts = _handler_opts(app)
    lists, seen = code_lists(app), set[str]()
    deployment = app.state.get("deployment")
    plugin_paths = tuple(f"/api/v1/{p.name}/" for p in deployment.plugins) if deployment else ()
    plugin_paths += ("/open311/",)
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            coded(operation, lists, schemas, seen)
            if not path.startswith(plugin_paths):
                _times(operation.get("parameters", []), schemas, set())
                for media in (operation.get("requestBody") or {}).get("content", {}).values():
                    _times(media.get("schema"), schemas, set())
            if deployment is not None:
                unmask_reason(operation, path, deployment.config.core.privacy.unmask_reason_min)
            opt = opts.get((path, method), {})
            leveled(app, operation, opt.get(AREA_LEVELS) or {}, schemas)
            bounded(app, operation, opt.get(FIELD_BOUNDS), schemas)
            signed = verifier(opt) is not None
            is_public = is_public_route(opt)
            if is_public or signed:  # no user signs in (a signed route checks its signature)
                operation["security"] = []
            responses = operation.setdefault("responses", {})
            old = responses.get("400")
            if old is not None and old.get("description") == LITESTAR_400:
                del responses["400"]
            extra = opt.get(OPENAPI_OPERATION) or {}
            _overlay(operation, extra)
            if any(str(code).startswith("4") for code in extra.get("responses", {})):
                continue  # the route documents its own errors
            codes = ["400", "404", "422"]
            if not is_public or signed or path.endswith("/auth/login"):
                codes += ["401", "403"]
            codes.append("409")  # a read may depend on the state too (results before award)
            if method in WRITES:
                codes.append("413")
            if path.endswith("/auth/login"):
                codes.append("429")
            for code in sorted(codes):
                responses.setdefault(code, {"description": DESCRIPTIONS[code],
                                            "content": {"application/json": {"schema": ref}}})
    return doc


class ExactJson(JsonRenderPlugin):
    """Serves :func:`exact` of litestar's document (computed once per app and day)."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        cached = request.app.state.get("exact_openapi")
        day = today_of(request.app)  # a new day admits one more day where not_future
        if cached is None or cached[0] is not openapi_schema or cached[1] != day:
            cached = (openapi_schema, day, exact(request.app, openapi_schema))
            request.app.state["exact_openapi"] = cached
        document: dict[str, Any] = cached[2]
        return self.render_json(request, document)
