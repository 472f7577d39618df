"""Hook implementations in one line: ``routes = implement("suyuan_register_routes", "pkg.web:routes")``.

Most of a plugin's registration hooks only import a module and return what one of its functions
returns; written out, each is five lines that every plugin repeats. :func:`implement` is that
implementation: it imports the target on the first call (so start-up and ``--help`` stay light and
a plugin's web or CLI modules may import the plugin package without a cycle) and calls it with the
hook arguments it takes.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable
from typing import Any

from suyuan_core import hookspecs
from suyuan_core.errors import PluginError
from suyuan_core.hookspecs import hookimpl


def _load(target: str) -> Any:
    module, sep, attr = target.partition(":")
    if not sep or not attr:
        raise PluginError(f"implement: {target!r} is not 'package.module:attribute'",
                          hint="e.g. 'suyuan_myplugin.web:routes'")
    return functools.reduce(getattr, attr.split("."), importlib.import_module(module))


def implement(hook: str, target: object) -> Callable[..., Any]:
    """A hook implementation of ``hook`` answering with ``target``.

    ``target`` is ``"package.module:attribute"`` (imported on the first call) or the object
    itself. A callable is called with those of the hook's arguments it names; anything else (a
    list of metrics, a :class:`~suyuan_core.MigrationSource`) is returned as it is. Assign the
    result to any module-level name of the plugin: pluggy finds it by its mark, not its name::

        routes = implement("suyuan_register_routes", "suyuan_myplugin.web:routes")
        metrics = implement("suyuan_register_metrics", "suyuan_myplugin.metrics:METRICS")
    """
    spec = getattr(hookspecs, hook, None)
    if not hook.startswith(f"{hookspecs.PROJECT}_") or not inspect.isfunction(spec):
        from suyuan_core.plugins.calling import did_you_mean, spec_names

        raise PluginError(f"implement: {hook} is not a suyuan hook{did_you_mean(hook, spec_names())}",
                          hint="see docs/hooks.md for the hooks")
    loaded: list[Any] = []
    names = tuple(inspect.signature(spec).parameters)

    def impl(*args: Any, **named: Any) -> Any:
        # pluggy passes the hook's arguments positionally, in the spec's order
        kwargs = dict(zip(names, args, strict=False)) | named
        if not loaded:
            loaded.append(_load(target) if isinstance(target, str) else target)
        value = loaded[0]
        if not callable(value):
            return value
        params = inspect.signature(value).parameters
        if any(p.kind is p.VAR_KEYWORD for p in params.values()):
            return value(**kwargs)
        return value(**{k: v for k, v in kwargs.items() if k in params})

    impl.__name__ = impl.__qualname__ = hook
    impl.__doc__ = f"{hook} answered by {target!r}"
    # pluggy (and the start-up check of hook arguments) read the implementation's arguments
    # through ``__wrapped__``: they are the spec's own, so every argument is offered.
    impl.__wrapped__ = spec  # type: ignore[attr-defined]
    return hookimpl(specname=hook)(impl)
