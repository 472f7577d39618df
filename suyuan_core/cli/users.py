"""``suyuan users`` and ``suyuan audit``: accounts, their area-scoped roles, API tokens, the log."""

from __future__ import annotations

import datetime as dt

import click

from suyuan_core import times
from suyuan_core.cli.app import State, cli, pass_state
from suyuan_core.cli.output import as_json, table
from suyuan_core.errors import ValidationError

ACTOR = "cli"


@cli.group()
def users() -> None:
    """Users: sign-in accounts, the roles they hold over an area subtree, and API tokens."""


@users.command("add")
@click.argument("username")
@click.option("--name", "display_name", help="Shown in the pages and the timeline (default: USERNAME).")
@click.option("--password", help="Prompted for when not given (and --no-password not set).")
@click.option("--no-password", is_flag=True, help="A machine account that signs in with tokens only.")
@click.option("--person", "person", help="The roster member (external id) this account belongs to.")
@click.option("--role", help="Grant this role at once (with --area).")
@click.option("--area", help="The area whose subtree the role covers.")
@click.option("--acts-for", "acts_for",
              help="What the account acts for, e.g. organisation:city_water (a handling unit) "
                   "or grid:AREA (a grid worker: every permission confined to that grid).")
@pass_state
def add(state: State, username: str, display_name: str | None, password: str | None,
        no_password: bool, person: str | None, role: str | None, area: str | None,
        acts_for: str | None) -> None:
    """Create a user; optionally grant a role over an area right away."""
    if (role is None) != (area is None):
        raise ValidationError("give --role and --area together", field="role", rule="pair",
                              hint="e.g. --role mediator --area C.T1.C1")
    if password is None and not no_password:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    d = state.deployment
    if role and area:  # check before anything is written
        if role not in d.roles:
            raise ValidationError(f"unknown role {role!r}", field="role", rule="exists",
                                  hint="known: " + ", ".join(d.roles.codes()))
        d.areas.tree.get(area)
    d.accounts.add_user(username, display_name or username, None if no_password else password,
                        person_external_id=person, acts_for=acts_for, actor=ACTOR)
    if role and area:
        d.accounts.grant(username, role, area, actor=ACTOR)
    click.echo(f"user {username} created" + (f" with {role} at {area}" if role else ""))


@users.command("list")
@click.option("--json", "as_json_", is_flag=True)
@pass_state
def list_(state: State, as_json_: bool) -> None:
    """Every user with the roles they hold and where."""
    found = state.deployment.accounts.users()
    if as_json_:
        as_json([u.as_dict() for u in found])
        return
    table(f"users ({len(found)})", ["user", "name", "active", "roles @ areas", "acts for"],
          [(u.username, u.display_name, "yes" if u.active else "no",
            ", ".join(f"{r}@{a}" for r, a in u.grants), u.acts_for or u.person_external_id or "")
           for u in found])


@users.command()
@click.argument("username")
@click.argument("acts_for", required=False)
@click.option("--clear", is_flag=True, help="Unbind: the account acts for its person only.")
@pass_state
def bind(state: State, username: str, acts_for: str | None, clear: bool) -> None:
    """Bind USERNAME to what it acts for (ACTS_FOR, e.g. organisation:city_water): a handling
    unit's account signs for, returns and replies to that unit's orders only; grid:AREA (a grid
    or micro-grid) confines a grid worker's account to that grid, whatever its grants cover."""
    if clear == (acts_for is not None):
        raise ValidationError("give ACTS_FOR or --clear", field="acts_for", rule="required",
                              hint="e.g. suyuan users bind wang organisation:city_water")
    state.deployment.accounts.set_acts_for(username, None if clear else acts_for, actor=ACTOR)
    click.echo(f"{username} acts for {acts_for}" if acts_for else f"{username} is unbound")


