"""``suyuan plugins``: what is installed, what is enabled, and whether it is healthy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from suyuan_core.cli.app import State, cli, pass_state
from suyuan_core.cli.output import as_json, table
from suyuan_core.plugins import boundary, manager
from suyuan_core.plugins.scaffold import scaffold


def describe(state: State, show_all: bool) -> list[dict[str, Any]]:
    d = state.deployment
    try:
        migrations = d.migration_status()
    except Exception:  # database not reachable or not set up: still list the plugins
        migrations = {}
    rows: list[dict[str, Any]] = []
    for p in d.plugins:
        hooks = sorted(impl.name for impl in d.pm.get_hookcallers(p.module) or ())
        branch = next((b for b, owner in d.migration_owners.items() if owner == p.name), "")
        current, head = migrations.get(branch, (None, None))
        rows.append({"name": p.name, "version": p.version, "enabled": True,
                     "builtin": p.builtin, "label": {"zh": p.spec.label.zh, "en": p.spec.label.en},
                     "pillar": p.spec.pillar, "requires": list(p.spec.requires),
                     "conflicts": list(p.spec.conflicts), "distribution": p.distribution,
                     "hooks": hooks, "migration": {"database": current, "head": head}})
    if show_all:
        enabled = {p.name for p in d.plugins}
        for name, available in sorted(manager.discover().items()):
            if name not in enabled:
                rows.append({"name": name, "version": available.version, "enabled": False,
                             "builtin": False, "distribution": available.distribution})
    return rows


@cli.group()
def plugins() -> None:
    """Plugins: list them and check them."""


@plugins.command("list")
@click.option("--json", "as_json_", is_flag=True, help="Print JSON for scripts.")
@click.option("--all", "show_all", is_flag=True, help="Also list installed plugins not enabled.")
@pass_state
def list_(state: State, as_json_: bool, show_all: bool) -> None:
    """The plugins of this deployment: name, version, pillar, requires, hooks, migrations."""
    rows = describe(state, show_all)
    if as_json_:
        as_json(rows)
        return
    table("plugins", ["name", "version", "enabled", "pillar", "label", "requires", "hooks",
                      "migration"],
          [(r["name"], r["version"], "yes" if r["enabled"] else "no", r.get("pillar") or "",
            f"{r['label']['zh']} / {r['label']['en']}" if "label" in r else "",
            ", ".join(r.get("requires", [])), len(r.get("hooks", [])),
            "" if not r.get("migration", {}).get("head") else
            f"{r['migration']['database'] or '-'} → {r['migration']['head']}") for r in rows])


@plugins.command()
@click.argument("name")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write it (default: ./suyuan-<name>).")
@click.option("--label-zh", default="新插件", show_default=True, help="Chinese label.")
@click.option("--label-en", default="New plugin", show_default=True, help="English label.")
@click.option("--pillar", help="The pillar it provides, if any.")
def new(name: str, directory: Path | None, label_zh: str, label_en: str,
        pillar: str | None) -> None:
    """Start a new plugin NAME from the template: entry point, settings, a hook, a migration
    branch, a CLI group and tests that pass with suyuan's fixtures once installed."""
    target = directory or Path(f"suyuan-{name.replace('_', '-')}")
    written = scaffold(name, target, label_zh=label_zh, label_en=label_en, pillar=pillar)
    click.echo(f"wrote {len(written)} files to {target}; next: pip install -e {target} && "
               f"pytest {target}")


@plugins.command()
@pass_state
def check(state: State) -> None:
    """Load the deployment and check every plugin: metadata, hooks, settings, migrations.

    A plugin's own CI can run this against a deployment that enables it; exit 1 on any problem."""
    d = state.deployment
    d.pm.check_pending()
    problems = []
    for branch, (current, head) in d.migration_status().items():
        if current != head:
            problems.append(f"migrations of {branch} are at {current or 'nothing'}, head is {head}"
                            " (run `suyuan db upgrade`)")
    others = sorted(set(boundary.plugin_packages().values()))
    for plugin in d.plugins:
        if not plugin.builtin:
            problems += [str(v) for v in boundary.check_module(plugin.module, others)]
    for p in problems:
        click.echo(f"problem: {p}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"{len(d.plugins)} plugins ok: {', '.join(p.name for p in d.plugins)}")


@plugins.command()
@click.argument("packages", nargs=-1)
def contract(packages: tuple[str, ...]) -> None:
    """Print the import-linter contract (.importlinter) for plugin PACKAGES (default: every
    installed plugin's package), generated from suyuan_core.PUBLIC_MODULES."""
    chosen = list(packages) or sorted(set(boundary.plugin_packages().values()))
    click.echo(boundary.importlinter_config(chosen), nl=False)
