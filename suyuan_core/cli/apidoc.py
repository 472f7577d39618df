"""docs/api.md, generated from the public API itself (``suyuan docs api``): the services a
plugin reaches through its :class:`~suyuan_core.Deployment`, the public modules, the exported
types, and the core's roles with the permissions each grants. A test keeps the file current."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable
from typing import Any

import suyuan_core
from suyuan_core import (
    AreaService,
    AreaTree,
    AuditLog,
    BulkWriter,
    CaseQuery,
    CaseService,
    Deployment,
    MergeService,
    MetricService,
    Privacy,
    RosterService,
    RoutingService,
)

#: how a plugin reaches each service, and the class that documents it.
SERVICES: tuple[tuple[str, type], ...] = (
    ("deployment.cases", CaseService),
    ("deployment.case_query", CaseQuery),
    ("deployment.areas", AreaService),
    ("deployment.areas.tree", AreaTree),
    ("deployment.roster", RosterService),
    ("deployment.routing", RoutingService),
    ("deployment.metric_service", MetricService),
    ("deployment.audit", AuditLog),
    ("deployment.privacy", Privacy),
    ("deployment.merges", MergeService),
    ("deployment.bulk", BulkWriter),
)

#: the Deployment's own members a plugin may use (the rest is the core's).
DEPLOYMENT_MEMBERS = ("transaction", "reading", "settings", "plugin", "dialect")
DEPLOYMENT_ATTRIBUTES = (
    ("config", "the deployment's configuration (:class:`Config`): ``config.core.deployment."
               "timezone``, ``config.core.deployment.name`` …; a plugin's own settings come from "
               "``settings(name)``"),
    ("hook", "pluggy's hook caller: ``deployment.hook.suyuan_…(…)`` calls every plugin's "
             "implementation (see docs/hooks.md)"),
    ("categories, sources, roles, permissions, metrics", "the registries the plugins filled "
     "(``deployment.roles.get(code)``, ``code in deployment.permissions`` …)"),
    ("timezone", "not an attribute: :func:`suyuan_core.times.zone` (``times.zone(deployment)``)"),
)


def _members(cls: type, names: Iterable[str] | None = None) -> list[tuple[str, Any]]:
    out = []
    for name, value in vars(cls).items():
        if name.startswith("_") or (names is not None and name not in names):
            continue
        if isinstance(value, property | classmethod | staticmethod) or callable(value) or (
                hasattr(value, "func")):
            out.append((name, value))
    return out


def _function(value: Any) -> Any:
    if isinstance(value, property):
        return value.fget
    if isinstance(value, classmethod | staticmethod):
        return value.__func__
    return getattr(value, "func", value)  # cached_property


class _Raw(str):
    """An annotation shown as written (``int``), not as the string it is (``'int'``)."""

    def __repr__(self) -> str:
        return str(self)


def _plain(sig: inspect.Signature) -> inspect.Signature:
    def raw(annotation: Any) -> Any:
        return _Raw(annotation) if isinstance(annotation, str) else annotation

    return sig.replace(
        parameters=[p.replace(annotation=raw(p.annotation)) for p in sig.parameters.values()],
        return_annotation=raw(sig.return_annotation))


def _signature(name: str, value: Any) -> str:
    fn = _function(value)
    if isinstance(value, property) or hasattr(value, "attrname"):
        ret = _plain(inspect.signature(fn)).return_annotation
        return f"{name}: {ret}" if ret is not inspect.Signature.empty else name
    sig = str(_plain(inspect.signature(fn))).replace("(self, ", "(").replace("(self)", "()")
    sig = sig.replace("(cls, ", "(").replace("(cls)", "()")
    return f"{name}{sig}"


def undocumented() -> list[str]:
    """Public members of the documented API without a docstring (a test wants none)."""
    missing = [f"{cls.__name__}.{name}" for _, cls in SERVICES for name, value in _members(cls)
               if not inspect.getdoc(_function(value))]
    missing += [f"{cls.__name__}" for _, cls in SERVICES if not cls.__doc__]
    missing += [f"Deployment.{name}" for name, value in _members(Deployment, DEPLOYMENT_MEMBERS)
                if not inspect.getdoc(_function(value))]
    for module_name in suyuan_core.PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        missing += [f"{module_name}.{name}" for name, obj in _module_members(module)
                    if not inspect.getdoc(obj)]
    return missing


def _module_members(module: Any) -> list[tuple[str, Any]]:
    names = getattr(module, "__all__", None)
    if names is None:
        return []
    return [(n, getattr(module, n)) for n in names
            if inspect.isfunction(getattr(module, n)) or inspect.isclass(getattr(module, n))]


def _class_section(heading: str, cls: type, names: Iterable[str] | None = None) -> list[str]:
    lines = [f"### `{heading}` — `{cls.__name__}`", ""]
    if cls.__doc__:
        lines += [inspect.cleandoc(cls.__doc__), ""]
    for name, value in _members(cls, names):
        lines += [f"- **`{_signature(name, value)}`**"]
        doc = inspect.getdoc(_function(value)) or ""
        if doc:
            lines += ["", "  " + doc.replace("\n", "\n  "), ""]
    return [*lines, ""]


def _roles_table() -> list[str]:
    from suyuan_core import builtin

    permissions = {p.code: p for p in builtin.suyuan_register_permissions()}
    roles = builtin.suyuan_register_roles()
    lines = ["| role | label | permissions it grants |", "|---|---|---|"]
    for role in roles:
        granted = set(role.permissions) | {p.code for p in permissions.values()
                                           if role.code in p.granted_to}
        lines.append(f"| `{role.code}` | {role.label.zh} {role.label.en} | "
                     + ", ".join(f"`{c}`" for c in sorted(granted)) + " |")
    lines += ["", "| permission | label |", "|---|---|"]
    lines += [f"| `{p.code}` | {p.label.zh} {p.label.en} |" for p in permissions.values()]
    return lines


def api_markdown() -> str:
    lines = ["# Plugin API reference", "",
             "Generated by `suyuan docs api` from the code (`suyuan_core/__init__.py`, the "
             "services' docstrings and `suyuan_core.PUBLIC_MODULES`); do not edit by hand.", "",
             inspect.getdoc(suyuan_core) or "", "",
             "A plugin imports `suyuan_core` and the public modules "
             + ", ".join(f"`{m}`" for m in suyuan_core.PUBLIC_MODULES)
             + " — nothing else of the core (`suyuan plugins check` and the import contract "
               "refuse it). Hooks are documented in [hooks.md](hooks.md), metrics in "
               "[metrics.md](metrics.md).", "",
             "## Services", "",
             "Every hook that may need them receives `deployment`; a route handler asks for "
             "`deployment: http.DeploymentDep`. Writes go through `deployment.transaction()` "
             "(one all-or-nothing transaction: pass its session to the services' `session=` "
             "arguments to join it), reads through `deployment.reading()`.", "",
             "| reach it as | class | what for |", "|---|---|---|"]
    for where, cls in SERVICES:
        first = inspect.cleandoc(cls.__doc__ or "").split("\n\n")[0].replace("\n", " ")
        lines.append(f"| `{where}` | `{cls.__name__}` | {first} |")
    lines += ["", "### `deployment` — `Deployment`", "",
              inspect.cleandoc(Deployment.__doc__ or ""), ""]
    for name, what in DEPLOYMENT_ATTRIBUTES:
        lines.append(f"- **`{name}`**: {what}")
    for name, value in _members(Deployment, DEPLOYMENT_MEMBERS):
        lines += [f"- **`{_signature(name, value)}`**", "",
                  "  " + (inspect.getdoc(_function(value)) or "").replace("\n", "\n  "), ""]
    lines.append("")
    for where, cls in SERVICES:
        lines += _class_section(where, cls)
    lines += ["## Public modules", ""]
    for module_name in suyuan_core.PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        lines += [f"### `{module_name}`", "", inspect.getdoc(module) or "", ""]
        for name, obj in _module_members(module):
            if inspect.isclass(obj):
                lines += [f"- **class `{name}`**", "",
                          "  " + (inspect.getdoc(obj) or "").replace("\n", "\n  "), ""]
            else:
                lines += [f"- **`{name}{_plain(inspect.signature(obj))}`**", "",
                          "  " + (inspect.getdoc(obj) or "").replace("\n", "\n  "), ""]
        lines.append("")
    lines += ["## Types and errors exported by `suyuan_core`", "",
              "| name | what it is |", "|---|---|"]
    for name in suyuan_core.__all__:
        obj = getattr(suyuan_core, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        doc = (inspect.getdoc(obj) or "").split("\n\n")[0].replace("\n", " ").replace("|", "\\|")
        lines.append(f"| `{name}` | {doc} |")
    lines += ["", "## Roles and permissions of the core", "",
              "What each role the core registers grants (plugins add roles and permissions, and "
              "may grant theirs to the core's roles through `Permission.granted_to`; "
              "`suyuan users roles` lists a deployment's).", ""]
    lines += _roles_table()
    return "\n".join(lines).rstrip() + "\n"
