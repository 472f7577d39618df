"""``suyuan roster`` and ``suyuan areas``: the people and the tree."""

from __future__ import annotations

from pathlib import Path

import click

from suyuan_core.areas.service import read_csv
from suyuan_core.cli.app import State, cli, pass_state
from suyuan_core.cli.output import as_json, table
from suyuan_core.errors import ValidationError
from suyuan_core.roster.service import CSV_FIELDS, ORGANISATION_FIELDS, write_csv


@cli.group()
def roster() -> None:
    """The roster: mediators, grid workers, lawyers and the areas they cover."""


@roster.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def import_(state: State, path: Path) -> None:
    """Import members from CSV (all-or-nothing; an existing external_id is updated, not doubled).

    Columns: external_id, name, roles, areas, gender, employment, specialities, capacity, phone,
    organisation, active_from, active_to (lists separated by ';')."""
    added, updated = state.deployment.roster.import_csv(path)
    click.echo(f"roster: {added} added, {updated} updated from {path}")


@roster.command("import-organisations")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def import_organisations(state: State, path: Path) -> None:
    """Import organisations (committees, studios, departments) from CSV:
    external_id,name,kind,area_code. Members name theirs in the roster's organisation column."""
    count = state.deployment.roster.import_organisations_csv(path)
    click.echo(f"organisations: {count} imported from {path}")


@roster.command("export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--personal-data", is_flag=True,
              help="Write the members' phones unmasked (masked by default); needs --reason "
                   "and writes an audit entry.")
@click.option("--reason", default=None, help="Why personal data is exported (audited).")
@pass_state
def export(state: State, path: Path, personal_data: bool, reason: str | None) -> None:
    """Export every member, those plugins added included, as CSV in the columns `roster import`
    reads (streamed; the file appears only when complete). Export the organisations first with
    `roster export-organisations`: members name theirs."""
    d = state.deployment
    if personal_data and (not reason or len(reason.strip()) < 4):
        raise ValidationError("exporting personal data needs a reason", field="reason",
                              rule="required", hint='e.g. --reason "迁移到新服务器" (at least 4 '
                                                    "characters; it is written to the audit log)")
    count = write_csv(path, CSV_FIELDS, d.roster.export_people(reveal=personal_data))
    if personal_data:
        import getpass

        d.audit.write(None, actor=f"cli:{getpass.getuser()}",
                      action="roster.export.personal_data", record="roster:", reason=reason,
                      detail={"path": str(path.resolve()), "people": count})
    masked = "" if personal_data else " (phones masked; --personal-data to keep them)"
    click.echo(f"roster: {count} members exported to {path}{masked}")


@roster.command("export-organisations")
@click.argument("path", type=click.Path(path_type=Path))
@pass_state
def export_organisations(state: State, path: Path) -> None:
    """Export every organisation (those plugins made or declare included) as CSV in the columns
    `roster import-organisations` reads: external_id,name,kind,area_code."""
    count = write_csv(path, ORGANISATION_FIELDS, state.deployment.roster.export_organisations())
    click.echo(f"organisations: {count} exported to {path}")


@roster.command("list")
@click.option("--role", help="Only members with this role.")
@click.option("--area", help="Only members covering this area's subtree.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json_", is_flag=True)
@pass_state
def list_(state: State, role: str | None, area: str | None, limit: int, as_json_: bool) -> None:
    """List roster members."""
    d = state.deployment
    if role and role not in d.roles:
        raise click.BadParameter(f"unknown role {role!r}; known: {', '.join(d.roles.codes())}",
                                 param_hint="--role")
    people = list(d.roster.list(role=role, area_code=area, limit=limit))
    if as_json_:
        as_json([{"external_id": p.external_id, "name": p.name, "roles": p.roles,
                  "areas": p.areas, "employment": p.employment, "capacity": p.capacity}
                 for p in people])
        return
    table(f"roster ({d.roster.count(role)} in all)", ["id", "name", "roles", "areas", "employment",
                                                      "capacity"],
          [(p.external_id, p.name, ", ".join(p.roles), ", ".join(p.areas[:3]), p.employment,
            p.capacity) for p in people])


@cli.group()
def areas() -> None:
    """The area tree: county → town → community → grid → micro-grid."""


@areas.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def import_areas(state: State, path: Path) -> None:
    """Import areas from CSV (code,parent_code,level,name_zh,name_en); parents first."""
    count = state.deployment.areas.import_areas(read_csv(path))
    click.echo(f"areas: {count} imported from {path}")


@areas.command("list")
@click.option("--under", help="Only this area's subtree.")
@click.option("--level", help="Only this level.")
@click.option("--limit", type=int, default=100, show_default=True)
@pass_state
def list_areas(state: State, under: str | None, level: str | None, limit: int) -> None:
    """List areas."""
    tree = state.deployment.areas.tree
    codes = tree.subtree(under) if under else list(tree.areas)
    found = [tree.get(c) for c in codes if not level or tree.get(c).level.name == level]
    table(f"areas ({len(found)})", ["code", "name", "level", "parent"],
          [(a.code, a.name_zh, a.level.name, a.parent_code or "") for a in found[:limit]])


@cli.command()
@pass_state
def categories(state: State) -> None:
    """The case categories in force (the default list, the county's and the plugins')."""
    table("categories", ["code", "label", "valid", "by"],
          [(c.code, f"{c.label.zh} {c.label.en}",
            f"{c.valid_from or ''}–{c.valid_to or ''}" if c.valid_from or c.valid_to else "",
            c.provider) for c in state.deployment.categories])
