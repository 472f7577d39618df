"""The one way hooks are called: through pluggy, in the documented order, each result credited.

pluggy calls a hook's implementations last-registered first. The Deployment registers the core
first and then the plugins so that a plugin's implementations run **before** those of the plugins it
requires and the core's run **last** (see :func:`call_order`), which is what ``hookspecs.py``
promises. Every implementation is registered wrapped (:func:`credited`): the wrapper tags a result
with the plugin that returned it, so one pluggy call (traced by ``SUYUAN_TRACE_HOOKS`` like any
other) yields ``(plugin, result)`` pairs, and turns an unexpected exception into one line naming the
plugin, the hook and the message (the original stays chained for ``--debug``).

``deployment.hook.<name>(**kwargs)`` answers as pluggy does (a list of results, or the first result
for a *first result wins* hook); ``deployment.call_each(name, **kwargs)`` answers the same call with
the results credited. Both are the same call.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import pluggy
from sqlalchemy.exc import DBAPIError

from suyuan_core import hookspecs
from suyuan_core.errors import PluginError, SuyuanError

MARK = f"{hookspecs.PROJECT}_impl"


@attrs.frozen
class Credited:
    """A non-None hook result and the plugin that returned it (what pluggy sees)."""

    plugin: str
    value: Any


class HookFailed(PluginError):
    """A plugin's hook implementation raised something that is not a suyuan error: a bug in the
    plugin. One line names the plugin, the hook and the message; the original is ``__cause__``."""

    status_code = 500

    def __init__(self, plugin: str, hook: str, exc: BaseException) -> None:
        self.plugin = plugin
        self.hook = hook
        first = (str(exc).splitlines() or [""])[0]
        super().__init__(f"plugin {plugin!r}: {hook} raised {type(exc).__name__}: {first}",
                         rule="hook", hint=f"fix {hook} in the plugin {plugin!r}; run with "
                                           "--debug for the traceback")


def spec_names() -> dict[str, tuple[str, ...]]:
    """Every hook in ``hookspecs.py`` and the arguments it offers."""
    return {name: tuple(inspect.signature(fn).parameters)
            for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
            if name.startswith(f"{hookspecs.PROJECT}_")}


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _impls(module: object) -> dict[str, Callable[..., Any]]:
    """The attributes pluggy would take as hook implementations (marked with ``@hookimpl``)."""
    out: dict[str, Callable[..., Any]] = {}
    for attr in dir(module):
        value = getattr(module, attr, None)
        if inspect.isroutine(value) and isinstance(getattr(value, MARK, None), dict):
            out[attr] = value
    return out


def unmarked(module: object) -> list[str]:
    """Module-level ``suyuan_*`` functions *without* ``@hookimpl``: pluggy silently ignores them,
    which is almost always a forgotten decorator."""
    prefix = f"{hookspecs.PROJECT}_"
    return sorted(attr for attr in dir(module)
                  if attr.startswith(prefix) and inspect.isfunction(getattr(module, attr))
                  and not isinstance(getattr(getattr(module, attr), MARK, None), dict))


def check_impls(name: str, module: object) -> None:
    """Refuse, in one line naming the plugin and the fix, a hook implementation whose name is not
    a hook or that asks for an argument its hook does not have."""
    specs = spec_names()
    for attr, fn in _impls(module).items():
        hook = (getattr(fn, MARK) or {}).get("specname") or attr
        if hook not in specs:
            raise PluginError(f"plugin {name!r}: {hook} is not a suyuan hook"
                              f"{did_you_mean(hook, specs)}",
                              hint="rename the function after a hook in docs/hooks.md, or drop "
                                   "its @hookimpl")
        sig = inspect.signature(fn)
        wanted = [p.name for p in sig.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                  and p.default is p.empty]
        extra = [a for a in wanted if a not in specs[hook]]
        if extra:
            raise PluginError(f"plugin {name!r}: {hook} has no argument {extra[0]!r}"
                              f"{did_you_mean(extra[0], specs[hook])}",
                              hint=f"{hook} offers {', '.join(specs[hook])}; take any of them")


def credited(plugin: str, hook: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` as registered: its result tagged with ``plugin``; a bug raised as :class:`HookFailed`.

    A :class:`~suyuan_core.SuyuanError` (a refusal the plugin means, e.g. a ValidationError) and a
    database error pass unchanged: callers already answer those."""
    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            result = fn(*args, **kwargs)
        except (SuyuanError, DBAPIError):
            raise
        except Exception as exc:
            raise HookFailed(plugin, hook, exc) from exc
        return None if result is None else Credited(plugin, result)
    return call


def registrable(name: str, module: object) -> types.ModuleType:
    """What is registered with pluggy for a plugin: a namespace holding its implementations,
    each wrapped by :func:`credited` (wrappers of other hooks pass through as they are)."""
    check_impls(name, module)
    proxy = types.ModuleType(f"{name} (suyuan plugin)")
    for attr, fn in _impls(module).items():
        opts = getattr(fn, MARK)
        if opts.get("wrapper") or opts.get("hookwrapper"):
            setattr(proxy, attr, fn)
        else:
            setattr(proxy, attr, credited(name, opts.get("specname") or attr, fn))
    return proxy


