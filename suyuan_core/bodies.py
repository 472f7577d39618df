"""Public: a service's attrs input class as an HTTP request body — documented in the OpenAPI
document from its fields, and checked against their JSON types before it is built (a wrong type
is a 400 naming the field, never a 500 deeper down). The input class stays the one definition of
the shape; :func:`suyuan_core.inputs.from_dict` builds it::

    from typing import Annotated, Any
    from litestar import post
    from suyuan_core import bodies, http

    @post("/lectures", opt={"permission": "mypillar.lectures"})
    def add(data: Annotated[dict[str, Any], bodies.body(LectureIn)],
            deployment: http.DeploymentDep, principal: http.PrincipalDep) -> dict[str, Any]:
        lecture = bodies.parse(LectureIn, data)
        ...

:func:`body` gives litestar the request body's schema; :func:`parse` refuses what the schema
refuses (types, lengths, NUL, unknown and missing fields) and builds the instance.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, Union

import attrs
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.params import Body

from suyuan_core.bounds import MAX_ID
from suyuan_core.errors import ValidationError
from suyuan_core.inputs import NO_NUL, NOT_FUTURE_TIME, Range, check_ranges, from_dict, range_of

__all__ = ["MAX_INT", "MAX_ITEMS", "MAX_TEXT", "body", "check", "check_fields", "list_body",
           "narrowed", "object_schema", "parse", "parse_list", "schema_for"]

T = TypeVar("T")
Refuse = Callable[[Mapping[str, Any], str], None]
MAX_INT = MAX_ID  # the document states it; a double reads it back exact
MAX_TEXT = 20000
#: the most items of any list in a body without a smaller declared ``max_items`` (a field's own
#: range narrows it; nothing widens it), documented and refused alike.
MAX_ITEMS = 1000


def _args(hint: Any) -> tuple[Any, ...]:
    return typing.get_args(hint)


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (Union, types.UnionType)


@functools.cache
def hints(cls: type) -> dict[str, Any]:
    """The resolved type hints of an attrs class (cached: they are read on every request)."""
    return typing.get_type_hints(cls)


def schema_for(hint: Any) -> Schema:
    """The OpenAPI schema of one field type."""
    if _is_union(hint):
        options = [a for a in _args(hint) if a is not type(None)]
        inner = schema_for(options[0]) if len(options) == 1 else Schema(one_of=[schema_for(a)
                                                                                  for a in options])
        return inner
    origin = typing.get_origin(hint)
    if hint is bool:
        return Schema(type=OpenAPIType.BOOLEAN)
    if hint is int:
        return Schema(type=OpenAPIType.INTEGER, minimum=-MAX_INT, maximum=MAX_INT)
    if hint is float:
        return Schema(type=OpenAPIType.NUMBER)
    if hint is str:  # check() refuses a NUL, so the document says so
        return Schema(type=OpenAPIType.STRING, max_length=MAX_TEXT, pattern=NO_NUL)
    if hint is dt.date:
        return Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.DATE)
    if hint is dt.datetime:
        return Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.DATE_TIME,
                      description="ISO 8601 with a time zone, e.g. 2026-05-03T09:30+08:00")
    if origin in (tuple, list):
        items = [a for a in _args(hint) if a is not Ellipsis]
        return Schema(type=OpenAPIType.ARRAY, items=schema_for(items[0]) if items else Schema(),
                      max_items=MAX_ITEMS)
    if origin in (dict, Mapping) or hint is dict:
        args = _args(hint)
        values = schema_for(args[1]) if len(args) == 2 and args[1] is not Any else None
        return Schema(type=OpenAPIType.OBJECT, additional_properties=values or True)
    if attrs.has(hint):
        return object_schema(hint)
    return Schema()


def narrowed(schema: Schema, limits: Range | None) -> Schema:
    """``schema`` narrowed to a field's declared :class:`~suyuan_core.inputs.Range` (a list's
    ``items`` range narrows its items' schema)."""
    if limits is None:
        return schema
    schema = dataclasses.replace(schema, **limits.schema())
    if schema.max_items is not None and schema.max_items > MAX_ITEMS:  # check() refuses beyond
        schema = dataclasses.replace(schema, max_items=MAX_ITEMS)
    if limits.not_future and schema.format == OpenAPIFormat.DATE_TIME:  # a time, not a day
        schema = dataclasses.replace(schema, pattern=NOT_FUTURE_TIME, description=(
            f"{schema.description}; not in the future: the document admits the times up to "
            "two days ago (a pattern cannot follow the clock), the server takes any time up "
            "to now"))
    if limits.items is not None and isinstance(schema.items, Schema):
        schema = dataclasses.replace(schema, items=narrowed(schema.items, limits.items))
    return schema


