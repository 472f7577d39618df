"""``suyuan jobs`` (scheduled work: what is declared, what ran, when, and what it did) and
``suyuan notifications`` (the outbox)."""

from __future__ import annotations

import datetime as dt
import json

import click

from suyuan_core.cli.app import State, cli, pass_state
from suyuan_core.cli.output import as_json, table
from suyuan_core.errors import ValidationError


def _when(at: dt.datetime | None) -> str:
    return "" if at is None else at.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _summary(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "" if value is None else text[:80]


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json_", is_flag=True)
@click.pass_context
def jobs(ctx: click.Context, as_json_: bool) -> None:
    """Scheduled work: without a sub-command, every declared job and its last run."""
    if ctx.invoked_subcommand is not None:
        return
    d = ctx.ensure_object(State).deployment
    last = d.jobs.last_runs()
    if as_json_:
        as_json([{"job": j.name, "every": j.every, "at": j.at, "provider": j.provider,
                  "last": last[j.name].as_dict() if j.name in last else None}
                 for j in d.jobs.registry])
        return
    table(f"jobs ({len(d.jobs.registry)}; scheduler: {d.config.core.jobs.scheduler})",
          ["job", "every", "last slot", "status", "did"],
          [(j.name, j.every + (f" {j.at}" if j.at else ""),
            last[j.name].slot[:16] if j.name in last else "never",
            last[j.name].status if j.name in last else "",
            (_summary(last[j.name].summary) or (last[j.name].error or "").splitlines()[0][:80])
            if j.name in last else "")
           for j in d.jobs.registry])


@jobs.command("runs")
@click.option("--job", "job", help="Only this job.")
@click.option("--status", type=click.Choice(["running", "succeeded", "failed", "gave_up"]))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
@click.option("--json", "as_json_", is_flag=True)
@pass_state
def runs(state: State, job: str | None, status: str | None, limit: int, as_json_: bool) -> None:
    """What ran, for which slot, when, on which worker, and what it did (newest first)."""
    d = state.deployment
    if job:
        d.jobs.get(job)
    found = d.jobs.runs(job, status, limit)
    if as_json_:
        as_json([r.as_dict() for r in found])
        return
    table(f"job runs ({len(found)})",
          ["#", "job", "slot", "status", "tries", "started", "finished", "worker", "did / error"],
          [(r.id, r.job, r.slot, r.status, r.attempts, _when(r.started_at), _when(r.finished_at),
            r.worker, _summary(r.summary) if r.status == "succeeded"
            else (r.error or "").splitlines()[0][:80] if r.error else "") for r in found])


@jobs.command("run-due")
@pass_state
def run_due(state: State) -> None:
    """Run whatever is due now, once (what the scheduler does every tick)."""
    done = state.deployment.jobs.run_due()
    for r in done:
        click.echo(f"{r.job} {r.slot}: {r.status}"
                   + (f" — {_summary(r.summary)}" if r.summary is not None else ""))
    if not done:
        click.echo("nothing due")


@jobs.command("run")
@click.argument("name")
@click.option("--slot", help="The slot's start (ISO, local time); default: the current slot.")
@pass_state
def run(state: State, name: str, slot: str | None) -> None:
    """Run one job now for its current (or the given) slot, unless that slot already ran."""
    d = state.deployment
    job = d.jobs.get(name)
    at = None
    if slot:
        try:
            parsed = dt.datetime.fromisoformat(slot)
        except ValueError:
            raise ValidationError(f"{slot!r} is not an ISO date-time", field="slot",
                                  rule="iso", hint="e.g. 2026-12-07T00:00") from None
        at = job.slot(parsed if parsed.tzinfo else parsed.replace(tzinfo=d.jobs.tz), d.jobs.tz)
    done = d.jobs.run(name, at)
    if done is None:
        click.echo(f"{name}: that slot already ran (or is running elsewhere); see `suyuan jobs runs`")
        return
    click.echo(f"{done.job} {done.slot}: {done.status}"
               + (f" — {_summary(done.summary)}" if done.summary is not None else "")
               + (f" — {(done.error or '').splitlines()[0]}" if done.error else ""))


@cli.group(invoke_without_command=True)
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed", "gave_up"]))
@click.option("--kind")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
@click.option("--json", "as_json_", is_flag=True)
@click.pass_context
def notifications(ctx: click.Context, status: str | None, kind: str | None, limit: int,
                  as_json_: bool) -> None:
    """The outbox: who was told what, through which channel, and whether it went out."""
    if ctx.invoked_subcommand is not None:
        return
    d = ctx.ensure_object(State).deployment
    found = d.notifications.recent(status=status, kind=kind, limit=limit)
    if as_json_:
        as_json([n.as_dict() for n in found])
        return
    table(f"notifications ({len(found)})",
          ["#", "kind", "case", "channel", "to", "status", "tries", "created", "subject / error"],
          [(n.id, n.kind, n.case_id or "", n.channel, n.recipient, n.status, n.attempts,
            _when(n.created_at), (n.last_error or n.subject)[:70]) for n in found])


@notifications.command("deliver")
@pass_state
def deliver(state: State) -> None:
    """Send what is due to the outside channels now."""
    done = state.deployment.notifications.deliver()
    click.echo(", ".join(f"{k} {v}" for k, v in done.items()))


@notifications.command("retry")
@click.argument("notification_id", type=click.IntRange(1))
@pass_state
def retry(state: State, notification_id: int) -> None:
    """Queue a failed notification again."""
    state.deployment.notifications.retry(notification_id)
    click.echo(f"notification {notification_id} queued again")


@cli.command("worker")
@click.option("--once", is_flag=True, help="Work off what is queued, then stop.")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 32))
@pass_state
def worker_command(state: State, once: bool, concurrency: int) -> None:
    """Run the scheduled jobs from the job queue in PostgreSQL (procrastinate): start one on each
    machine (set ``[jobs] scheduler = "worker"`` so the serve processes leave the jobs to it); a
    slot runs once however many workers there are."""
    from suyuan_core.jobs import worker

    d = state.deployment
    worker.conninfo(d)  # PostgreSQL only: a clear error on SQLite
    if worker.apply_schema(d):
        click.echo("created the job queue's tables (procrastinate)")
    click.echo(f"worker: {len(d.jobs.registry)} job(s); ticking every minute"
               + (" (once)" if once else "; Ctrl-C to stop"))
    worker.run(d, once=once, concurrency=concurrency)