def register(pm: pluggy.PluginManager, plugins: Sequence[tuple[str, object]]) -> None:
    """Register ``(name, module)`` pairs in the order given (the last one's implementations run
    first)."""
    for name, module in plugins:
        try:
            pm.register(registrable(name, module), name=name)
        except pluggy.PluginValidationError as exc:
            text = " ".join(str(exc).split())
            raise PluginError(f"plugin {name!r}: {text}",
                              hint="see docs/hooks.md for the hook's arguments") from None
    pm.check_pending()


class HookCall:
    """One hook, called through pluggy."""

    def __init__(self, caller: pluggy.HookCaller, defaults: Mapping[str, Any],
                 pm: pluggy.PluginManager | None = None) -> None:
        self.caller = caller
        self.name = caller.name
        self.defaults = defaults
        self.pm = pm
        spec = caller.spec
        self.firstresult = bool(spec and spec.opts.get("firstresult"))

    def only(self, plugin: str, **kwargs: Any) -> list[Any]:
        """The same call answered by ``plugin``'s implementation alone — still through pluggy
        (``subset_hook_caller``, so traced like any call): for work reported plugin by plugin,
        such as the demo's data with its time per plugin."""
        if self.pm is None or plugin not in self.implemented_by:
            raise PluginError(f"{plugin!r} does not implement {self.name}",
                              hint="implemented by: " + (", ".join(self.implemented_by) or "none"))
        others = [p for name, p in self.pm.list_name_plugin() if name != plugin]
        one = HookCall(self.pm.subset_hook_caller(self.name, remove_plugins=others),
                       self.defaults)
        return list(one._raw(kwargs)) if not self.firstresult else [one._raw(kwargs)]

    def _raw(self, kwargs: dict[str, Any]) -> Any:
        spec = self.caller.spec
        if spec is not None:
            for key, value in self.defaults.items():
                if key in spec.argnames:
                    kwargs.setdefault(key, value)
            unknown = sorted(set(kwargs) - set(spec.argnames))
            if unknown:
                raise PluginError(f"{self.name} has no argument {unknown[0]!r}"
                                  f"{did_you_mean(unknown[0], spec.argnames)}",
                                  hint=f"{self.name} takes {', '.join(spec.argnames)}")
        return self.caller(**kwargs)

    def each(self, **kwargs: Any) -> list[tuple[str, Any]]:
        """Every non-None result as ``(plugin, result)``, in the order the implementations ran."""
        raw = self._raw(kwargs)
        if self.firstresult:
            return [] if raw is None else [(raw.plugin, raw.value)]
        return [(r.plugin, r.value) for r in raw]

    def __call__(self, **kwargs: Any) -> Any:
        raw = self._raw(kwargs)
        if self.firstresult:
            return None if raw is None else raw.value
        return [r.value for r in raw]

    def get_hookimpls(self) -> list[pluggy.HookImpl]:
        """The implementations, in pluggy's list order (the **reverse** of the calling order)."""
        return self.caller.get_hookimpls()

    @property
    def implemented_by(self) -> list[str]:
        """The plugins implementing this hook, in the order they are called."""
        return [impl.plugin_name for impl in reversed(self.caller.get_hookimpls())]


class HookRelay:
    """``deployment.hook``: ``deployment.hook.suyuan_case_route(case=…, session=…)``.

    ``deployment`` is passed for you; an unknown hook name or argument is a one-line error."""

    def __init__(self, pm: pluggy.PluginManager, defaults: Mapping[str, Any]) -> None:
        self._pm = pm
        self._defaults = defaults
        self._calls: dict[str, HookCall] = {}

    def __getattr__(self, name: str) -> HookCall:
        if name.startswith("_"):
            raise AttributeError(name)
        found = self._calls.get(name)
        if found is None:
            caller = getattr(self._pm.hook, name, None)
            if caller is None or caller.spec is None:
                raise PluginError(f"no hook named {name!r}{did_you_mean(name, spec_names())}",
                                  hint="the hooks are listed in docs/hooks.md")
            found = self._calls[name] = HookCall(caller, self._defaults, self._pm)
        return found


def call_order(names: Sequence[str], requires: Mapping[str, Iterable[str]]) -> list[str]:
    """The order the plugins' implementations run in: each plugin before every plugin it requires;
    otherwise in the order of ``[plugins] enabled``. (The core runs after all of them.)"""
    waiting = {n: {r for r in requires.get(n, ()) if r in names} for n in names}
    required_by = {n: {m for m in names if n in waiting[m]} for n in names}
    done: list[str] = []
    while len(done) < len(names):
        ready = [n for n in names if n not in done and required_by[n] <= set(done)]
        if not ready:  # a cycle: refused earlier by the manager
            raise PluginError("plugins.enabled: dependency cycle among "
                              + ", ".join(n for n in names if n not in done))
        done.append(ready[0])
    return done