def object_schema(cls: type) -> Schema:
    """The OpenAPI object schema of an attrs input class: its fields, each narrowed to its
    declared range (:func:`suyuan_core.inputs.accepts`, the same one :func:`parse` enforces), the
    required ones (no default), no other properties; described by the class docstring's first
    paragraph. A rule across fields that the service checks (``detail`` required when ``force``
    is ``deputy``) is stated by the class's ``SCHEMA_RULES``: litestar ``Schema`` keywords
    (``schema_if``/``then``, ``any_of``, ``dependent_required`` …) added to the object's."""
    fields = attrs.fields(cls)
    found = hints(cls)
    required = [f.name for f in fields if f.default is attrs.NOTHING]
    return Schema(type=OpenAPIType.OBJECT, properties={
        f.name: narrowed(schema_for(found[f.name]), range_of(f)) for f in fields},
                  required=required or None, additional_properties=False,
                  description=(cls.__doc__ or "").strip().split("\n\n")[0] or None,
                  **rules_of(cls))


def rules_of(cls: type) -> dict[str, Any]:
    """The cross-field rules an input class declares (``SCHEMA_RULES``, see
    :func:`object_schema`)."""
    return dict(getattr(cls, "SCHEMA_RULES", None) or {})


def body(cls: type, description: str | None = None, *, path: tuple[str, ...] = ()) -> Any:
    """``Annotated[dict[str, Any], body(SessionInput)]``: a JSON object documented as ``cls``;
    the fields in ``path`` come from the URL (``parse(cls, data, step_id=…)``) and are left out
    of the body's document."""
    schema = object_schema(cls)
    required = [name for name in schema.required or () if name not in path]
    return Body(description=description or schema.description,
                schema_extra={"properties": {k: v for k, v in (schema.properties or {}).items()
                                             if k not in path},
                              "required": required or None, "additional_properties": False,
                              **rules_of(cls)})


def list_body(cls: type, key: str, description: str, *, max_items: int = 500) -> Any:
    """``Annotated[dict[str, Any], list_body(MediatorInput, "mediators", …)]``: a body
    ``{key: [cls, …]}`` of 1 … ``max_items`` items, all or nothing (read it with
    :func:`parse_list`, which refuses exactly what this documents)."""
    return Body(description=description, schema_extra={
        "properties": {key: Schema(type=OpenAPIType.ARRAY, min_items=1,
                                   max_items=min(max_items, MAX_ITEMS), items=object_schema(cls))},
        "required": [key], "additional_properties": False})


def parse_list(cls: type[T], data: Any, key: str, *, max_items: int = 500,
               each: Callable[[T, str], None] | None = None,
               refuse: Callable[[Mapping[str, Any], str], None] | None = None) -> list[T]:
    """The items of a :func:`list_body`: each built with :func:`parse` (a refusal names the
    item, ``mediators[2].name``); ``each(item, "mediators[2]")`` runs a route's own check on
    each (e.g. the caller's right in the item's areas); ``refuse`` as in :func:`parse`.
    Nothing is returned unless every item passes, so the caller writes all or nothing."""
    if not isinstance(data, dict):
        raise ValidationError("send a JSON object", field="body", rule="type")
    unknown = sorted(str(k) for k in data if k != key)
    if unknown:
        raise ValidationError(f"unknown field(s) {', '.join(unknown)}", field="body",
                              rule="known_fields", hint=f"send only {key}")
    raw = data.get(key)
    limit = min(max_items, MAX_ITEMS)
    if not isinstance(raw, list) or not 1 <= len(raw) <= limit:
        raise ValidationError(f"send a list of 1 to {limit} items", field=key, rule="items",
                              hint=f'e.g. {{"{key}": [{{…}}]}}')
    items = []
    for i, entry in enumerate(raw):
        where = f"{key}[{i}]"
        try:
            item = parse(cls, entry, refuse=refuse)
        except ValidationError as exc:
            raise ValidationError(exc.message, field=f"{where}.{exc.field or ''}".rstrip("."),
                                  rule=exc.rule, hint=exc.hint) from None
        if each is not None:
            each(item, where)
        items.append(item)
    return items


def _type_error(field: str, expected: str, value: Any) -> ValidationError:
    return ValidationError(f"expected {expected}, not {type(value).__name__}", field=field,
                           rule="type", hint="see the request body's schema in the OpenAPI document")


