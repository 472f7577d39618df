"""``suyuan keys``: the keys of the columns plugins declare encrypted at rest."""

from __future__ import annotations

import click

from suyuan_core.cli.app import State, cli, pass_state


@cli.group("keys")
def keys_group() -> None:
    """Encryption keys of the encrypted columns (kept outside the database: [privacy])."""


@keys_group.command("new")
def keys_new() -> None:
    """Print a new key: put it first in the key file, run `suyuan keys rotate`, then remove the
    old key."""
    from suyuan_core.accounts.cipher import new_key

    click.echo(new_key())


@keys_group.command("rotate")
@pass_state
def keys_rotate(state: State) -> None:
    """Re-encrypt every declared encrypted column under the newest key (audited)."""
    counts = state.deployment.privacy.rotate(actor="cli")
    click.echo("rotated: " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "nothing"))
