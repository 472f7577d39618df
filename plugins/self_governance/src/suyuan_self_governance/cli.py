"""``suyuan self-governance …``: thin commands over the services (errors are SuyuanErrors, which
the suyuan CLI prints as one line)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, TypeVar

import click

from suyuan_core import Deployment, ValidationError, inputs, parse_period
from suyuan_self_governance.common import from_dict, refuse_fees
from suyuan_self_governance.vocab import (
    ALLIANCE_MATTERS,
    BODY_KINDS,
    CLOSE_RELATIONS,
    MATTERS,
    MEETING_BODIES,
    PLATFORMS,
    PROCEDURE_MATTERS,
    REASONS,
    SESSION_OUTCOMES,
    STEP_ORDER,
)

T = TypeVar("T")


def _json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _load(path: str, cls: type[T]) -> T:
    return inputs.from_json_file(path, cls, refuse=refuse_fees)


def _split(text: str, field: str) -> tuple[str, str]:
    if "|" not in text:
        return text.strip(), ""
    a, b = text.split("|", 1)
    if not a.strip():
        raise ValidationError(f"{text!r}: the part before | is empty", field=field, rule="shape")
    return a.strip(), b.strip()


def build(deployment: Deployment | None) -> click.Group:
    def sg() -> Any:
        if deployment is None:
            raise click.UsageError("no deployment configured (suyuan.toml)")
        from suyuan_self_governance.service import service

        return service(deployment)

    actor_option = click.option("--actor", default="cli", show_default=True,
                                help="Who is recording this (for the case timeline).")

    @click.group("self-governance")
    def group() -> None:
        """诉源自治 self-governance: mediators, talk-and-reason, agreements, village rules,
        四议两公开, patrols, courtyard alliances, Citizens' Sunday."""

    # -- mediators ------------------------------------------------------------------------------
    @group.group("mediators")
    def mediators() -> None:
        """人民调解员 the mediator roster."""

    @mediators.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def mediators_import(path: str) -> None:
        """Import mediators from CSV: external_id, name, background, areas (; separated), gender,
        employment, specialities, capacity, phone, active_from, active_to, available."""
        added, updated = sg().roster.import_csv(Path(path))
        click.echo(f"mediators: {added} added, {updated} updated")

    @mediators.command("list")
    @click.option("--area")
    @click.option("--json", "as_json", is_flag=True)
    def mediators_list(area: str | None, as_json: bool) -> None:
        """List mediators (with their background and availability)."""
        rows = sg().roster.mediators(area)
        if as_json:
            _json(rows)
            return
        for r in rows:
            click.echo(f"{r['external_id']}\t{r['name']}\t{r['background']}\t{r['employment']}\t"
                       f"{';'.join(r['areas'])}\t{'available' if r['available'] else 'unavailable'}")

    @mediators.command("counts")
    def mediators_counts() -> None:
        """How many mediators, and how many full-time."""
        c = sg().roster.counts()
        click.echo(f"人民调解员 mediators: {c['mediators']}, 专职 full-time: {c['full_time']}")

    @mediators.command("availability")
    @click.argument("external_id")
    @click.option("--available/--unavailable", required=True)
    @click.option("--until", help="Unavailable until this date (YYYY-MM-DD).")
    def mediators_availability(external_id: str, available: bool, until: str | None) -> None:
        """Mark a mediator available or not."""
        sg().roster.set_availability(external_id, available,
                                     dt.date.fromisoformat(until) if until else None)
        click.echo(f"{external_id}: {'available' if available else 'unavailable'}")

    # -- bodies ---------------------------------------------------------------------------------
    @group.group("bodies")
    def bodies() -> None:
        """Committees, studios, supervision committees, courtyard alliances."""

    @bodies.command("save")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def bodies_save(path: str) -> None:
        """Create or replace a body from JSON: {external_id, name, kind, area_code, members:
        [{person, position, minority}], term_start, elected_by, mixed_ethnic_area}."""
        from suyuan_self_governance.roster import BodyInput

        body = sg().roster.save_body(_load(path, BodyInput))
        click.echo(f"{body.external_id} {body.name}: {len(body.members)} members"
                   + (f", term {body.term_start} – {body.term_end}" if body.term_end else ""))

    @bodies.command("show")
    @click.argument("external_id")
    def bodies_show(external_id: str) -> None:
        """A body and its members (JSON)."""
        _json(sg().roster.body(external_id).as_dict())

    @bodies.command("list")
    @click.option("--kind", type=click.Choice(list(BODY_KINDS)))
    @click.option("--area")
    def bodies_list(kind: str | None, area: str | None) -> None:
        """List bodies."""
        for b in sg().roster.bodies(kind, area):
            click.echo(f"{b.external_id}\t{b.kind}\t{b.area_code}\t{b.name}\t{len(b.members)}")

    @group.command("relative")
    @click.argument("person")
    @click.argument("relative")
    @click.argument("relation", type=click.Choice(list(CLOSE_RELATIONS)))
    def relative(person: str, relative: str, relation: str) -> None:
        """Record that RELATIVE is PERSON's close relative (for the Art 32 bar)."""
        sg().roster.add_relative(person, relative, relation)
        click.echo(f"{relative} is {person}'s {relation}")

    # -- routing and sessions -------------------------------------------------------------------
    @group.command("route")
    @click.argument("case_id", type=int)
    def route(case_id: int) -> None:
        """Propose mediators for a case, with score and reason."""
        from suyuan_self_governance.routing import propose

        d = sg().d
        case = d.cases.get(case_id)
        with d.reading() as s:
            for p in propose(case, d, s):
                click.echo(f"{p.score:.3f}\t{p.handler_id}\t{p.reason}")

    @group.command("assign")
    @click.argument("case_id", type=int)
    @click.argument("mediator")
    @actor_option
    def assign(case_id: int, mediator: str, actor: str) -> None:
        """Assign a mediator who covers the case's area."""
        case = sg().sessions.assign(case_id, mediator, actor=actor)
        click.echo(f"case {case.id}: assigned to {', '.join(case.assignees)}")

    @group.group("sessions")
    def sessions() -> None:
        """说事评理 talk-and-reason sessions."""

    @sessions.command("record")
    @click.option("--json", "path", type=click.Path(exists=True, dir_okay=False),
                  help="Read the whole session from a JSON file instead.")
    @click.option("--case", "case_id", type=int)
    @click.option("--mediator")
    @click.option("--at", "held_at", help="ISO time with zone (default: now).")
    @click.option("--matter", type=click.Choice(list(MATTERS)))
    @click.option("--reason", "reasons", multiple=True, type=click.Choice(list(REASONS)))
    @click.option("--participant", "participants", multiple=True, help="NAME|ROLE (repeat).")
    @click.option("--outcome", type=click.Choice(list(SESSION_OUTCOMES)))
    @click.option("--summary", default="")
    @click.option("--private", is_flag=True, help="Held in private at a party's request.")
    @click.option("--studio")
    @click.option("--refused-by")
    @click.option("--informed-of-other-routes", is_flag=True)
    @actor_option
    def sessions_record(path: str | None, case_id: int | None, mediator: str | None,
                        held_at: str | None, matter: str | None, reasons: tuple[str, ...],
                        participants: tuple[str, ...], outcome: str | None, summary: str,
                        private: bool, studio: str | None, refused_by: str | None,
                        informed_of_other_routes: bool, actor: str) -> None:
        """Record a session; its outcome moves the case (success → resolved, failure →
        unresolved, refused → mediation ends)."""
        from suyuan_self_governance.sessions import SessionInput

        if path:
            item = _load(path, SessionInput)
        else:
            people = []
            for text in participants:
                name, role = _split(text, "participant")
                people.append({"name": name, "role": role or "party"})
            item = from_dict(SessionInput, {
                "case_id": case_id, "mediator": mediator,
                "held_at": held_at or dt.datetime.now(dt.UTC).isoformat(), "matter": matter,
                "reasons": reasons, "participants": people, "outcome": outcome,
                "summary": summary, "public": not private, "studio": studio,
                "refused_by": refused_by, "informed_of_other_routes": informed_of_other_routes})
        rec = sg().sessions.record(item, actor=actor)
        click.echo(f"session {rec.id} on case {rec.case_id}: {rec.outcome}; case is now "
                   f"{rec.case_status}")

    @sessions.command("list")
    @click.option("--case", "case_id", type=int)
    @click.option("--json", "as_json", is_flag=True)
    def sessions_list(case_id: int | None, as_json: bool) -> None:
        """List sessions."""
        rows = sg().sessions.list(case_id)
        if as_json:
            _json([r.as_dict() for r in rows])
            return
        for r in rows:
            click.echo(f"{r.id}\tcase {r.case_id}\t{r.held_at:%Y-%m-%d}\t{r.mediator}\t{r.matter}\t"
                       f"{'+'.join(r.reasons)}\t{r.outcome}")

    @sessions.command("extend")
    @click.argument("case_id", type=int)
    @click.option("--until", required=True, help="New last day (YYYY-MM-DD).")
    @click.option("--both-parties-agree", is_flag=True)
    @actor_option
    def sessions_extend(case_id: int, until: str, both_parties_agree: bool, actor: str) -> None:
        """Continue mediation past its time limit (both parties must agree)."""
        case = sg().sessions.extend(case_id, dt.date.fromisoformat(until),
                                    both_parties_agree=both_parties_agree, actor=actor)
        click.echo(f"case {case.id}: mediation limit now {case.deadline}")

    # -- agreements -----------------------------------------------------------------------------
    @group.group("agreements")
    def agreements() -> None:
        """人民调解协议书 mediation agreements."""

    @agreements.command("draft")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @actor_option
    def agreements_draft(path: str, actor: str) -> None:
        """Draw up an agreement from JSON (case_id, form, facts, issues, responsibilities, terms,
        performance_manner, performance_due, reached_on, committee)."""
        from suyuan_self_governance.agreements import AgreementInput

        a = sg().agreements.draft(_load(path, AgreementInput), actor=actor)
        click.echo(f"agreement {a.id} ({a.form}) for case {a.case_id}: {a.status}"
                   + (f"; still needs {', '.join(a.missing())}" if a.missing() else ""))

    @agreements.command("sign")
    @click.argument("agreement_id", type=int)
    @click.argument("signer")
    @click.option("--on", "on", required=True)
    @actor_option
    def agreements_sign(agreement_id: int, signer: str, on: str, actor: str) -> None:
        """A party (by name) or 'mediator' signs."""
        a = sg().agreements.sign(agreement_id, signer, on, actor=actor)
        click.echo(f"agreement {a.id}: {a.status}"
                   + (f" from {a.effective_on}" if a.effective_on else
                      f"; still needs {', '.join(a.missing())}"))

    @agreements.command("seal")
    @click.argument("agreement_id", type=int)
    @click.option("--on", "on", required=True)
    @actor_option
    def agreements_seal(agreement_id: int, on: str, actor: str) -> None:
        """The mediation committee applies its seal."""
        a = sg().agreements.seal(agreement_id, on, actor=actor)
        click.echo(f"agreement {a.id}: {a.status}"
                   + (f" from {a.effective_on}" if a.effective_on else
                      f"; still needs {', '.join(a.missing())}"))

    @agreements.command("show")
    @click.argument("agreement_id", type=int)
    def agreements_show(agreement_id: int) -> None:
        """The agreement as JSON."""
        _json(sg().agreements.get(agreement_id).as_dict())

    @agreements.command("print")
    @click.argument("agreement_id", type=int)
    @click.option("--html", "html_path", type=click.Path(dir_okay=False))
    @click.option("--docx", "docx_path", type=click.Path(dir_okay=False))
    def agreements_print(agreement_id: int, html_path: str | None, docx_path: str | None) -> None:
        """Write the printable HTML and/or DOCX (HTML to stdout when no file is given)."""
        from suyuan_self_governance.agreements import render_docx, render_html

        a = sg().agreements.get(agreement_id)
        if not html_path and not docx_path:
            click.echo(render_html(a))
            return
        if html_path:
            Path(html_path).write_text(render_html(a), encoding="utf-8")
            click.echo(f"wrote {html_path}")
        if docx_path:
            Path(docx_path).write_bytes(render_docx(a))
            click.echo(f"wrote {docx_path}")

    @agreements.command("follow-up")
    @click.argument("agreement_id", type=int)
    @click.option("--on", "on", required=True)
    @click.option("--result", required=True,
                  type=click.Choice(["performed", "partly_performed", "not_performed"]))
    @click.option("--note", default="")
    @actor_option
    def agreements_follow_up(agreement_id: int, on: str, result: str, note: str,
                             actor: str) -> None:
        """回访: record whether the agreement was performed."""
        a, notes = sg().agreements.follow_up(agreement_id, on, result, actor=actor, note=note)
        click.echo(f"agreement {a.id}: {a.status}")
        for n in notes:
            click.echo(f"  → {n}")
        if result == "not_performed" and not notes:
            click.echo("  → 当事人可在协议生效之日起三十日内共同申请司法确认 (Art 33); no plugin "
                       "handles judicial confirmation in this deployment")

    # -- village rules --------------------------------------------------------------------------
    @group.group("rules")
    def rules() -> None:
        """村规民约 / 院落公约: versioned village rules and courtyard compacts."""

    @rules.command("adopt")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @actor_option
    def rules_adopt(path: str, actor: str) -> None:
        """Record a version from JSON (kind, area_code, title, text, adopted_on, meeting_ref,
        meeting {body, members, present, yes, …} or body, courtyard, filed_at)."""
        from suyuan_self_governance.village_rules import RuleVersionInput

        out = sg().rules.adopt(_load(path, RuleVersionInput), actor=actor)
        click.echo(f"document {out['document_id']}: version {out['version']}")

    @rules.command("list")
    @click.option("--area")
    def rules_list(area: str | None) -> None:
        """The documents and how many versions each has."""
        for r in sg().rules.documents(area):
            click.echo(f"{r['id']}\t{r['kind']}\t{r['area_code']}\t{r['courtyard']}\t{r['title']}\t"
                       f"v{r['versions']}")

    @rules.command("versions")
    @click.argument("document_id", type=int)
    def rules_versions(document_id: int) -> None:
        """Each version's adoption details."""
        for v in sg().rules.versions(document_id):
            click.echo(f"v{v['version']}\t{v['adopted_on']}\t{v['body']}\t{v['meeting_ref']}\t"
                       f"filed {v['filed_at'] or '—'}")

    @rules.command("diff")
    @click.argument("document_id", type=int)
    @click.argument("old", type=int)
    @click.argument("new", type=int)
    def rules_diff(document_id: int, old: int, new: int) -> None:
        """What changed between two versions."""
        click.echo(sg().rules.diff(document_id, old, new), nl=False)

    @rules.command("file")
    @click.argument("document_id", type=int)
    @click.argument("version", type=int)
    @click.option("--on", "on", required=True)
    def rules_file(document_id: int, version: int, on: str) -> None:
        """Record filing (备案) with the town government (Organic Law Art 27)."""
        sg().rules.file(document_id, version, on)
        click.echo(f"document {document_id} v{version}: filed {on}")

    # -- four deliberations, two disclosures ----------------------------------------------------
    @group.group("procedures")
    def procedures() -> None:
        """四议两公开: propose → consult → review → decide → disclose resolution → result."""

    @procedures.command("open")
    @click.option("--area", required=True)
    @click.option("--title", required=True)
    @click.option("--matter", type=click.Choice(list(PROCEDURE_MATTERS)), default="other",
                  show_default=True)
    @click.option("--on", "on", required=True)
    @click.option("--content", default="")
    @actor_option
    def procedures_open(area: str, title: str, matter: str, on: str, content: str,
                        actor: str) -> None:
        """The Party organisation proposes (step one)."""
        p = sg().procedures.open(area_code=area, title=title, matter=matter, proposed_on=on,
                                 content=content, actor=actor)
        click.echo(f"procedure {p.id}: {p.status}; next {p.next_step}")

    @procedures.command("step")
    @click.argument("procedure_id", type=int)
    @click.argument("step", type=click.Choice(list(STEP_ORDER)))
    @click.option("--on", "on", required=True)
    @click.option("--content", default="")
    @click.option("--body", type=click.Choice(list(MEETING_BODIES)))
    @click.option("--members", type=int, help="应到")
    @click.option("--present", type=int, help="实到")
    @click.option("--yes", type=int)
    @click.option("--no", type=int)
    @click.option("--abstain", type=int)
    @click.option("--households", type=int)
    @click.option("--households-present", type=int)
    @click.option("--signature", "signatures", multiple=True)
    @click.option("--merged", is_flag=True, help="consult merged with the proposal")
    @actor_option
    def procedures_step(procedure_id: int, step: str, on: str, content: str, body: str | None,
                        members: int | None, present: int | None, yes: int | None,
                        no: int | None, abstain: int | None, households: int | None,
                        households_present: int | None, signatures: tuple[str, ...],
                        merged: bool, actor: str) -> None:
        """Record the next step (a meeting register for review and decide)."""
        from suyuan_self_governance.procedures import StepInput

        meeting = None
        if body is not None or members is not None:
            meeting = {k: v for k, v in {
                "body": body, "members": members, "present": present, "yes": yes, "no": no,
                "abstain": abstain, "households": households,
                "households_present": households_present}.items() if v is not None}
            for required in ("body", "members", "present"):
                if required not in meeting:
                    raise ValidationError("is required with a meeting register",
                                          field=f"meeting.{required}", rule="required")
        p = sg().procedures.step(StepInput(procedure_id=procedure_id, step=step, occurred_on=on,
                                           content=content, meeting=meeting,
                                           signatures=signatures, merged=merged), actor=actor)
        last = p.steps[-1]
        click.echo(f"procedure {p.id}: {step} recorded ({last['result'] or 'ok'}); status "
                   f"{p.status}; next {p.next_step or '—'}")

    @procedures.command("show")
    @click.argument("procedure_id", type=int)
    def procedures_show(procedure_id: int) -> None:
        """The procedure with its steps and reviews (JSON)."""
        _json(sg().procedures.get(procedure_id).as_dict())

    @procedures.command("list")
    @click.option("--area")
    def procedures_list(area: str | None) -> None:
        """List procedures."""
        for p in sg().procedures.list(area):
            click.echo(f"{p.id}\t{p.area_code}\t{p.status}\t{p.decision or ''}\t{p.title}")

    @procedures.command("overdue")
    @click.option("--at", help="As of this date (default today).")
    @click.option("--area")
    def procedures_overdue(at: str | None, area: str | None) -> None:
        """Disclosures past their deadline (村务公开 Art 30)."""
        rows = sg().procedures.overdue(dt.date.fromisoformat(at) if at else None, area)
        click.echo(f"{len(rows)} overdue")
        for r in rows:
            click.echo(f"{r['procedure_id']}\t{r['area_code']}\t{r['step']}\tdue {r['due']}\t"
                       f"{r['days_late']} days late\t{r['title']}")

    @group.command("supervise")
    @click.option("--committee", required=True)
    @click.option("--subject", required=True)
    @click.option("--reviewer", "reviewers", multiple=True, required=True)
    @click.option("--finding", type=click.Choice(["approved", "concerns"]), required=True)
    @click.option("--opinion", required=True)
    @click.option("--on", "on", required=True)
    @click.option("--procedure", "procedure_id", type=int)
    @actor_option
    def supervise(committee: str, subject: str, reviewers: tuple[str, ...], finding: str,
                  opinion: str, on: str, procedure_id: int | None, actor: str) -> None:
        """村务监督: record the supervision committee's review."""
        r = sg().procedures.review(committee=committee, subject=subject, reviewers=list(reviewers),
                                   finding=finding, opinion=opinion, reviewed_on=on, actor=actor,
                                   procedure_id=procedure_id)
        click.echo(f"review {r['id']}: {r['finding']}")

    # -- patrols, alliances, Citizens' Sunday ---------------------------------------------------
    @group.group("patrols")
    def patrols() -> None:
        """巡查: grid patrols; a hazard opens a case at grid level."""

    @patrols.command("record")
    @click.option("--grid", required=True)
    @click.option("--patroller", required=True)
    @click.option("--start", required=True, help="ISO time with zone.")
    @click.option("--end", required=True)
    @click.option("--route", default="")
    @click.option("--hazard", "hazards", multiple=True, help="TITLE|CATEGORY (repeat).")
    @actor_option
    def patrols_record(grid: str, patroller: str, start: str, end: str, route: str,
                       hazards: tuple[str, ...], actor: str) -> None:
        """Record a patrol and open a case for each hazard found."""
        from suyuan_self_governance.patrols import PatrolInput

        found = []
        for text in hazards:
            title, category = _split(text, "hazard")
            found.append({"title": title, "category": category or "safety_hazard"})
        out = sg().patrols.record(PatrolInput(grid_code=grid, patroller=patroller,
                                              started_at=start, ended_at=end, route=route,
                                              hazards=found), actor=actor)
        click.echo(f"patrol {out['patrol_id']} on {out['grid_code']}; cases opened: "
                   f"{', '.join(map(str, out['cases'])) or 'none'}")

    @patrols.command("list")
    @click.option("--grid")
    def patrols_list(grid: str | None) -> None:
        """Recent patrols."""
        for r in sg().patrols.list(grid):
            click.echo(f"{r['id']}\t{r['grid_code']}\t{r['started_at']}\t{r['hazards']} hazards\t"
                       f"{r['cases']}")

    @patrols.command("coverage")
    @click.option("--area", required=True)
    @click.option("--period", required=True, help="2026-W18 | 2026-05 | …")
    def patrols_coverage(area: str, period: str) -> None:
        """Grid-weeks patrolled ÷ grid-weeks."""
        num, den = sg().patrols.coverage(area, parse_period(period))
        rate = f"{100 * num / den:.2f}%" if den else "—"
        click.echo(f"{area} {period}: {num}/{den} grid-weeks patrolled ({rate})")

    @group.group("alliance")
    def alliance() -> None:
        """院落互助联盟: small matters settled among residents."""

    @alliance.command("record")
    @click.option("--alliance", "alliance_id", required=True)
    @click.option("--kind", "matter_kind", type=click.Choice(list(ALLIANCE_MATTERS)),
                  required=True)
    @click.option("--title", required=True)
    @click.option("--at", "handled_at", help="ISO time with zone (default: now).")
    @click.option("--category", default="neighbour", show_default=True)
    @click.option("--unsettled", is_flag=True)
    @click.option("--helper", "helpers", multiple=True)
    @click.option("--satisfaction", type=click.Choice(["satisfied", "basically_satisfied",
                                                       "dissatisfied"]))
    @actor_option
    def alliance_record(alliance_id: str, matter_kind: str, title: str, handled_at: str | None,
                        category: str, unsettled: bool, helpers: tuple[str, ...],
                        satisfaction: str | None, actor: str) -> None:
        """Record a small matter (it becomes a case, settled and rated)."""
        from suyuan_self_governance.alliance import MatterInput

        case = sg().alliance.record(MatterInput(
            alliance=alliance_id, matter_kind=matter_kind, title=title,
            handled_at=handled_at or dt.datetime.now(dt.UTC), settled=not unsettled,
            category=category, helpers=helpers, satisfaction=satisfaction), actor=actor)
        click.echo(f"case {case.id}: {case.status.value}")

    @alliance.command("summary")
    @click.option("--alliance", "alliance_id")
    def alliance_summary(alliance_id: str | None) -> None:
        """Matters, settled, satisfaction."""
        _json(sg().alliance.summary(alliance_id))

    @group.group("sunday")
    def sunday() -> None:
        """百姓星期天 Citizens' Sunday."""

    @sunday.command("record")
    @click.option("--area", required=True)
    @click.option("--on", "on", required=True)
    @click.option("--platform", type=click.Choice(list(PLATFORMS)), required=True)
    @click.option("--title", required=True)
    @click.option("--attendance", type=int, required=True)
    @click.option("--organiser", default="")
    @click.option("--matter", "matters", multiple=True, help="TITLE|CATEGORY (repeat).")
    @actor_option
    def sunday_record(area: str, on: str, platform: str, title: str, attendance: int,
                      organiser: str, matters: tuple[str, ...], actor: str) -> None:
        """Record an event; each matter raised becomes a case."""
        from suyuan_self_governance.sunday import SundayEventInput

        raised = []
        for text in matters:
            t, category = _split(text, "matter")
            raised.append({"title": t, "category": category or "other"})
        out = sg().sunday.record(SundayEventInput(area_code=area, held_on=on, platform=platform,
                                                  title=title, attendance=attendance,
                                                  organiser=organiser, matters=raised),
                                 actor=actor)
        click.echo(f"event {out['event_id']}; cases opened: "
                   f"{', '.join(map(str, out['cases'])) or 'none'}")

    @sunday.command("list")
    @click.option("--area")
    def sunday_list(area: str | None) -> None:
        """Recent events."""
        for r in sg().sunday.list(area):
            click.echo(f"{r['id']}\t{r['held_on']}\t{r['area_code']}\t{r['platform']}\t"
                       f"{r['attendance']}\t{r['title']}\t{r['cases']}")

    return group

