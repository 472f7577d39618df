"""``suyuan backup`` and ``suyuan restore``."""

from __future__ import annotations

from pathlib import Path

import click

from suyuan_core.cli.app import State, cli, pass_state


@cli.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@pass_state
def backup_command(state: State, path: Path) -> None:
    """Write the whole database to PATH: every table of the core and of every plugin, users and
    the audit log included (SQLite: the online backup API; PostgreSQL: pg_dump)."""
    from suyuan_core.backup import backup

    counts = backup(state.deployment, path)
    click.echo(f"backed up {len(counts)} tables ({sum(counts.values())} rows) to {path}")


@cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
@pass_state
def restore_command(state: State, path: Path, yes: bool) -> None:
    """Replace the deployment's database with the backup PATH (then run `suyuan integrity` and
    `suyuan metrics verify`)."""
    from suyuan_core.backup import restore

    d = state.deployment
    if not yes:
        click.confirm(f"replace the database {d.engine.url.render_as_string(hide_password=True)} "
                      f"with {path}?", abort=True)
    counts = restore(d, path)
    click.echo(f"restored {len(counts)} tables ({sum(counts.values())} rows) from {path}; "
               "next: `suyuan integrity` and `suyuan metrics verify`")
