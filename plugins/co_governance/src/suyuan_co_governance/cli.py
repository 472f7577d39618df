"""``suyuan co-governance …``: thin commands over the services (errors are SuyuanErrors, which
the suyuan CLI prints as one line, and nothing is written)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import click

from suyuan_co_governance.vocab import (
    DEPUTY_KINDS,
    FORCES,
    LEDGER_STATUS,
    ORG_FORCES,
    PARTICIPATION_ROLES,
    PARTY_KINDS,
    TEAMS,
)
from suyuan_core import Deployment, inputs, parse_period, times
from suyuan_core.bounds import MAX_ID

T = TypeVar("T")


def _json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _load(path: str, cls: type[T]) -> T:
    return inputs.from_json_file(path, cls)


def build(deployment: Deployment | None) -> click.Group:
    def cg() -> Any:
        if deployment is None:
            raise click.UsageError("no deployment configured (suyuan.toml)")
        from suyuan_co_governance.service import service

        return service(deployment)

    def period_of(text: str | None) -> Any:
        return parse_period(text) if text else None

    actor_option = click.option("--actor", default="cli", show_default=True,
                                help="Who is recording this.")

    @click.group("co-governance")
    def group() -> None:
        """诉源共治 co-governance: Party organisations, industry committees, the land-acquisition
        ledger (挂号 + 销号), social forces."""

    # -- the ledger ----------------------------------------------------------------------
    @group.group("ledger")
    def ledger() -> None:
        """征地拆迁矛盾纠纷问题台账 the land-acquisition and demolition ledger."""

    @ledger.command("register")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @actor_option
    def ledger_register(path: str, actor: str) -> None:
        """挂号: register an issue from a JSON file (project, subject, area_code, unit,
        affected_count, affected, deadline, measures, registered_on, ref, case_id). The same
        issue again reopens it if it was closed out."""
        from suyuan_co_governance.ledger import RegisterInput

        issue, outcome = cg().ledger.register(_load(path, RegisterInput), actor=actor)
        click.echo(f"{issue.ref} (#{issue.id}): {outcome}")

    @ledger.command("progress")
    @click.argument("issue_id", type=click.IntRange(1, MAX_ID))
    @click.option("--text", "note", required=True, help="What was done.")
    @click.option("--on", "occurred_on", help="YYYY-MM-DD (default today).")
    @click.option("--deadline", help="Move the deadline to YYYY-MM-DD (say why in --text).")
    @actor_option
    def ledger_progress(issue_id: int, note: str, occurred_on: str | None,
                        deadline: str | None, actor: str) -> None:
        """Record progress on an issue."""
        from suyuan_co_governance.ledger import ProgressInput

        issue = cg().ledger.progress(issue_id, ProgressInput(text=note, occurred_on=occurred_on,
                                                             deadline=deadline), actor=actor)
        click.echo(f"{issue.ref}: progress recorded; deadline {issue.deadline}")

    @ledger.command("close-out")
    @click.argument("issue_id", type=click.IntRange(1, MAX_ID))
    @click.option("--evidence", multiple=True, help="An item of evidence (repeat).")
    @click.option("--unit", "signed_off_by", required=True,
                  help="The responsible unit signing off (its roster id).")
    @click.option("--signatory", required=True, help="Who signs for the unit.")
    @click.option("--lawsuit/--no-lawsuit", required=True,
                  help="Whether the issue ended in a lawsuit.")
    @click.option("--on", "closed_on", help="YYYY-MM-DD (default today).")
    @click.option("--note", default="")
    @actor_option
    def ledger_close_out(issue_id: int, evidence: tuple[str, ...], signed_off_by: str,
                         signatory: str, lawsuit: bool, closed_on: str | None, note: str,
                         actor: str) -> None:
        """销号: close out an issue, with evidence and the responsible unit's sign-off."""
        from suyuan_co_governance.ledger import CloseOutInput

        issue = cg().ledger.close_out(issue_id, CloseOutInput(
            evidence=evidence, signed_off_by=signed_off_by, signatory=signatory,
            lawsuit=lawsuit, closed_on=closed_on, note=note), actor=actor)
        click.echo(f"{issue.ref}: closed out on {issue.closed_on}")

    @ledger.command("reopen")
    @click.argument("issue_id", type=click.IntRange(1, MAX_ID))
    @click.option("--reason", required=True)
    @click.option("--deadline", required=True, help="YYYY-MM-DD")
    @click.option("--on", "occurred_on", help="YYYY-MM-DD (default today).")
    @actor_option
    def ledger_reopen(issue_id: int, reason: str, deadline: str, occurred_on: str | None,
                      actor: str) -> None:
        """A closed-out issue that came back: reopen it."""
        from suyuan_co_governance.ledger import ReopenInput

        issue = cg().ledger.reopen(issue_id, ReopenInput(reason=reason, deadline=deadline,
                                                         occurred_on=occurred_on), actor=actor)
        click.echo(f"{issue.ref}: reopened ({issue.reopened}×); deadline {issue.deadline}")

    @ledger.command("list")
    @click.option("--area", help="An area code (its subtree).")
    @click.option("--unit", help="A responsible unit's id.")
    @click.option("--status", type=click.Choice(list(LEDGER_STATUS)))
    @click.option("--overdue", is_flag=True, help="Only open issues past their deadline.")
    @click.option("--json", "as_json", is_flag=True)
    def ledger_list(area: str | None, unit: str | None, status: str | None, overdue: bool,
                    as_json: bool) -> None:
        """The ledger, overdue issues first (people affected are counted, not named)."""
        from suyuan_co_governance.common import area_path, today
        from suyuan_co_governance.ledger import LedgerFilter

        svc = cg()
        paths = [area_path(svc.d, area, "area")] if area else None
        day = today(svc.d)
        found = svc.ledger.list(LedgerFilter(area_paths=paths, unit=unit, status=status,
                                             overdue=overdue), on=day)
        if as_json:
            _json([{k: v for k, v in i.as_dict(day).items() if k not in ("affected", "entries")}
                   for i in found])
            return
        for i in found:
            late = i.overdue_days(day)
            flag = f"逾期{late}天" if late else LEDGER_STATUS[i.status][0]
            click.echo(f"#{i.id} {i.ref} [{flag}] {i.project} · {i.subject} · {i.unit_name} · "
                       f"{i.affected_count}人 · 时限 {i.deadline}")
        click.echo(f"{len(found)} issue(s)")

    @ledger.command("show")
    @click.argument("issue_id", type=click.IntRange(1, MAX_ID))
    def ledger_show(issue_id: int) -> None:
        """One issue with every entry (names of people affected masked)."""
        svc = cg()
        from suyuan_co_governance.common import today
        from suyuan_co_governance.ledger import affected_as_shown

        issue = svc.ledger.get(issue_id)
        out = issue.as_dict(today(svc.d))
        out["affected"] = affected_as_shown(svc.d, issue)
        _json(out)

    @ledger.command("units")
    @click.option("--period", help="e.g. 2026-05 or 2026-Q2: issues registered in it.")
    def ledger_units(period: str | None) -> None:
        """Figures per responsible unit (registered, open, overdue, closed, settled within the
        trade)."""
        svc, chosen = cg(), period_of(period)
        on = times.standing_day(svc.d, chosen) if chosen else None
        _json(svc.ledger.by_unit(period=chosen, on=on))

    @ledger.command("export")
    @click.argument("path", type=click.Path(dir_okay=False, writable=True))
    @click.option("--area", help="An area code (its subtree).")
    @click.option("--lang", type=click.Choice(["zh-Hans", "en"]), default="zh-Hans")
    def ledger_export(path: str, area: str | None, lang: str) -> None:
        """The ledger as an XLSX workbook (overdue first; a sheet per unit)."""
        from suyuan_co_governance.common import area_path, today
        from suyuan_co_governance.export import workbook
        from suyuan_co_governance.ledger import LedgerFilter, affected_as_shown

        svc = cg()
        paths = [area_path(svc.d, area, "area")] if area else None
        day = today(svc.d)
        issues = svc.ledger.list(LedgerFilter(area_paths=paths), on=day)
        tree = svc.d.areas.tree

        data = workbook(issues, svc.ledger.by_unit(paths, on=day), on=day,
                        names=lambda i: affected_as_shown(svc.d, i),
                        area_name=tree.name, lang=lang)
        Path(path).write_bytes(data)
        click.echo(f"{path}: {len(issues)} issue(s)")

    # -- committees ----------------------------------------------------------------------
    @group.group("committees")
    def committees() -> None:
        """行业性调解委员会 trade and industry mediation committees."""

    @committees.command("save")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def committees_save(path: str) -> None:
        """Create or replace a committee from JSON (external_id, name, area_code, sponsor, form,
        coverage: [{category, area_code, priority?}])."""
        from suyuan_co_governance.committees import CommitteeInput

        saved = cg().committees.save(_load(path, CommitteeInput))
        click.echo(f"{saved.external_id}: {len(saved.coverage)} coverage item(s)")

    @committees.command("list")
    def committees_list() -> None:
        _json([c.as_dict() for c in cg().committees.list()])

    @committees.command("figures")
    @click.option("--period", help="e.g. 2026-05: cases assigned in it.")
    def committees_figures(period: str | None) -> None:
        """Caseload, results and days to result per committee."""
        _json(cg().committees.figures(period=period_of(period)))

    @committees.command("rebuild")
    def committees_rebuild() -> None:
        """Recompute the committees' cases from the case events (e.g. after enabling the plugin
        on a deployment with history)."""
        click.echo(f"committee cases: {cg().committees.rebuild()} from the case events")

    @committees.command("cases")
    @click.argument("committee")
    @click.option("--result", type=click.Choice(["resolved", "unresolved", "referred",
                                                 "withdrawn", "open"]))
    @click.option("--period")
    def committees_cases(committee: str, result: str | None, period: str | None) -> None:
        """The cases behind a committee's figures."""
        _json(cg().committees.cases(committee, result=result, period=period_of(period)))

    # -- the Party -----------------------------------------------------------------------
    @group.group("party")
    def party() -> None:
        """党组织与党员 Party organisations and members in dispute work."""

    @party.command("org")
    @click.option("--id", "external_id", required=True)
    @click.option("--name", required=True)
    @click.option("--kind", type=click.Choice(list(PARTY_KINDS)), required=True)
    @click.option("--area", "area_code", required=True)
    @click.option("--host", help="For a group: the mediation body it sits in.")
    @click.option("--secretary", help="A Party member's roster id.")
    @click.option("--founded", "founded_on", help="YYYY-MM-DD")
    def party_org(external_id: str, name: str, kind: str, area_code: str, host: str | None,
                  secretary: str | None, founded_on: str | None) -> None:
        """Add or update a Party organisation or a Party group inside a mediation body."""
        from suyuan_co_governance.party import PartyOrgInput

        _json(cg().party.save_org(PartyOrgInput(
            external_id=external_id, name=name, kind=kind, area_code=area_code, host=host,
            secretary=secretary, founded_on=founded_on)))

    @party.command("member")
    @click.argument("person")
    @click.argument("party_org")
    @click.option("--joined", "joined_on", help="YYYY-MM-DD")
    def party_member(person: str, party_org: str, joined_on: str | None) -> None:
        """Record a Party member's membership of a Party organisation."""
        cg().party.add_member(person, party_org, joined_on)
        click.echo(f"{person}: member of {party_org}")

    @party.command("team")
    @click.argument("person")
    @click.argument("body")
    @click.option("--team", type=click.Choice(list(TEAMS)), required=True)
    @click.option("--joined", "joined_on", required=True, help="YYYY-MM-DD")
    def party_team(person: str, body: str, team: str, joined_on: str) -> None:
        """Someone (a Party member, typically) joins a body's prevention or mediation team."""
        from suyuan_co_governance.party import TeamInput

        _json(cg().party.join_team(TeamInput(person=person, body=body, team=team,
                                             joined_on=joined_on)))

    @party.command("orgs")
    def party_orgs() -> None:
        _json(cg().party.orgs())

    @party.command("bodies")
    @click.argument("area")
    @click.option("--with-group/--without-group", "with_group", default=None)
    def party_bodies(area: str, with_group: bool | None) -> None:
        """The mediation bodies behind the "with a Party group" figure."""
        _json(cg().party.bodies(area, with_group))

    # -- social forces -------------------------------------------------------------------
    person_forces = [f for f in FORCES if f not in ORG_FORCES]

    @group.group("people")
    def people() -> None:
        """Party members, volunteers, 两代表一委员, retired judicial and police officers."""

    @people.command("add")
    @click.option("--id", "external_id", required=True)
    @click.option("--name", required=True)
    @click.option("--force", type=click.Choice(person_forces), required=True)
    @click.option("--areas", required=True, help="Area codes, ; separated.")
    @click.option("--detail", default="",
                  help="Deputies: " + ", ".join(DEPUTY_KINDS) + "; others: free text.")
    def people_add(external_id: str, name: str, force: str, areas: str, detail: str) -> None:
        from suyuan_co_governance.social import ForcePersonInput

        cg().forces.save_people([ForcePersonInput(
            external_id=external_id, name=name, force=force,
            areas=[a.strip() for a in areas.split(";") if a.strip()], detail=detail)])
        click.echo(f"{external_id}: {force}")

    @people.command("list")
    @click.option("--force", type=click.Choice(person_forces))
    def people_list(force: str | None) -> None:
        _json(cg().forces.people(force=force))

    @group.group("orgs")
    def orgs() -> None:
        """Social organisations, the law society, chambers of commerce, trade associations,
        responsible units."""

    @orgs.command("add")
    @click.option("--id", "external_id", required=True)
    @click.option("--name", required=True)
    @click.option("--kind", required=True, type=click.Choice([*sorted(ORG_FORCES),
                                                              "responsible_unit"]))
    @click.option("--area", "area_code", required=True)
    def orgs_add(external_id: str, name: str, kind: str, area_code: str) -> None:
        from suyuan_co_governance.social import ForceOrgInput

        cg().forces.save_orgs([ForceOrgInput(external_id=external_id, name=name, kind=kind,
                                             area_code=area_code)])
        click.echo(f"{external_id}: {kind}")

    @orgs.command("list")
    def orgs_list() -> None:
        _json(cg().forces.orgs())

    @group.command("participate")
    @click.option("--case", "case_id", type=click.IntRange(1, MAX_ID))
    @click.option("--activity")
    @click.option("--area", "area_code", help="Where the activity took place.")
    @click.option("--force", type=click.Choice(list(FORCES)), required=True)
    @click.option("--role", type=click.Choice(list(PARTICIPATION_ROLES)), required=True)
    @click.option("--person")
    @click.option("--org", "organisation")
    @click.option("--at", "occurred_at", help="ISO 8601 with a time zone (default now).")
    @click.option("--note", default="")
    @actor_option
    def participate(case_id: int | None, activity: str | None, area_code: str | None,
                    force: str, role: str, person: str | None, organisation: str | None,
                    occurred_at: str | None, note: str, actor: str) -> None:
        """Record a person or organisation joining a case (a case event) or an activity."""
        from suyuan_co_governance.social import ParticipationInput

        _json(cg().forces.participate(ParticipationInput(
            force=force, role=role, person=person, organisation=organisation, case_id=case_id,
            activity=activity, area_code=area_code, occurred_at=occurred_at, note=note),
            actor=actor))

    @group.group("hours")
    def hours() -> None:
        """志愿服务时长 volunteer service hours."""

    @hours.command("add")
    @click.argument("volunteer")
    @click.option("--on", "served_on", required=True, help="YYYY-MM-DD (not in the future).")
    @click.option("--hours", "amount", type=float, required=True)
    @click.option("--activity", required=True)
    @click.option("--org", "organisation")
    @click.option("--case", "case_id", type=click.IntRange(1, MAX_ID))
    @actor_option
    def hours_add(volunteer: str, served_on: str, amount: float, activity: str,
                  organisation: str | None, case_id: int | None, actor: str) -> None:
        from suyuan_co_governance.social import HoursInput

        _json(cg().forces.record_hours(HoursInput(
            volunteer=volunteer, served_on=served_on, hours=amount, activity=activity,
            organisation=organisation, case_id=case_id), actor=actor))

    @hours.command("list")
    @click.option("--period")
    @click.option("--volunteer")
    def hours_list(period: str | None, volunteer: str | None) -> None:
        """The entries behind the volunteer-hours figure."""
        _json(cg().forces.hours(period=period_of(period), volunteer=volunteer))

    return group
