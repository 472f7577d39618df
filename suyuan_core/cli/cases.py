"""``suyuan cases``: import, export, show, act."""

from __future__ import annotations

import json
from pathlib import Path

import click

from suyuan_core.cases.files import (
    detect_format,
    export_file,
    export_query,
    import_file,
    iter_cases,
)
from suyuan_core.cli.app import State, cli, pass_state
from suyuan_core.cli.output import as_json, console, progress, table
from suyuan_core.errors import ValidationError
from suyuan_core.times import iso


@cli.group()
def cases() -> None:
    """Cases: import, export, show one with its timeline, move it through its lifecycle."""


@cases.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), help="Default: from suffix.")
@click.option("--batch-size", default=5000, show_default=True,
              help="Rows per transaction; a bad row rolls back its whole batch.")
@click.option("--actor", default="import", show_default=True, help="Recorded as the events' actor.")
@click.option("--keep-ids", is_flag=True,
              help="Restore a `cases export --with-events` into a fresh deployment: each case "
                   "keeps its id (merges keep pointing at the right case) and each event the "
                   "time it was recorded (the digest chains come back the same).")
@pass_state
def import_(state: State, path: Path, fmt: str | None, batch_size: int, actor: str,
            keep_ids: bool) -> None:
    """Import cases from CSV or JSON Lines; rows already imported (same source and source_ref)
    are skipped, so running it again is safe. An export with events is replayed event by
    event from the case as it was registered."""
    d = state.deployment
    with progress(f"importing {path.name}") as advance:
        created, skipped = import_file(d, path, fmt=fmt, actor=actor, batch_size=batch_size,
                                       progress=advance, keep_ids=keep_ids)
    click.echo(f"imported {created} cases from {path} ({skipped} already there, skipped)")


@cases.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "xlsx"]),
              help="Default: from the file's suffix.")
@click.option("--area", help="Only cases in this area's subtree.")
@click.option("--status", help="Only cases in this status.")
@click.option("--category", help="Only this category.")
@click.option("--source", help="Only this intake source.")
@click.option("--with-events", is_flag=True, help="JSON Lines: add each case's events.")
@click.option("--personal-data", is_flag=True,
              help="Include the parties' personal data (left out by default, PIPL Art 6); "
                   "needs --reason and writes an audit entry.")
@click.option("--reason", default=None, help="Why personal data is exported (audited).")
@pass_state
def export(state: State, path: Path, fmt: str | None, area: str | None, status: str | None,
           category: str | None, source: str | None, with_events: bool,
           personal_data: bool, reason: str | None) -> None:
    """Export cases to CSV, JSON Lines or XLSX (streamed: memory stays flat)."""
    d = state.deployment
    if personal_data and (not reason or len(reason.strip()) < 4):
        raise ValidationError("exporting personal data needs a reason", field="reason",
                              rule="required", hint='e.g. --reason "移交法院司法确认" (at least 4 '
                                                    "characters; it is written to the audit log)")
    fmt = detect_format(path, fmt)
    if with_events and fmt != "jsonl":
        raise ValidationError("--with-events needs JSON Lines", field="format", rule="export",
                              hint="export to a .jsonl file")
    query = export_query(d, area_code=area, status=status, category=category, source=source)
    rows = iter_cases(d, query, with_events=with_events, personal_data=personal_data)
    with progress(f"exporting {path.name}") as advance:
        count = export_file(d, rows, path, fmt, progress=advance)
    if personal_data:
        import getpass

        d.audit.write(None, actor=f"cli:{getpass.getuser()}", action="cases.export.personal_data",
                      record="case:", reason=reason,
                      detail={"path": str(path.resolve()), "cases": count, "area": area,
                              "status": status, "category": category, "source": source,
                              "with_events": with_events})
    click.echo(f"exported {count} cases to {path}")


@cases.command()
@click.argument("case_id", type=int)
@click.option("--json", "as_json_", is_flag=True)
@pass_state
def show(state: State, case_id: int, as_json_: bool) -> None:
    """One case and its timeline (every event, oldest first)."""
    d = state.deployment
    case = d.cases.get(case_id)
    events = d.cases.timeline(case_id)
    if as_json_:
        as_json({"case": {"id": case.id, "title": case.title, "status": case.status.value,
                          "level": case.level.name, "category": case.category,
                          "source": case.source, "area_code": case.area_code,
                          "version": case.version, "deadline": iso(case.deadline)},
                 "allowed": d.cases.allowed(case),
                 "timeline": [{"seq": e.seq, "kind": e.kind, "actor": e.actor,
                               "occurred_at": iso(e.occurred_at), "status": e.status_after,
                               "data": e.data, "reason": e.reason} for e in events]})
        return
    area = d.areas.tree.get(case.area_code)
    category = d.categories.get(case.category)
    console.print(f"[bold]#{case.id} {case.title}[/bold]")
    console.print(f"{category.label if category else case.category} · {case.source} · "
                  f"{area.name_zh} ({case.area_code}) · {case.level.name} · "
                  f"[bold]{case.status.value}[/bold] · v{case.version}")
    if case.deadline:
        console.print(f"deadline {iso(case.deadline)}")
    console.print(f"allowed now: {', '.join(d.cases.allowed(case)) or 'nothing (final)'}")
    table("timeline", ["#", "when", "event", "by", "status", "details"],
          [(e.seq, iso(e.occurred_at), e.kind, e.actor, e.status_after,
            (e.reason + " " if e.reason else "") + (json.dumps(e.data, ensure_ascii=False)
                                                    if e.data and e.kind != "reported" else ""))
           for e in events])


@cases.command()
@click.argument("case_id", type=int)
@click.argument("action")
@click.option("--actor", required=True, help="Who does it (user or roster id).")
@click.option("--reason", help="Why (required to escalate).")
@click.option("--assignee", "assignees", multiple=True, help="For assign: person:ID or organisation:ID.")
@click.option("--expected-version", type=int, help="Refuse if the case changed since this version.")
@pass_state
def act(state: State, case_id: int, action: str, actor: str, reason: str | None,
        assignees: tuple[str, ...], expected_version: int | None) -> None:
    """Apply a lifecycle ACTION (accept, assign, start, resolve, fail, refer, close, withdraw,
    reopen, escalate) to a case."""
    data = {"assignees": list(assignees)} if assignees else {}
    case = state.deployment.cases.act(case_id, action, actor=actor, data=data, reason=reason,
                                      expected_version=expected_version)
    click.echo(f"case {case.id} is now {case.status.value} at {case.level.name} (v{case.version})")


@cases.command()
@click.argument("case_id", type=int)
@pass_state
def route(state: State, case_id: int) -> None:
    """Who could handle a case: every plugin's proposals, best first, with their reasons."""
    d = state.deployment
    proposals = d.routing.propose(d.cases.get(case_id))
    table(f"proposals for case {case_id}", ["score", "handler", "reason", "by"],
          [(f"{p.score:.2f}", f"{p.handler_kind}:{p.handler_id}", p.reason, p.provider)
           for p in proposals])
