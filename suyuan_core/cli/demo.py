"""``suyuan demo``: build the Jintang county demo deployment (and serve it with ``--serve``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from suyuan_core.accounts import ensure_demo_users
from suyuan_core.cli.app import State, cli
from suyuan_core.cli.output import progress, table
from suyuan_core.cli.serve import serve
from suyuan_core.demo import build


@contextmanager
def stage(what: str) -> Iterator[Callable[[str], None]]:
    """One line when a stage of the build starts and one when it is done, with its time: the
    build's progress, on a terminal or not (``./dev demo``, a log, CI)."""
    click.echo(f"… {what}", err=True)
    began = time.perf_counter()
    done: list[str] = []
    yield done.append
    click.echo(f"✓ {what}{': ' + done[-1] if done else ''} in "
               f"{time.perf_counter() - began:.1f} s", err=True)


@cli.command()
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=Path("suyuan-demo"),
              show_default=True, help="Where to write the deployment (suyuan.toml, data, database).")
@click.option("--cases", "count", type=int, default=build.DEFAULT_CASES, show_default=True,
              help="How many cases to generate over the last 12 months.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="The same seed gives the same people, cases and figures.")
@click.option("--force", is_flag=True, help="Rebuild a directory that already holds a deployment.")
@click.option("--core-only", is_flag=True,
              help="Enable no plugin (by default every installed pillar plugin is enabled).")
@click.option("--serve/--no-serve", "serve_", default=False, show_default=True,
              help="Then serve it, as `suyuan serve` does.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.pass_context
def demo(ctx: click.Context, directory: Path, count: int, seed: int, force: bool, core_only: bool,
         serve_: bool, host: str, port: int) -> None:
    """Build the Jintang county (金堂县) demo: 16 towns, 200 communities, 1,191 mediators and a
    synthetic year of cases whose figures come from their events."""
    from suyuan_core.deployment import Deployment

    started = time.perf_counter()
    build.check_request(directory, count, force)
    config, enabled, notes = build.write_deployment(directory, force, core_only)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    d = Deployment.from_file(config)
    try:
        with stage("database 数据库"):
            d.upgrade()
        with stage("areas 区域") as said:
            areas = build.load_areas(d)
            said(f"{areas:,} areas")
        with stage("logins 演示账号"):
            logins = ensure_demo_users(d)
        with stage("roster 人员") as said:
            roster = build.load_roster(d, seed)
            said(f"{len(roster.people):,} members")
        click.echo(f"金堂县: {areas:,} areas, {len(roster.people):,} roster members "
                   f"({roster.count('mediator'):,} mediators, "
                   f"{roster.count('mediator', 'full_time')} full-time; "
                   f"{roster.count('lawyer')} lawyers; "
                   f"{roster.count('micro_grid_worker'):,} micro-grid workers)")
        until = build.until_of(d.metric_service.tz)
        with stage("cases 案件") as said, \
                progress("generating cases 生成案件", total=count) as advance:
            written = build.write_cases(d, roster, count, seed, until, advance)
            said(f"{written:,} cases with their events")
        # each plugin's share, the plugins a plugin requires first, timed one by one
        demo_hook = d.hook.suyuan_demo_data
        for name in build.plugin_order(demo_hook):
            with stage(f"plugin {name}: demo data"):
                demo_hook.only(name, deployment=d, seed=seed, scale=count / build.DEFAULT_CASES)
        figures = build.headline(d, until)
        database = d.engine.url.database
    finally:
        d.close()
    click.echo(f"{written:,} cases with their events in {time.perf_counter() - started:.1f} s; "
               f"plugins: {', '.join(enabled) or 'none (core only)'}")
    table("金堂县 · 近12个月 last 12 months", ["figure", "value", ""],
          [(f.label, f.value, f.detail) for f in figures])
    click.echo(f"database: {database}")
    for username, password, what in logins:
        click.echo(f"login: {username} / {password}  ({what})")
    shown = config.as_posix()
    click.echo("next:\n"
               f"  suyuan --config {shown} metrics show --period {until.year}\n"
               f"  suyuan --config {shown} metrics show --by area --metric mediation_success_rate\n"
               f"  suyuan --config {shown} metrics verify\n"
               f"  suyuan --config {shown} cases show 1\n"
               f"  suyuan --config {shown} serve")
    if serve_:
        ctx.obj = State(str(config))
        ctx.invoke(serve, host=host, port=port, workers=1)
