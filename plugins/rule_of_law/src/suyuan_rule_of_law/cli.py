"""``suyuan rule-of-law …``: thin commands over the services (errors are SuyuanErrors, which the
suyuan CLI prints as one line, no traceback)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, TypeVar

import click

from suyuan_core import Deployment, ValidationError
from suyuan_rule_of_law.common import from_dict

T = TypeVar("T")


def _json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _load(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"cannot read {path}: {exc}", field="file", rule="json") from None


def _one(path: str, cls: type[T]) -> T:
    return from_dict(cls, _load(path))


def build(deployment: Deployment | None) -> click.Group:
    def rol() -> Any:
        if deployment is None:
            raise click.UsageError("no deployment configured (suyuan.toml)")
        from suyuan_rule_of_law.service import service

        return service(deployment)

    actor_option = click.option("--actor", default="cli", show_default=True,
                                help="Who is recording this (for the case timeline).")

    @click.group("rule-of-law")
    def group() -> None:
        """诉源法治 rule of law: directory, service halls, legal advisors, legal education,
        circuit sessions, judicial confirmation, invited mediation, video mediation."""

    # -- directory ------------------------------------------------------------------------------
    @group.group("directory")
    def directory() -> None:
        """社区法律服务资源库 the legal service directory."""

    @directory.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def directory_import(path: str) -> None:
        """Add or update resources from a JSON list of {external_id, name, kind, area_code,
        serves, phone, address, invited, commercial} (all or nothing)."""
        from suyuan_rule_of_law.directory import ResourceInput

        data = _load(path)
        if not isinstance(data, list):
            raise ValidationError("expected a JSON list", field="file", rule="shape")
        items = [from_dict(ResourceInput, x, f"[{i}]") for i, x in enumerate(data)]
        click.echo(f"resources: {rol().directory.save(items)} saved")

    @directory.command("search")
    @click.option("--area", default=None)
    @click.option("--kind", default=None)
    def directory_search(area: str | None, kind: str | None) -> None:
        """Resources serving an area, optionally of one kind."""
        _json(rol().directory.search(area_code=area, kind=kind))

    @group.command("halls")
    @click.option("--area", default=None)
    def halls(area: str | None) -> None:
        """群众工作之家 the service halls (equipment, opening times, resources stationed)."""
        _json(rol().directory.halls(area))

    # -- advisors -------------------------------------------------------------------------------
    @group.group("advisors")
    def advisors() -> None:
        """一社区一法律顾问 legal advisors: terms, coverage, the monthly report."""

    @advisors.command("assign")
    @click.argument("advisor")
    @click.argument("area")
    @click.option("--from", "start", required=True, help="YYYY-MM-DD")
    @click.option("--to", "end", default=None, help="YYYY-MM-DD")
    def advisors_assign(advisor: str, area: str, start: str, end: str | None) -> None:
        """Assign ADVISOR to the community AREA."""
        from suyuan_rule_of_law.advisors import TermInput

        t = rol().advisors.assign(TermInput(advisor=advisor, area_code=area, start_on=start,
                                            end_on=end))
        click.echo(f"term {t.id}: {t.advisor_name} advises {t.area_name} from {t.start_on}")

    @advisors.command("coverage")
    @click.option("--area", default=None)
    @click.option("--on", default=None, help="YYYY-MM-DD (default today)")
    @click.option("--gaps", is_flag=True, help="Only communities without an advisor in term.")
    def advisors_coverage(area: str | None, on: str | None, gaps: bool) -> None:
        """Which communities have an advisor, whose term has lapsed, which never had one."""
        from suyuan_rule_of_law.common import need_date

        rows = rol().advisors.coverage(need_date(on, "on") if on else None, area)
        covered = sum(1 for r in rows if r.state == "covered")
        for r in rows:
            if not gaps or r.state != "covered":
                click.echo(f"{r.area_code}\t{r.area_name}\t{r.state}\t{r.advisor_name or '-'}")
        click.echo(f"covered {covered} of {len(rows)}")

    @advisors.command("record")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @actor_option
    def advisors_record(path: str, actor: str) -> None:
        """Record an advisor's work from JSON {advisor, area_code, kind, day, count, case_id}."""
        from suyuan_rule_of_law.advisors import ActivityInput

        click.echo(f"activity {rol().advisors.record(_one(path, ActivityInput), actor=actor)}")

    @advisors.command("report")
    @click.option("--month", required=True, help="YYYY-MM")
    @click.option("--advisor", default=None, help="One advisor (default: every advisor).")
    @click.option("--xlsx", "xlsx", default=None, type=click.Path(dir_okay=False),
                  help="Write the report as an XLSX workbook.")
    @click.option("--html", "html_", default=None, type=click.Path(dir_okay=False),
                  help="Write the print view.")
    def advisors_report(month: str, advisor: str | None, xlsx: str | None,
                        html_: str | None) -> None:
        """一月一通报: each advisor's month from what was recorded."""
        from suyuan_rule_of_law.advisors import report_html, report_xlsx

        svc = rol().advisors
        reports = [svc.monthly_report(a, month) for a in ([advisor] if advisor
                                                          else svc.advisors())]
        if xlsx:
            Path(xlsx).write_bytes(report_xlsx(reports))
            click.echo(f"wrote {xlsx}")
        if html_:
            Path(html_).write_text(report_html(reports), encoding="utf-8")
            click.echo(f"wrote {html_}")
        if not xlsx and not html_:
            _json([r.as_dict() for r in reports])

    # -- education ------------------------------------------------------------------------------
    @group.group("lectures")
    def lectures() -> None:
        """法治大讲堂 / 以案说法 / 法律七进."""

    @lectures.command("record")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @actor_option
    def lectures_record(path: str, actor: str) -> None:
        """Record one event from JSON {kind, area_code, held_on, topic, attendance, speaker,
        department, target, case_id}."""
        from suyuan_rule_of_law.education import LectureInput

        click.echo(f"lecture {rol().education.record(_one(path, LectureInput), actor=actor)}")

    @lectures.command("compliance")
    @click.option("--month", required=True, help="YYYY-MM")
    @click.option("--area", default=None)
    def lectures_compliance(month: str, area: str | None) -> None:
        """Communities that held fewer legal lectures than required this month."""
        rows = rol().education.compliance(month, area)
        short = [r for r in rows if r.short]
        for r in short:
            click.echo(f"{r.area_code}\t{r.area_name}\t{r.held}/{r.required}")
        click.echo(f"{len(rows) - len(short)} of {len(rows)} communities held {month}'s lectures")

    @lectures.command("duties")
    @click.option("--year", required=True, type=int)
    def lectures_duties(year: int) -> None:
        """谁执法谁普法: what each department promised and what it did."""
        _json(rol().education.duties(year))

    # -- courts ---------------------------------------------------------------------------------
    @group.group("courts")
    def courts() -> None:
        """巡回审判, 坝坝法庭/坝坝调解 and the court's guidance of communities."""

    @courts.command("sessions")
    @click.option("--year", type=int, default=None)
    @click.option("--area", default=None)
    def courts_sessions(year: int | None, area: str | None) -> None:
        _json(rol().courts.find(area_code=area, year=year))

    @courts.command("record")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @actor_option
    def courts_record(path: str, actor: str) -> None:
        """Record a circuit session from JSON {kind, court, area_code, held_on, attendance,
        problems}."""
        from suyuan_rule_of_law.courts import CircuitInput

        click.echo(f"session {rol().courts.record(_one(path, CircuitInput), actor=actor)}")

    @courts.command("guide")
    @click.argument("area")
    @click.argument("court")
    @click.option("--since", default=None, help="YYYY-MM-DD (default today)")
    def courts_guide(area: str, court: str, since: str | None) -> None:
        """Record that COURT guides the community AREA."""
        rol().courts.guide(area, court, since or dt.date.today().isoformat())
        click.echo(f"{court} guides {area}")

    # -- judicial confirmation ------------------------------------------------------------------
    @group.group("confirm")
    def confirm() -> None:
        """司法确认 judicial confirmation of mediation agreements."""

    @confirm.command("apply")
    @click.argument("agreement_ref")
    @click.option("--on", "applied_on", required=True, help="YYYY-MM-DD")
    @click.option("--applicant", "applicants", multiple=True, required=True)
    @click.option("--consenting", multiple=True)
    @click.option("--court", default=None)
    @click.option("--matter", default=None)
    @actor_option
    def confirm_apply(agreement_ref: str, applied_on: str, applicants: tuple[str, ...],
                      consenting: tuple[str, ...], court: str | None, matter: str | None,
                      actor: str) -> None:
        """File the parties' joint application for AGREEMENT_REF (e.g. self_governance:12)."""
        from suyuan_rule_of_law.confirmation import ApplicationInput

        a = rol().confirmations.apply(ApplicationInput(
            agreement_ref=agreement_ref, applied_on=applied_on, applicants=applicants,
            consenting=consenting, court=court, matter=matter), actor=actor)
        click.echo(f"application {a.id}: {a.court} must accept by {a.accept_due_on} "
                   f"(window ended {a.window_ends_on})")

    @confirm.command("accept")
    @click.argument("application_id", type=int)
    @click.option("--on", required=True)
    @click.option("--number", required=True, help="The court's case number (…民特…号).")
    @actor_option
    def confirm_accept(application_id: int, on: str, number: str, actor: str) -> None:
        a = rol().confirmations.accept(application_id, on, number, actor=actor)
        click.echo(f"application {a.id} accepted; decision due {a.decide_due_on}")

    @confirm.command("decide")
    @click.argument("application_id", type=int)
    @click.argument("outcome", type=click.Choice(["confirmed", "refused"]))
    @click.option("--on", required=True)
    @click.option("--reason", default="")
    @actor_option
    def confirm_decide(application_id: int, outcome: str, on: str, reason: str,
                       actor: str) -> None:
        a = rol().confirmations.decide(application_id, on, outcome, reason=reason, actor=actor)
        click.echo(f"application {a.id}: {a.status}")

    @confirm.command("list")
    @click.option("--status", default=None)
    def confirm_list(status: str | None) -> None:
        _json([a.as_dict() for a in rol().confirmations.find(status=status)])

    # -- invited mediation and the platform -----------------------------------------------------
    @group.group("platform")
    def platform() -> None:
        """特邀调解 and the court's mediation platform."""

    @platform.command("sync")
    @click.option("--system", default=None, help="Adapter (default: platform_adapter).")
    @actor_option
    def platform_sync(system: str | None, actor: str) -> None:
        """Import delegated cases and send results (safe to repeat)."""
        from suyuan_rule_of_law.platform import sync

        if deployment is None:
            raise click.UsageError("no deployment configured (suyuan.toml)")
        c = sync(deployment, actor=actor, system=system)
        click.echo(f"delegated cases: {c['added']} imported, {c['skipped']} already there; "
                   f"{c['pushed']} results sent")

    @platform.command("figures")
    @click.option("--by", type=click.Choice(["organisation", "mediator"]),
                  default="organisation")
    def platform_figures(by: str) -> None:
        """Delegated cases and success per invited organisation or mediator."""
        _json(rol().invited.figures(by))

    return group
