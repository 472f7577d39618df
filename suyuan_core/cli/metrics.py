"""``suyuan metrics``: figures, breakdowns, drill-downs and verification."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from suyuan_core.cli.app import State, cli, pass_state
from suyuan_core.cli.output import as_json, table
from suyuan_core.metrics.periods import Period, parse_period
from suyuan_core.metrics.service import BY, Figure
from suyuan_core.metrics.verify import verify as run_verify
from suyuan_core.times import now


def _period(state: State, text: str | None) -> Period:
    if text:
        return parse_period(text)
    today = now().astimezone(state.deployment.metric_service.tz).date()
    return Period.containing("month", today)


def _area(state: State, code: str | None) -> str:
    if code:
        state.deployment.areas.tree.get(code)
        return code
    roots: list[str] = state.deployment.areas.tree.roots()
    if not roots:
        raise click.UsageError("the area tree is empty; import it with `suyuan areas import`")
    return roots[0]


def _value(f: Figure, unit: str) -> str:
    if f.value is None:
        return "—"
    return f"{f.value:.2f}%" if unit == "percent" else str(f.value)


@cli.group()
def metrics() -> None:
    """Metrics: show figures, drill down to their cases, verify them against the events."""


@metrics.command()
@click.option("--metric", "keys", multiple=True, help="Metric key (repeatable; default: all).")
@click.option("--area", help="Area code (default: the root of the tree).")
@click.option("--period", help="2026-05-03 | 2026-W18 | 2026-05 | 2026-Q2 | 2026 (default: this month).")
@click.option("--by", type=click.Choice(BY), help="Split the figure.")
@click.option("--category", help="Only this category.")
@click.option("--source", help="Only this intake source.")
@click.option("--json", "as_json_", is_flag=True)
@pass_state
def show(state: State, keys: tuple[str, ...], area: str | None, period: str | None,
         by: str | None, category: str | None, source: str | None, as_json_: bool) -> None:
    """Show figures for an area and a period, optionally split by a dimension."""
    d = state.deployment
    svc = d.metric_service
    area_code = _area(state, area)
    p = _period(state, period)
    chosen = [svc.definition(k) for k in keys] if keys else list(d.metrics)
    figures: list[Figure] = []
    for m in chosen:
        if by:
            figures.extend(svc.breakdown(m.key, area_code, p, by))
        else:
            if (m.is_gauge or m.is_computed) and (category or source):
                continue
            figures.append(svc.figure(m.key, area_code, p, category=category, source=source))
    if as_json_:
        as_json([f.as_dict() for f in figures])
        return
    tree = d.areas.tree
    rows = []
    for f in figures:
        m = d.metrics[f.metric]
        split = f.category or f.source or (tree.get(f.area_code).name_zh
                                           if by == "area" else f.period if by == "period" else "")
        rows.append((f"{m.label.zh} {m.label.en}", split, _value(f, m.unit),
                     f"{f.num}/{f.den}" if m.unit == "percent" else f.num))
    area_name = tree.get(area_code).name_zh
    table(f"{area_name} {area_code} · {p}", ["metric", by or "", "value", "count"], rows)


@metrics.command()
@click.argument("metric")
@click.option("--area", help="Area code (default: the root).")
@click.option("--period", help="Period (default: this month).")
@click.option("--category")
@click.option("--source")
@click.option("--part", type=click.Choice(["numerator", "denominator"]), default="numerator",
              show_default=True)
@click.option("--json", "as_json_", is_flag=True)
@pass_state
def drill(state: State, metric: str, area: str | None, period: str | None, category: str | None,
          source: str | None, part: str, as_json_: bool) -> None:
    """The ids of the cases a figure counts (the records, for a figure computed from them)."""
    svc = state.deployment.metric_service
    if svc.definition(metric).is_computed and not (category or source):
        found: list[Any] = svc.records(metric, _area(state, area), _period(state, period),
                                       part=part)
        what = "records"
    else:
        found = svc.drill(metric, _area(state, area), _period(state, period),
                          category=category, source=source, part=part)
        what = "cases"
    if as_json_:
        as_json(found)
    else:
        click.echo(f"{len(found)} {what}")
        for item in found:
            click.echo(item)


@metrics.command()
@click.option("--area", help="Check only this area's subtree (default: everything).")
@click.option("--period", help="Check only the months this period touches (2026-05, 2026-Q2, 2026 …).")
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
@pass_state
def verify(state: State, area: str | None, period: str | None, quiet: bool) -> None:
    """Check that the events are untouched (their digest chains, as `suyuan integrity`), then
    recompute every case and every rollup from them; exit 1 on any difference.

    Streams (cases in id order, rollups a month at a time), so it runs in flat memory at any
    size; --area and --period check a slice (the digest chains are always checked whole)."""
    if area:
        state.deployment.areas.tree.get(area)
    if _integrity(state):
        sys.exit(1)

    def progress(stage: str, count: int) -> None:
        click.echo(f"verify: {stage} … {count} checked", err=True)

    counts, diffs = run_verify(state.deployment, area_code=area,
                               period=parse_period(period) if period else None,
                               progress=None if quiet else progress)
    for diff in diffs:
        click.echo(f"DIFFERENT {diff}", err=True)
    if diffs:
        click.echo(f"verify: {len(diffs)} difference(s) (first ones shown)", err=True)
        sys.exit(1)
    click.echo(f"verify: ok — {counts['cases']} cases match their events, "
               f"{counts['rollups']} rollup cells match a recomputation")


@metrics.command()
@pass_state
def rebuild(state: State) -> None:
    """Recompute every rollup from the events (after enabling a plugin that adds metrics)."""
    cells = state.deployment.metric_service.rebuild()
    click.echo(f"rebuilt {cells} rollup cells at {dt.datetime.now():%H:%M:%S}")


@metrics.command("list")
@pass_state
def list_(state: State) -> None:
    """Every metric: key, label, unit, formula and who registered it."""
    rows = []
    for m in state.deployment.metrics:
        if m.is_gauge:
            formula = m.gauge_doc
        elif m.is_computed:
            formula = m.compute_doc
        else:
            formula = m.numerator.doc if m.numerator else ""
            if m.denominator:
                formula = f"{formula} ÷ {m.denominator.doc}"
        rows.append((m.key, f"{m.label.zh} {m.label.en}", m.unit, formula, m.provider))
    table("metrics", ["key", "label", "unit", "formula", "by"], rows)


def _integrity(state: State) -> int:
    from suyuan_core import integrity

    with state.deployment.engine.connect() as conn:
        report = integrity.check(conn)
    for item in report.breaks:
        click.echo(f"BROKEN {item}", err=True)
    if report.breaks:
        click.echo(f"integrity: {len(report.breaks)} break(s) in the digest chains (first ones "
                   "shown); restore from a backup (`suyuan restore`) and compare", err=True)
        return 1
    click.echo(f"integrity: ok — {report.events} events of {report.cases} cases and "
               f"{report.audit_entries} audit entries chain unbroken")
    return 0


@cli.command("integrity")
@click.option("--checkpoint", "checkpoint_in", type=click.Path(path_type=Path),
              help="Also check a signed checkpoint: every chain head it names must still be "
                   "in the database (needs --public-key).")
@click.option("--public-key", type=click.Path(path_type=Path),
              help="The Ed25519 public key (PEM) the checkpoint was signed with.")
@click.option("--write-checkpoint", type=click.Path(path_type=Path),
              help="After a clean check, write a signed checkpoint of every chain's head to "
                   "this file (needs --private-key); keep it outside the database host.")
@click.option("--private-key", type=click.Path(path_type=Path),
              help="The Ed25519 private key (PEM) that signs --write-checkpoint.")
@click.option("--new-key", type=click.Path(path_type=Path),
              help="Write a new Ed25519 key pair (PATH and PATH.pub) and exit.")
@pass_state
def integrity_command(state: State, checkpoint_in: Path | None, public_key: Path | None,
                      write_checkpoint: Path | None, private_key: Path | None,
                      new_key: Path | None) -> None:
    """Prove that no case event and no audit entry was edited, removed or inserted: recompute
    each case's digest chain and the audit log's; exit 1 naming the first break of each.

    The chains' heads live in the database; a signed checkpoint (``--write-checkpoint``, e.g.
    nightly) keeps them outside it too, so removing the newest events is caught even by someone
    who also dropped the database's triggers (``--checkpoint``)."""
    from suyuan_core import checkpoint

    try:
        if new_key is not None:
            if new_key.exists():
                raise checkpoint.CheckpointError(f"{new_key} exists; choose a new path")
            public = checkpoint.new_key(new_key)
            click.echo(f"key pair written: {new_key} (private: keep it off the database host) "
                       f"and {public}")
            return
        if (checkpoint_in is None) != (public_key is None):
            raise click.UsageError("--checkpoint and --public-key go together")
        if (write_checkpoint is None) != (private_key is None):
            raise click.UsageError("--write-checkpoint and --private-key go together")
        code = _integrity(state)
        if checkpoint_in is not None and public_key is not None:
            code = max(code, _against(state, checkpoint_in, public_key))
        if code == 0 and write_checkpoint is not None and private_key is not None:
            with state.deployment.engine.connect() as conn, \
                    write_checkpoint.open("w", encoding="utf-8") as out:
                written = checkpoint.write(conn, out, private_key)
            click.echo(f"checkpoint written: {write_checkpoint} ({written.cases} case chains "
                       f"and the audit log up to entry {written.audit_id}, {written.taken_at})")
    except (checkpoint.CheckpointError, OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)


def _against(state: State, path: Path, public_key: Path) -> int:
    from suyuan_core import checkpoint

    with state.deployment.engine.connect() as conn, path.open(encoding="utf-8") as source:
        header, breaks = checkpoint.verify(conn, source, public_key)
    for item in breaks:
        click.echo(f"BROKEN {item}", err=True)
    if breaks:
        click.echo(f"checkpoint: {len(breaks)} chain head(s) of {header['taken_at']} are gone "
                   "or rewritten; restore from a backup (`suyuan restore`) and compare", err=True)
        return 1
    click.echo(f"checkpoint: ok — every chain head of {header['taken_at']} is still there")
    return 0
