"""``suyuan init`` and ``suyuan serve``."""

from __future__ import annotations

from pathlib import Path

import click

from suyuan_core.cli.app import State, cli, pass_state
from suyuan_core.errors import ConfigError

TEMPLATE = """# suyuan deployment — see docs/config.md for every key.
[deployment]
name = "{name}"
database = "sqlite:///suyuan.db"   # or postgresql+psycopg://user@host/db
timezone = "Asia/Shanghai"

[plugins]
enabled = []                       # e.g. ["self_governance", "smart"]; see `suyuan plugins list --all`

[cases]
default_deadline_days = 30         # 人民调解: 一般一个月内调结

[data]
# areas = "areas.csv"
# categories = "categories.toml"
"""


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--name", default="suyuan", help="The deployment's name, e.g. 金堂县.")
@click.pass_context
def init(ctx: click.Context, directory: Path, name: str) -> None:
    """Create a deployment in DIRECTORY: a suyuan.toml and an upgraded SQLite database."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "suyuan.toml"
    if path.exists():
        raise ConfigError(f"{path} already exists", hint="edit it, or choose another directory")
    path.write_text(TEMPLATE.format(name=name), encoding="utf-8")
    state = State(str(path))
    heads = state.deployment.upgrade()
    click.echo(f"created {path} and its database ({', '.join(heads)}); next: "
               f"`suyuan --config {path} areas import areas.csv`")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes; each opens its own connections to the database.")
@click.option("--access-log", is_flag=True, help="Log every request (off by default: it is slow, "
              "and the audit log records who read what).")
@pass_state
def serve(state: State, host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve the HTTP API and the web pages (uvicorn with uvloop and httptools); prints the URL
    and the demo login."""
    from suyuan_core.web.server import run

    run(state.deployment, host=host, port=port, workers=workers, access_log=access_log)
