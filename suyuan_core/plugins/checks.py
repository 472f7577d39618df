"""``suyuan plugins check``: everything the core can tell a plugin author (or a county swapping a
pillar) about the enabled plugins without running their code paths. Problems fail the check;
warnings are printed and do not."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from suyuan_core.plugins import boundary
from suyuan_core.plugins.calling import unmarked
from suyuan_core.plugins.contracts import pillar_gaps

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment


@attrs.frozen
class Report:
    problems: list[str]
    warnings: list[str]


def check(d: Deployment) -> Report:
    problems: list[str] = []
    warnings: list[str] = []
    for p in d.plugins:
        for name in unmarked(p.module):
            warnings.append(f"plugin {p.name!r}: {name} has no @hookimpl, so it is never called "
                            "(decorate it with @suyuan_core.hookimpl, or rename it)")
    problems += pillar_gaps(d, d.plugins)
    others = sorted(set(boundary.plugin_packages().values()))
    for plugin in d.plugins:  # the import boundary (suyuan_core.PUBLIC_MODULES only)
        if not plugin.builtin:
            problems += [str(v) for v in boundary.check_module(plugin.module, others)]
    for branch, (current, head) in d.migration_status().items():
        if current != head:
            problems.append(f"migrations of {branch} are at {current or 'nothing'}, head is {head}"
                            " (run `suyuan db upgrade`)")
    return Report(problems, warnings)
