"""Pillar contracts: what the plugin filling a pillar must offer, so a county that swaps a pillar
for another vendor's learns what the replacement lacks before its users do.

A pillar is a slot (one enabled plugin per pillar) *and* a contract: the hooks its provider
implements, the hooks it announces for other pillars (calls), and the permission codes and metric
keys it registers. Those codes are the pillar's vocabulary — other plugins, roles, dashboards and
the county's figures name them — so a replacement registers them under the same codes, whatever
the plugin itself is called.

``suyuan plugins check`` reports every gap as a problem (exit 1); start-up logs each gap as a
warning and goes on. Why not refuse to start: a gap degrades the deployment (a figure is missing,
a hook goes unanswered) but corrupts nothing, and refusing would take a whole county offline over
what may be a deliberately partial provider; the check is the gate for CI and for the county's
switch-over.

Contracts of pillars whose reference plugin is still being written (rule_of_law, virtue,
co_governance) ask little: a permission under the pillar's prefix, a metric, and for rule_of_law
the judicial-confirmation hook the self-governance pillar announces. They grow with the plugins.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING

import attrs

from suyuan_core.plugins.spec import PILLARS, LoadedPlugin

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment


@attrs.frozen
class PillarContract:
    """What a pillar's provider must offer. Every field is a minimum: a provider may offer more."""

    pillar: str = attrs.field(validator=attrs.validators.in_(PILLARS))
    #: what the pillar is for, in a sentence (for the docs and the check's output).
    summary: str
    #: hooks the provider implements.
    hooks: tuple[str, ...] = ()
    #: hooks the provider *calls* so other pillars can act (found in its source).
    announces: tuple[str, ...] = ()
    #: permission codes the provider registers.
    permissions: tuple[str, ...] = ()
    #: metric keys the provider registers.
    metrics: tuple[str, ...] = ()
    #: the provider registers at least one permission whose code starts ``<pillar>.``.
    own_permission: bool = True
    #: the provider registers at least one metric.
    a_metric: bool = True

    def lacks(self, d: Deployment, plugin: LoadedPlugin) -> list[str]:
        """What ``plugin`` (enabled in ``d`` for this pillar) does not offer; [] when it
        keeps the contract."""
        out: list[str] = []
        implemented = {impl.name for impl in
                       d.pm.get_hookcallers(d.pm.get_plugin(plugin.name)) or ()}
        for hook in self.hooks:
            if hook not in implemented:
                out.append(f"does not implement {hook}")
        source = _source_text(plugin)
        for hook in self.announces:
            if source is not None and hook not in source:
                out.append(f"never calls {hook} (other pillars act on it)")
        mine = {p.code for p in d.permissions if p.provider == plugin.name}
        for code in self.permissions:
            if code not in mine:
                out.append(f"does not register the permission {code}")
        if self.own_permission and not any(c.startswith(f"{self.pillar}.") for c in mine):
            out.append(f"registers no permission under {self.pillar}.")
        metrics = {m.key for m in d.metrics if m.provider == plugin.name}
        for key in self.metrics:
            if key not in metrics:
                out.append(f"does not register the metric {key}")
        if self.a_metric and not metrics:
            out.append("registers no metric")
        return out


def _source_text(plugin: LoadedPlugin) -> str | None:
    """The text of the plugin's package (None for an in-process module without files)."""
    module = plugin.module
    return _package_text(getattr(module, "__package__", None) or getattr(module, "__name__", ""))


@functools.cache
def _package_text(package: str) -> str | None:
    try:
        root = resources.files(package)
    except (ModuleNotFoundError, TypeError, ValueError):
        return None
    texts = []
    stack = [root]
    while stack:
        folder = stack.pop()
        for item in folder.iterdir():
            if item.is_dir():
                stack.append(item)
            elif item.name.endswith(".py"):
                texts.append(item.read_text(encoding="utf-8"))
    return "\n".join(texts) if texts else None


CONTRACTS: dict[str, PillarContract] = {c.pillar: c for c in (
    PillarContract(
        "self_governance",
        "自治: residents settle their own disputes — people's mediators and committees, "
        "talk-and-reason sessions, mediation agreements and their follow-up.",
        hooks=("suyuan_register_permissions", "suyuan_register_metrics", "suyuan_case_route",
               "suyuan_register_migrations"),
        announces=("suyuan_mediation_agreement_unperformed",),
        permissions=("self_governance.sessions.record", "self_governance.agreements.manage"),
        metrics=("talk_and_reason_sessions", "mediation_agreements",
                 "agreement_performance_rate")),
    PillarContract(
        "smart",
        "智治: online intake, dispatch with sign-off and return, working-day deadlines, "
        "callbacks, duplicate merging, early warnings and reports.",
        hooks=("suyuan_register_permissions", "suyuan_register_metrics", "suyuan_case_deadline",
               "suyuan_case_route", "suyuan_case_classify", "suyuan_register_migrations"),
        permissions=("smart.dispatch", "smart.handle"),
        metrics=("smart_dispatches", "smart_response_rate", "smart_resolution_rate")),
    PillarContract(
        "rule_of_law",
        "法治: legal aid, lawyers and judicial confirmation of mediation agreements.",
        hooks=("suyuan_mediation_agreement_unperformed",)),
    PillarContract(
        "virtue",
        "德治: moral example, recognition and persuasion by respected residents."),
    PillarContract(
        "co_governance",
        "共治: departments, courts and social organisations working cases together."),
)}


def pillar_gaps(d: Deployment, plugins: Iterable[LoadedPlugin]) -> list[str]:
    """One line per gap, naming the pillar, the plugin and what it lacks."""
    out = []
    for plugin in plugins:
        contract = CONTRACTS.get(plugin.pillar or "")
        if contract is None:
            continue
        for gap in contract.lacks(d, plugin):
            out.append(f"pillar {contract.pillar!r}: plugin {plugin.name!r} {gap}")
    return out


def contracts_markdown() -> str:
    """docs/pillars.md (``suyuan docs pillars``)."""
    lines = ["# Pillar contracts", "",
             "Generated by `suyuan docs pillars` from `suyuan_core/plugins/contracts.py`; do not "
             "edit by hand.", "", (__doc__ or "").strip(), ""]
    for pillar in PILLARS:
        c = CONTRACTS[pillar]
        lines += [f"## `{pillar}`", "", c.summary, ""]
        rows = [("implements", c.hooks), ("calls (announces)", c.announces),
                ("registers permissions", c.permissions), ("registers metrics", c.metrics)]
        for what, items in rows:
            if items:
                lines.append(f"- {what}: " + ", ".join(f"`{i}`" for i in items))
        if c.own_permission:
            lines.append(f"- registers at least one permission `{pillar}.…`")
        if c.a_metric:
            lines.append("- registers at least one metric")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
