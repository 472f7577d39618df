"""Discover plugins by entry point, enable exactly what the config names, in dependency order.

One :class:`pluggy.PluginManager` per Deployment (and so per test): nothing is global.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata as md
from collections.abc import Iterable, Mapping
from graphlib import CycleError, TopologicalSorter
from types import ModuleType
from typing import Any

import attrs
import pluggy

from suyuan_core import hookspecs
from suyuan_core.config import structure
from suyuan_core.errors import PluginError
from suyuan_core.plugins import calling
from suyuan_core.plugins.spec import LoadedPlugin, PluginSpec

GROUP = "suyuan"


@attrs.frozen
class Available:
    """An installed plugin, found but not necessarily enabled."""

    name: str
    version: str
    distribution: str
    load: Any  # () -> module


def discover() -> dict[str, Available]:
    """Every plugin installed in this environment (entry-point group ``suyuan``)."""
    found: dict[str, Available] = {}
    for ep in md.entry_points(group=GROUP):
        dist = ep.dist
        found[ep.name] = Available(
            name=ep.name, version=dist.version if dist else "0",
            distribution=dist.metadata["Name"] if dist else ep.value, load=ep.load)
    return found


def spec_of(name: str, module: ModuleType | object) -> PluginSpec:
    spec = getattr(module, "plugin", None)
    if not isinstance(spec, PluginSpec):
        raise PluginError(f"plugin {name!r} does not declare `plugin = suyuan_core.PluginSpec(...)`",
                          hint="add the metadata to the module its entry point names")
    return spec


def new_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def _did_you_mean(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"did you mean {close[0]!r}? " if close else ""


def resolve(enabled: list[str], available: Mapping[str, Available],
            extra: Mapping[str, ModuleType | object],
            tables: Mapping[str, dict[str, Any]]) -> list[LoadedPlugin]:
    """Check the ``[plugins]`` configuration and return the plugins to enable, dependencies first.

    Raises a one-line :class:`PluginError` for an unknown name, a missing requirement, a conflict,
    two plugins for one pillar, a dependency cycle or invalid settings.
    """
    known = set(available) | set(extra)
    loaded: dict[str, LoadedPlugin] = {}
    for name in enabled:
        if name in loaded:
            raise PluginError(f"plugins.enabled: {name!r} is listed twice",
                              hint="remove the repeat from [plugins] enabled in suyuan.toml")
        if name not in known:
            installed = ", ".join(sorted(known)) or "none"
            raise PluginError(
                f"plugins.enabled: unknown plugin {name!r}; {_did_you_mean(name, known)}"
                f"installed: {installed}",
                hint="install its package or remove it from [plugins] enabled in suyuan.toml")
        if name in extra:
            module, version, dist = extra[name], "0+local", "(registered in-process)"
        else:
            entry = available[name]
            try:
                module = entry.load()
            except Exception as exc:
                raise PluginError(f"plugin {name!r} (distribution {entry.distribution}) "
                                  f"failed to import: {type(exc).__name__}: {exc}") from None
            version, dist = entry.version, entry.distribution
        loaded[name] = LoadedPlugin(name=name, version=version, distribution=dist,
                                    spec=spec_of(name, module), module=module)
    for stray in sorted(set(tables) - set(loaded)):
        if stray not in known:
            raise PluginError(f"[plugins.{stray}]: settings for unknown plugin {stray!r}; "
                              f"{_did_you_mean(stray, known)}",
                              hint="fix the table name or remove it from suyuan.toml")
    _check_relations(loaded)
    order = _order(loaded)
    return [attrs.evolve(loaded[n], settings=_settings(loaded[n], tables.get(n, {})))
            for n in order]


def _check_relations(loaded: Mapping[str, LoadedPlugin]) -> None:
    pillars: dict[str, str] = {}
    for name, plugin in loaded.items():
        for required in plugin.spec.requires:
            if required not in loaded:
                raise PluginError(f"plugins.enabled: {name!r} requires {required!r}, which is "
                                  "not enabled", hint=f"add {required!r} to [plugins] enabled")
        for other in plugin.spec.conflicts:
            if other in loaded:
                raise PluginError(f"plugins.enabled: {name!r} conflicts with {other!r}",
                                  hint="enable only one of them")
        pillar = plugin.spec.pillar
        if pillar:
            if pillar in pillars:
                raise PluginError(
                    f"plugins.enabled: {pillars[pillar]!r} and {name!r} both provide the pillar "
                    f"{pillar!r}", hint="a pillar takes one plugin; enable only one of them")
            pillars[pillar] = name


def _order(loaded: Mapping[str, LoadedPlugin]) -> list[str]:
    """Dependencies first: the reverse of the order the plugins' hooks run in
    (:func:`~suyuan_core.plugins.calling.call_order`)."""
    graph = {name: set(p.spec.requires) for name, p in loaded.items()}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        cycle = " → ".join(exc.args[1])
        raise PluginError(f"plugins.enabled: dependency cycle {cycle}",
                          hint="one of these plugins must stop requiring another") from None
    return list(reversed(calling.call_order(list(loaded), graph)))


def _settings(plugin: LoadedPlugin, table: dict[str, Any]) -> Any:
    cls = plugin.spec.settings
    if cls is None:
        if table:
            raise PluginError(f"[plugins.{plugin.name}]: this plugin takes no settings",
                              hint=f"remove the [plugins.{plugin.name}] table from suyuan.toml")
        return None
    return structure(table, cls, f"plugins.{plugin.name}", PluginError)


def register(pm: pluggy.PluginManager, plugins: list[LoadedPlugin]) -> None:
    """Register in dependency order (the core first); pluggy calls the last registered first, so
    a plugin's implementations run before those of the plugins it requires (and can override
    first-result hooks), and the core's built-ins run last."""
    calling.register(pm, [(p.name, p.module) for p in plugins])


def builtin(name: str, module_path: str) -> LoadedPlugin:
    module = importlib.import_module(module_path)
    return LoadedPlugin(name=name, version=md.version("suyuan"), distribution="suyuan",
                        spec=spec_of(name, module), module=module, builtin=True)
