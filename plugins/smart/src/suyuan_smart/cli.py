"""``suyuan smart …``: the pillar's commands. Thin: each parses, calls a service, prints."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from suyuan_core import ConfigError, Deployment, parse_period

ACTOR = "cli"


def _d(deployment: Deployment | None) -> Deployment:
    if deployment is None:
        raise ConfigError("no deployment configured", hint="pass --config or run `suyuan init`")
    return deployment


def _echo(rows: Any, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, default=str, indent=1))


def build(deployment: Deployment | None) -> click.Group:
    @click.group("smart")
    def smart() -> None:
        """智治: online intake, dispatch, deadlines, callbacks, duplicates, warnings, reports."""

    # -- intake ----------------------------------------------------------------------------
    @smart.command("import-12345")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None)
    def import_12345(path: Path, fmt: str | None) -> None:
        """Import a 12345 work-order export (CSV/XLSX); all or nothing, idempotent."""
        from suyuan_smart.intake import import_orders

        created, skipped = import_orders(_d(deployment), path, fmt=fmt)
        click.echo(f"imported {created} work order(s); {skipped} already there")

    @smart.command("webhook")
    @click.argument("channel", type=click.Choice(["12345", "messaging"]))
    @click.argument("body", type=click.File("rb"))
    @click.option("--timestamp", required=True)
    @click.option("--signature", required=True)
    def webhook(channel: str, body: Any, timestamp: str, signature: str) -> None:
        """Feed a signed webhook body (as the HTTP endpoint would) — for replays and tests."""
        from suyuan_smart import intake

        d, raw = _d(deployment), body.read()
        if channel == "12345":
            got = intake.hotline_webhook(d, raw, timestamp=timestamp, signature=signature)
        else:
            got = [intake.messaging_webhook(d, raw, timestamp=timestamp, signature=signature)]
        for r in got:
            click.echo(f"case {r.case_id} {'created' if r.created else 'already there'}"
                       + (f"; possible duplicate of {list(r.duplicates)}" if r.duplicates else ""))

    @smart.command("mailbox")
    @click.argument("letter", type=click.File("r", encoding="utf-8"))
    def mailbox(letter: Any) -> None:
        """Register a leader's-mailbox letter (JSON)."""
        from suyuan_smart.intake import mailbox_letter

        try:
            data = json.load(letter)
        except json.JSONDecodeError as exc:
            raise click.UsageError(f"the letter is not JSON: {exc}") from None
        r = mailbox_letter(_d(deployment), data)
        click.echo(f"case {r.case_id} {'created' if r.created else 'already there'}")

    # -- classification --------------------------------------------------------------------
    @smart.command("classify")
    @click.argument("text")
    @click.option("--json", "as_json", is_flag=True)
    def classify(text: str, as_json: bool) -> None:
        """Suggest categories for a text, with confidence."""
        found = _d(deployment).routing.classify(text)
        if as_json:
            return _echo([{"category": s.category, "confidence": s.confidence,
                           "reason": s.reason} for s in found], True)
        for s in found:
            click.echo(f"{s.category}\t{s.confidence:.2f}\t{s.reason}")
        if not found:
            click.echo("no suggestion")

    @smart.command("confirm-category")
    @click.argument("case_id", type=int)
    @click.argument("category")
    def confirm_category(case_id: int, category: str) -> None:
        """Confirm or change a case's category (and learn from it)."""
        from suyuan_smart.classify import confirm

        confirm(_d(deployment), case_id, category, actor=ACTOR)
        click.echo(f"case {case_id}: category {category} confirmed")

    @smart.command("relearn")
    def relearn() -> None:
        """Rebuild the learned terms from every confirmed case."""
        from suyuan_smart.classify import relearn as run

        click.echo(f"learned from {run(_d(deployment))} confirmed case(s)")

    # -- dispatch --------------------------------------------------------------------------
    @smart.command("route")
    @click.argument("case_id", type=int)
    def route(case_id: int) -> None:
        """Proposed units (and people) for a case."""
        d = _d(deployment)
        for p in d.routing.propose(d.cases.get(case_id)):
            click.echo(f"{p.handler_kind}:{p.handler_id}\t{p.score:.2f}\t{p.reason}")

    @smart.command("dispatch")
    @click.argument("case_id", type=int)
    @click.option("--lead", required=True, help="主办单位 lead unit")
    @click.option("--co", multiple=True, help="协办单位 co-handling unit (repeat)")
    @click.option("--note")
    def dispatch_cmd(case_id: int, lead: str, co: tuple[str, ...], note: str | None) -> None:
        """派单 / 重新派单."""
        from suyuan_smart.dispatch import dispatch

        case = dispatch(_d(deployment), case_id, lead, co, actor=ACTOR, note=note)
        click.echo(f"case {case_id} dispatched to {lead}"
                   + (f" with {', '.join(co)}" if co else "") + f" (status {case.status.value})")

    @smart.command("sign-off")
    @click.argument("case_id", type=int)
    @click.option("--unit", required=True)
    def sign_off_cmd(case_id: int, unit: str) -> None:
        """签收."""
        from suyuan_smart.dispatch import sign_off

        sign_off(_d(deployment), case_id, unit, actor=ACTOR)
        click.echo(f"case {case_id}: signed by {unit}")

    @smart.command("return")
    @click.argument("case_id", type=int)
    @click.option("--unit", required=True)
    @click.option("--reason", "reason_code", required=True)
    @click.option("--basis", required=True, help="职责依据: the rule that shows it is not ours")
    def return_cmd(case_id: int, unit: str, reason_code: str, basis: str) -> None:
        """退单."""
        from suyuan_smart.dispatch import return_order

        return_order(_d(deployment), case_id, unit, reason_code, basis, actor=ACTOR)
        click.echo(f"case {case_id}: returned by {unit}; dispatch it again")

    @smart.command("urge")
    @click.argument("case_id", type=int)
    @click.argument("note")
    @click.option("--unit")
    @click.option("--supervise", is_flag=True, help="督办 instead of 催办")
    def urge_cmd(case_id: int, note: str, unit: str | None, supervise: bool) -> None:
        """催办 (or 督办 with --supervise)."""
        from suyuan_smart import dispatch

        fn = dispatch.supervise if supervise else dispatch.urge
        fn(_d(deployment), case_id, note, actor=ACTOR, unit=unit)
        click.echo(f"case {case_id}: {'supervision' if supervise else 'urging'} order recorded")

    @smart.command("ranking")
    @click.option("--period", "period_text", required=True, help="e.g. 2026-10 or 2026-Q3")
    @click.option("--json", "as_json", is_flag=True)
    def ranking_cmd(period_text: str, as_json: bool) -> None:
        """考核排名: units on response, resolution and satisfaction rates."""
        from suyuan_smart.dispatch import ranking

        rows = ranking(_d(deployment), parse_period(period_text))
        if as_json:
            return _echo([r.as_dict() for r in rows], True)
        click.echo("名次 rank\t单位 unit\t响应率\t解决率\t满意率\t退单\t超时签收\t得分")
        for r in rows:
            click.echo(f"{r.rank}\t{r.name}\t{r.response_rate}\t{r.resolution_rate}\t"
                       f"{r.satisfaction_rate}\t{r.returns}\t{r.late_sign_offs}\t{r.score}")

    # -- deadlines -------------------------------------------------------------------------
    @smart.group("deadlines")
    def deadlines_group() -> None:
        """办理时限: working-day deadlines, pauses, extensions, reminders, overdue."""

    @deadlines_group.command("show")
    @click.argument("case_id", type=int)
    def show(case_id: int) -> None:
        from suyuan_smart.deadlines import status

        d = _d(deployment)
        info = status(d, d.cases.get(case_id))
        if info["flagged_years"]:
            info["warning"] = (f"⚠ 无{info['flagged_years']}年节假日数据 no holiday data for "
                               f"{info['flagged_years']}: the deadline is unverified")
        _echo(info, True)

    @deadlines_group.command("overdue")
    @click.option("--area")
    def overdue_cmd(area: str | None) -> None:
        from suyuan_smart.deadlines import overdue, status

        d = _d(deployment)
        for c in overdue(d, area):
            flag = " ⚠unverified" if status(d, c)["flagged_years"] else ""
            click.echo(f"{c.id}\t{c.deadline:%Y-%m-%d %H:%M}\t{c.title}{flag}")

    @deadlines_group.command("remind")
    def remind_cmd() -> None:
        """Record reminders for cases due soon (run from a timer)."""
        from suyuan_smart.deadlines import remind

        click.echo(f"reminded {len(remind(_d(deployment), actor=ACTOR))} case(s)")

    @deadlines_group.command("pause")
    @click.argument("case_id", type=int)
    @click.option("--reason", required=True)
    def pause_cmd(case_id: int, reason: str) -> None:
        from suyuan_smart.deadlines import pause

        pause(_d(deployment), case_id, actor=ACTOR, reason=reason)
        click.echo(f"case {case_id}: clock paused")

    @deadlines_group.command("resume")
    @click.argument("case_id", type=int)
    def resume_cmd(case_id: int) -> None:
        from suyuan_smart.deadlines import resume

        case = resume(_d(deployment), case_id, actor=ACTOR)
        click.echo(f"case {case_id}: clock running, deadline {case.deadline}")

    @deadlines_group.command("extend")
    @click.argument("case_id", type=int)
    @click.option("--workdays", type=int, required=True)
    @click.option("--reason", required=True)
    def extend_cmd(case_id: int, workdays: int, reason: str) -> None:
        from suyuan_smart.deadlines import request_extension

        request_extension(_d(deployment), case_id, workdays, actor=ACTOR, reason=reason)
        click.echo(f"case {case_id}: extension of {workdays} working day(s) requested")

    @deadlines_group.command("decide")
    @click.argument("case_id", type=int)
    @click.option("--approve/--refuse", required=True)
    @click.option("--reason")
    def decide_cmd(case_id: int, approve: bool, reason: str | None) -> None:
        from suyuan_smart.deadlines import decide_extension

        case = decide_extension(_d(deployment), case_id, approve, actor=ACTOR, reason=reason)
        click.echo(f"case {case_id}: extension {'approved' if approve else 'refused'}; "
                   f"deadline {case.deadline}")

    @smart.command("calendar")
    @click.argument("year", type=int)
    def calendar_cmd(year: int) -> None:
        """Who knows a year's holidays (package, county table, or nobody)."""
        from suyuan_smart.common import calendar

        source = calendar(_d(deployment)).coverage(year)
        click.echo(f"{year}: {source or 'no holiday data (deadlines refused or flagged)'}")

    # -- callbacks -------------------------------------------------------------------------
    @smart.command("callback")
    @click.argument("case_id", type=int)
    @click.option("--reached/--not-reached", required=True)
    @click.option("--rating", type=click.Choice(["satisfied", "basically_satisfied",
                                                 "dissatisfied"]))
    @click.option("--resolved/--unresolved", default=None)
    @click.option("--reason")
    @click.option("--reopen", is_flag=True)
    def callback_cmd(case_id: int, reached: bool, rating: str | None, resolved: bool | None,
                     reason: str | None, reopen: bool) -> None:
        """回访."""
        from suyuan_smart.callbacks import record

        case = record(_d(deployment), case_id, actor=ACTOR, reached=reached,
                      satisfaction=rating, resolved=resolved, reason=reason, reopen=reopen)
        click.echo(f"case {case_id}: callback recorded (status {case.status.value})")

    @smart.command("callbacks-due")
    @click.option("--area")
    def callbacks_due(area: str | None) -> None:
        from suyuan_smart.callbacks import due

        for case_id, at, late in due(_d(deployment), area_code=area):
            click.echo(f"{case_id}\t{at:%Y-%m-%d %H:%M}\t{'overdue' if late else 'due'}")

    # -- duplicates ------------------------------------------------------------------------
    @smart.group("duplicates")
    def dup() -> None:
        """重复诉求: proposals, merge, unmerge."""

    @dup.command("scan")
    @click.option("--days", type=int)
    def dup_scan(days: int | None) -> None:
        from suyuan_core.times import now
        from suyuan_smart.duplicates import scan

        since = now() - dt.timedelta(days=days) if days else None
        click.echo(f"{scan(_d(deployment), since)} proposal(s)")

    @dup.command("list")
    def dup_list() -> None:
        from suyuan_smart.duplicates import proposals

        for p in proposals(_d(deployment)):
            click.echo(f"{p['id']}\t{p['case_id']} → {p['candidate_id']}\t{p['score']:.2f}\t"
                       + "; ".join(p["reasons"]))

    @dup.command("merge")
    @click.argument("case_id", type=int)
    @click.argument("into", type=int)
    @click.option("--reason")
    def dup_merge(case_id: int, into: int, reason: str | None) -> None:
        from suyuan_smart.duplicates import merge

        merge(_d(deployment), case_id, into, actor=ACTOR, reason=reason)
        click.echo(f"case {case_id} merged into {into}")

    @dup.command("unmerge")
    @click.argument("case_id", type=int)
    @click.option("--reason", required=True)
    def dup_unmerge(case_id: int, reason: str) -> None:
        from suyuan_smart.duplicates import unmerge

        unmerge(_d(deployment), case_id, actor=ACTOR, reason=reason)
        click.echo(f"case {case_id} unmerged")

    @dup.command("reject")
    @click.argument("proposal_id", type=int)
    def dup_reject(proposal_id: int) -> None:
        from suyuan_smart.duplicates import reject

        reject(_d(deployment), proposal_id, actor=ACTOR)
        click.echo(f"proposal {proposal_id} rejected")

    # -- early warning ---------------------------------------------------------------------
    @smart.group("alerts")
    def alerts_group() -> None:
        """排查预警."""

    @alerts_group.command("scan")
    def alerts_scan() -> None:
        from suyuan_smart.alerts import scan

        click.echo(f"{len(scan(_d(deployment)))} new alert(s)")

    @alerts_group.command("list")
    @click.option("--all", "show_all", is_flag=True)
    @click.option("--area")
    def alerts_list(show_all: bool, area: str | None) -> None:
        from suyuan_smart.alerts import listing

        for a in listing(_d(deployment), status=None if show_all else "open", area_code=area):
            click.echo(f"{a['id']}\t{a['severity']}\t{a['kind']}\t{a['status']}\t{a['message']}")

    @alerts_group.command("ack")
    @click.argument("alert_id", type=int)
    @click.option("--note")
    @click.option("--close", is_flag=True)
    def alerts_ack(alert_id: int, note: str | None, close: bool) -> None:
        from suyuan_smart.alerts import acknowledge

        acknowledge(_d(deployment), alert_id, actor=ACTOR, note=note, close=close)
        click.echo(f"alert {alert_id} {'closed' if close else 'acknowledged'}")

    # -- reports ---------------------------------------------------------------------------
    @smart.command("report")
    @click.option("--area", required=True)
    @click.option("--period", "period_text", required=True, help="2026-W40 or 2026-10")
    @click.option("--format", "fmt", type=click.Choice(["xlsx", "html"]), default="html")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path))
    def report(area: str, period_text: str, fmt: str, out: Path | None) -> None:
        """研判报告 for one area and period."""
        from suyuan_smart.reports import generate

        d = _d(deployment)
        period = parse_period(period_text)
        out = out or Path(f"{area}-{period}.{fmt}")
        click.echo(str(generate(d, area, period, fmt, out)))

    @smart.group("prevention")
    def prevention_group() -> None:
        """预防措施: the prevention measures the analysis report shows for its period."""

    @prevention_group.command("add")
    @click.option("--area", required=True, help="区域代码 area code")
    @click.option("--date", "taken_on", required=True, help="the day it was taken, YYYY-MM-DD")
    @click.option("--title", required=True, help="措施 what was done, in a line")
    @click.option("--text", "description", default="", help="内容 what it involved")
    @click.option("--category", default=None, help="the dispute category it answers")
    @click.option("--nature", default=None, help="the nature it answers (e.g. group_risk)")
    @click.option("--responsible", default=None, help="责任单位/人 who carried it out")
    @click.option("--case", "case_ids", type=int, multiple=True, help="a case it answers")
    def prevention_add(area: str, taken_on: str, title: str, description: str,
                       category: str | None, nature: str | None, responsible: str | None,
                       case_ids: tuple[int, ...]) -> None:
        """Record a prevention measure."""
        from suyuan_core import inputs
        from suyuan_smart import prevention

        d = _d(deployment)
        measure = inputs.from_dict(prevention.MeasureIn, {
            "area_code": area, "taken_on": taken_on, "title": title,
            "description": description, "category": category, "nature": nature,
            "responsible": responsible, "case_ids": list(case_ids)})
        with d.transaction() as s:
            row = prevention.record(d, measure, actor=ACTOR, session=s)
            d.audit.write(s, actor=ACTOR, action="smart.prevention.record",
                          record=f"smart_prevention_measures:{row['id']}")
        click.echo(f"prevention measure {row['id']} recorded for {area} on {row['taken_on']}")

    @prevention_group.command("list")
    @click.option("--area", required=True)
    @click.option("--period", "period_text", required=True, help="2026-W40 or 2026-10")
    @click.option("--json", "as_json", is_flag=True)
    def prevention_list(area: str, period_text: str, as_json: bool) -> None:
        """The measures taken in AREA (and below) during the period."""
        from suyuan_smart import prevention

        d = _d(deployment)
        d.areas.tree.get(area)
        rows = prevention.listing(d, area, parse_period(period_text))
        if as_json:
            _echo(rows, True)
            return
        for r in rows:
            click.echo(f"{r['taken_on']}  {r['area_code']}  {r['title']}")

    @smart.group("platform")
    def platform_group() -> None:
        """Replies back to the hotline platform: reply (答复), completion (办结), callback."""

    @platform_group.command("push")
    def platform_push() -> None:
        """Push what is due now (signed HTTP; what the smart.platform_push job does)."""
        from suyuan_smart import platform

        done = platform.push(_d(deployment))
        click.echo(", ".join(f"{k} {v}" for k, v in done.items()))

    @platform_group.command("export")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--all", "everything", is_flag=True, help="Every message again, not only new.")
    def platform_export(path: Path, everything: bool) -> None:
        """Append the messages not exported yet to PATH (JSON Lines); idempotent."""
        from suyuan_smart import platform

        n = platform.export(_d(deployment), path, everything=everything)
        click.echo(f"exported {n} message(s) to {path}")

    @smart.command("report-scheduled")
    @click.option("--grain", type=click.Choice(["week", "month"]), required=True)
    @click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path))
    def report_scheduled(grain: str, out_dir: Path | None) -> None:
        """The last complete week's/month's reports for every area (cron / systemd timer)."""
        from suyuan_smart.common import settings
        from suyuan_smart.reports import scheduled

        d = _d(deployment)
        folder = out_dir or d.config.resolve(settings(d).report_dir)
        made = scheduled(d, grain, Path(folder))
        click.echo(f"{len(made)} report(s) written to {folder}")

    @smart.command("demo")
    @click.option("--seed", type=int, default=1)
    @click.option("--scale", type=float, default=0.05)
    def demo(seed: int, scale: float) -> None:
        """Add the pillar's demo appeals (22,271 × scale, 97.73% satisfied, all on time)."""
        from suyuan_smart.demo import generate

        click.echo(f"{generate(_d(deployment), seed=seed, scale=scale)} demo appeal(s) added")

    return smart