@users.command()
@click.argument("username")
@click.argument("role")
@click.argument("area")
@click.option("--revoke", is_flag=True, help="Take the role away instead.")
@pass_state
def grant(state: State, username: str, role: str, area: str, revoke: bool) -> None:
    """Give USERNAME the ROLE over the subtree of AREA (or take it away with --revoke)."""
    accounts = state.deployment.accounts
    if revoke:
        accounts.revoke(username, role, area, actor=ACTOR)
        click.echo(f"{username} no longer holds {role} at {area}")
    else:
        accounts.grant(username, role, area, actor=ACTOR)
        click.echo(f"{username} holds {role} at {area} and everything below it")


@users.command()
@click.argument("username")
@click.option("--name", default="api", show_default=True, help="What the token is for.")
@click.option("--days", type=int, help="Expire after this many days (default: never).")
@click.option("--list", "list_tokens", is_flag=True, help="List the user's tokens instead.")
@click.option("--revoke", "revoke_id", type=int, help="Revoke the token with this id.")
@pass_state
def token(state: State, username: str, name: str, days: int | None, list_tokens: bool,
          revoke_id: int | None) -> None:
    """Make an API token for USERNAME (shown once; only its hash is kept)."""
    accounts = state.deployment.accounts
    if list_tokens:
        table(f"tokens of {username}", ["id", "name", "starts", "created", "expires", "revoked"],
              [(t.id, t.name, t.prefix + "…", times.iso(t.created_at),
                times.iso(t.expires_at) or "never", "yes" if t.revoked else "")
               for t in accounts.tokens(username)])
        return
    if revoke_id is not None:
        accounts.revoke_token(username, revoke_id, actor=ACTOR)
        click.echo(f"token {revoke_id} of {username} revoked")
        return
    value = accounts.make_token(username, name, days=days, actor=ACTOR)
    click.echo(value)
    click.echo("keep it safe: it is shown only now. Send it as `Authorization: Bearer <token>`.",
               err=True)


@users.command()
@click.argument("username")
@click.option("--password", help="Prompted for when not given.")
@pass_state
def password(state: State, username: str, password: str | None) -> None:
    """Set a new password (signs the user out everywhere and clears the throttle)."""
    if password is None:
        password = click.prompt("new password", hide_input=True, confirmation_prompt=True)
    state.deployment.accounts.set_password(username, password, actor=ACTOR)
    click.echo(f"password of {username} changed")


@users.command()
@click.argument("username")
@click.option("--enable", is_flag=True, help="Enable again instead.")
@pass_state
def disable(state: State, username: str, enable: bool) -> None:
    """Disable a user (their sessions end; tokens stop working)."""
    state.deployment.accounts.set_active(username, enable, actor=ACTOR)
    click.echo(f"user {username} {'enabled' if enable else 'disabled'}")


def _since(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{text!r} is not a date or date-time", field="since",
                              rule="iso8601", hint="e.g. 2026-05-01 or 2026-05-01T08:00+08:00") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@cli.command()
@click.option("--user", help="Only what this user did or read.")
@click.option("--since", help="Only entries at or after this date/time (ISO 8601).")
@click.option("--record", help="Only entries about this record, e.g. case:12 (or case: for all).")
@click.option("--action", help="Only actions starting with this, e.g. case.unmask.")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--json", "as_json_", is_flag=True)
@pass_state
def audit(state: State, user: str | None, since: str | None, record: str | None,
          action: str | None, limit: int, as_json_: bool) -> None:
    """Search the audit log (newest first): sign-ins, reads of personal data, every change."""
    entries = state.deployment.audit.search(actor=user, since=_since(since), record=record,
                                            action=action, limit=limit)
    if as_json_:
        as_json([e.as_dict() for e in entries])
        return
    table(f"audit log ({len(entries)})", ["#", "when", "who", "what", "record", "reason"],
          [(e.id, times.iso(e.at), e.actor, e.action, e.record or "", e.reason or "")
           for e in entries])