def check(hint: Any, value: Any, field: str, refuse: Refuse | None = None) -> None:
    """Refuse a value of the wrong JSON type for ``hint`` (the converters do the rest); a
    nested object (an attrs class) also with unknown fields, its declared ranges and
    ``refuse(object, field)``, as at the top (see :func:`parse`)."""
    if _is_union(hint):
        options = _args(hint)
        if value is None and type(None) in options:
            return
        errors = []
        for option in (o for o in options if o is not type(None)):
            try:
                check(option, value, field, refuse)
                return
            except ValidationError as exc:
                errors.append(exc)
        raise errors[0]
    origin = typing.get_origin(hint)
    if hint is Any:
        return
    if hint is bool:
        if not isinstance(value, bool):
            raise _type_error(field, "true or false", value)
    elif hint in (int, float):
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not (whole if hint is int else isinstance(value, int | float)):
            raise _type_error(field, "a number" if hint is float else "a whole number", value)
        if abs(value) > MAX_INT:
            raise ValidationError(f"{value} is out of range", field=field, rule="range")
    elif hint in (str, dt.date, dt.datetime):
        if not isinstance(value, str):
            raise _type_error(field, "text", value)
        if len(value) > MAX_TEXT:
            raise ValidationError(f"longer than {MAX_TEXT} characters", field=field,
                                  rule="max_length")
        if "\x00" in value:
            raise ValidationError("contains a NUL character", field=field, rule="text")
    elif origin in (tuple, list):
        if not isinstance(value, list):
            raise _type_error(field, "a list", value)
        if len(value) > MAX_ITEMS:
            raise ValidationError(f"{len(value)} items; at most {MAX_ITEMS}", field=field,
                                  rule="items", hint="send the rest in another request")
        items = [a for a in _args(hint) if a is not Ellipsis]
        for i, item in enumerate(value):
            check(items[0] if items else Any, item, f"{field}[{i}]", refuse)
    elif origin in (dict, Mapping) or hint is dict:
        if not isinstance(value, dict):
            raise _type_error(field, "an object", value)
        args = _args(hint)
        for key, item in value.items():
            check(str, key, f"{field}.{key}")
            check(args[1] if len(args) == 2 else Any, item, f"{field}.{key}", refuse)
    elif attrs.has(hint):
        if not isinstance(value, dict):
            raise _type_error(field, "an object", value)
        if refuse is not None:
            refuse(value, field)
        known = {f.name for f in attrs.fields(hint)}
        unknown = sorted(str(k) for k in value if k not in known)
        if unknown:  # the nested object schema says additionalProperties: false
            raise ValidationError(f"unknown field(s) {', '.join(unknown)}", field=field,
                                  rule="known_fields", hint="known: " + ", ".join(sorted(known)))
        check_fields(hint, value, field, refuse=refuse)


def check_fields(cls: type, data: Mapping[str, Any], prefix: str = "",
                 skip: frozenset[str] = frozenset(), refuse: Refuse | None = None) -> None:
    """Check each present field of ``data`` against ``cls``'s hints (:func:`check`) and that the
    required ones are there; ``skip`` the fields the caller supplies itself."""
    found = hints(cls)
    for f in attrs.fields(cls):
        name = f"{prefix}.{f.name}" if prefix else f.name
        if f.name in skip:
            continue
        if f.name in data:
            check(found[f.name], data[f.name], name, refuse)
        elif f.default is attrs.NOTHING:
            raise ValidationError("is required", field=name, rule="required")
    check_ranges(cls, {k: v for k, v in data.items() if k not in skip}, prefix)


def parse(cls: type[T], data: Any, *,
          refuse: Callable[[Mapping[str, Any], str], None] | None = None, **fixed: Any) -> T:
    """The service input ``cls`` from a request body (plus ``fixed`` values from the path, which
    the body may repeat but not contradict); ``refuse`` as in :func:`~suyuan_core.inputs.from_dict`."""
    if not isinstance(data, dict):
        raise ValidationError("send a JSON object", field="body", rule="type")
    values = {**data, **fixed}
    clash = sorted(k for k in fixed if k in data and data[k] != fixed[k])
    if clash:
        raise ValidationError(f"{clash[0]} is given by the path", field=clash[0], rule="path")
    check_fields(cls, values, skip=frozenset(fixed), refuse=refuse)
    found = hints(cls)  # type: ignore[arg-type]
    for f in attrs.fields(cls):  # type: ignore[arg-type]  # 200.0 is a JSON integer (JSON Schema says so): build with 200
        if f.name in values and _ints(found[f.name]) and isinstance(values[f.name], float):
            values[f.name] = int(values[f.name])
    return from_dict(cls, values, refuse=refuse)


def _ints(hint: Any) -> bool:
    return hint is int or (_is_union(hint) and int in _args(hint) and float not in _args(hint))

