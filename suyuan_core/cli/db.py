"""``suyuan db``: apply and inspect migrations."""

from __future__ import annotations

import click

from suyuan_core.cli.app import State, cli, pass_state
from suyuan_core.cli.output import table
from suyuan_core.errors import ConfigError


def missing_sqlite_file(url: str) -> str | None:
    """The path of a file-backed SQLite database that does not exist yet (connecting to it
    would create it), else None."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or (
            parsed.database == ":memory:" or parsed.database.startswith("file:")):
        return None
    return None if Path(parsed.database).exists() else parsed.database


@cli.group()
def db() -> None:
    """Database schema: the core's and each enabled plugin's migrations."""


@db.command()
@pass_state
def upgrade(state: State) -> None:
    """Apply the core's and every enabled plugin's migrations (safe to run again)."""
    d = state.deployment
    d.upgrade()
    branches = ", ".join(f"{branch} {current}"
                         for branch, (current, _) in d.migration_status().items())
    click.echo(f"database {d.engine.url.render_as_string(hide_password=True)} upgraded: {branches}")


@db.command()
@pass_state
def status(state: State) -> None:
    """Each branch's revision in the database against its head in the code (reads only: a
    missing SQLite database is reported, not created)."""
    missing = missing_sqlite_file(state.deployment.config.database_url)
    if missing is not None:
        raise ConfigError(f"the database {missing} does not exist",
                          hint="check [deployment] database, or create it with `suyuan db upgrade`")
    rows = [(branch, current or "(not applied)", head, "ok" if current == head else "upgrade")
            for branch, (current, head) in state.deployment.migration_status().items()]
    table("migrations", ["branch", "database", "code", ""], rows)


@db.command()
@click.option("--plugin", "plugin", required=True, metavar="NAME",
              help="The enabled plugin whose branch gets the revision.")
@click.option("-m", "--message", required=True, help="What the revision changes.")
@pass_state
def revision(state: State, plugin: str, message: str) -> None:
    """Write the next migration on a plugin's branch from its table metadata (Alembic
    autogenerate, the plugin's tables only). Run `suyuan db upgrade` first; read the file before
    committing it."""
    path = state.deployment.new_revision(plugin, message)
    click.echo(f"wrote {path}")
