"""``suyuan virtue …``: thin commands over the services. Register commands act **as a user**
(``--as``), so the same rights, masking, reasons and audit apply as on the web; errors are
SuyuanErrors, which the suyuan CLI prints as one line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from suyuan_core import Deployment, ValidationError
from suyuan_virtue.protection import REGISTERS, Access


def _json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _load(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValidationError(f"cannot read {path}: {exc}", field="file", rule="json") from None
    if not isinstance(data, dict):
        raise ValidationError("expected a JSON object", field="file", rule="type")
    return data


def build(deployment: Deployment | None) -> click.Group:
    def d() -> Deployment:
        if deployment is None:
            raise click.UsageError("no deployment configured (suyuan.toml)")
        return deployment

    def access(user: str, reason: str | None = None) -> Access:
        return Access(d().accounts.as_user(user, via="cli"), ip="cli", reason=reason)

    as_option = click.option("--as", "user", required=True,
                             help="The user acting (their roles decide what they may do).")
    register_arg = click.argument("register", type=click.Choice(list(REGISTERS)))

    @click.group("virtue")
    def group() -> None:
        """诉源德治 virtue: the sensitive registers, counselling, moral models, families, marriage
        mediation."""

    # -- PIA --------------------------------------------------------------------------------------
    @group.group("pia")
    def pia() -> None:
        """个人信息保护影响评估: the PIA each register needs before processing starts."""

    @pia.command("record")
    @register_arg
    @as_option
    @click.option("--assessed-on", required=True)
    @click.option("--assessor", required=True)
    @click.option("--purpose", required=True)
    @click.option("--legal-basis", required=True)
    @click.option("--necessity", required=True)
    @click.option("--risks", required=True)
    @click.option("--measures", required=True)
    @click.option("--review-due", required=True)
    def pia_record(register: str, user: str, assessed_on: str, assessor: str, purpose: str,
                   legal_basis: str, necessity: str, risks: str, measures: str,
                   review_due: str) -> None:
        """Record the impact assessment of REGISTER."""
        from suyuan_virtue.pia import PiaInput, Pias

        new_id = Pias(d()).record(access(user), PiaInput(
            register=register, assessed_on=assessed_on, assessor=assessor, purpose=purpose,
            legal_basis=legal_basis, necessity=necessity, risks=risks, measures=measures,
            review_due=review_due))
        click.echo(f"PIA {new_id} recorded for {register}")

    @pia.command("list")
    def pia_list() -> None:
        from suyuan_virtue.pia import Pias

        _json(Pias(d()).list())

    # -- registers --------------------------------------------------------------------------------
    @group.group("registers")
    def registers() -> None:
        """社区矫正 / 安置帮教 records (masked unless --unmask with --reason)."""

    @registers.command("add")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @as_option
    def registers_add(path: str, user: str) -> None:
        """Add a record from a JSON file (register, area_code, name, id_number, term_start,
        term_end, officer, birth_date, phone, address, offence, notes, helpers)."""
        from suyuan_virtue.registers import Registers, inputs

        click.echo(f"record {Registers(d()).add(access(user), inputs(_load(path)))} added")

    @registers.command("show")
    @click.argument("record_id", type=int)
    @as_option
    @click.option("--unmask", is_flag=True, help="Show personal data (needs the right).")
    @click.option("--reason", help="Why (required with --unmask; audited).")
    def registers_show(record_id: int, user: str, unmask: bool, reason: str | None) -> None:
        from suyuan_virtue.registers import Registers

        _json(Registers(d()).get(access(user, reason), record_id, unmask=unmask).as_dict())

    @registers.command("list")
    @register_arg
    @as_option
    @click.option("--area")
    def registers_list(register: str, user: str, area: str | None) -> None:
        from suyuan_virtue.registers import Registers

        _json([v.as_dict() for v in Registers(d()).list(access(user), register, area=area)])

    @registers.command("purge")
    @click.option("--on", "on", help="The day to apply the limits on (default today).")
    @click.option("--dry-run", is_flag=True)
    def registers_purge(on: str | None, dry_run: bool) -> None:
        """Delete records past their retention limit (one audit entry names them)."""
        from suyuan_virtue.retention import Retention
        from suyuan_virtue.times import need_date, today

        day = need_date(on, "on") if on else today(d())
        _json(Retention(d()).purge(actor="cli", on=day, dry_run=dry_run))

    @registers.command("access-report")
    @register_arg
    @as_option
    @click.option("--since", help="YYYY-MM-DD")
    @click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default="csv")
    @click.option("--output", "-o", type=click.Path(dir_okay=False))
    def access_report(register: str, user: str, since: str | None, fmt: str,
                      output: str | None) -> None:
        """Who read what, when and why (from the audit log)."""
        from suyuan_virtue.access_report import AccessReport
        from suyuan_virtue.times import need_date

        report = AccessReport(d())
        start = (dt.datetime.combine(need_date(since, "since"), dt.time(), dt.UTC)
                 if since else None)
        rows = report.rows(access(user), register, since=start)
        if fmt == "xlsx":
            if not output:
                raise click.UsageError("--format xlsx needs --output FILE")
            Path(output).write_bytes(report.xlsx(rows))
            click.echo(f"{len(rows)} rows written to {output}")
            return
        text = report.csv(rows) if fmt == "csv" else json.dumps(rows, ensure_ascii=False,
                                                                 indent=2)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            click.echo(f"{len(rows)} rows written to {output}")
        else:
            click.echo(text, nl=False)

    # -- selections -------------------------------------------------------------------------------
    @group.group("selections")
    def selections() -> None:
        """道德模范评选: nominate → review → notice → vote (one per household) → award."""

    @selections.command("show")
    @click.argument("selection_id", type=int)
    def selections_show(selection_id: int) -> None:
        from suyuan_virtue.selection import Selections

        _json(Selections(d()).get(selection_id))

    @selections.command("vote")
    @click.argument("selection_id", type=int)
    @click.option("--nomination", type=int, required=True)
    @click.option("--household", required=True)
    @as_option
    def selections_vote(selection_id: int, nomination: int, household: str, user: str) -> None:
        from suyuan_virtue.selection import Selections

        vote = Selections(d()).vote(access(user).principal, selection_id,
                                    nomination_id=nomination, household=household)
        click.echo(f"vote {vote} recorded")

    @selections.command("results")
    @click.argument("selection_id", type=int)
    def selections_results(selection_id: int) -> None:
        from suyuan_virtue.selection import Selections

        _json(Selections(d()).results(selection_id))

    # -- marriage ---------------------------------------------------------------------------------
    @group.command("dispatch-marriage")
    @click.argument("case_id", type=int)
    @click.option("--actor", required=True)
    def dispatch_marriage(case_id: int, actor: str) -> None:
        """Assign a marriage/family case to a marriage mediator and a kin team together."""
        from suyuan_virtue.marriage import Marriage

        case = Marriage(d()).dispatch(case_id, actor=actor)
        click.echo(f"case {case_id} assigned to {', '.join(case.assignees)}")

    return group
