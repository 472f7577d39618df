"""``suyuan labour …``: the referrals made so far."""

import click
import sqlalchemy as sa

from suyuan_core import Deployment
from suyuan_labour_arbitration import referrals


def build(deployment: Deployment | None) -> click.Group:
    @click.group("labour")
    def labour() -> None:
        """劳动仲裁衔接: labour arbitration referrals."""

    @labour.command("referrals")
    def list_referrals() -> None:
        """List the referrals made so far."""
        if deployment is None:
            raise click.UsageError("no deployment configured")
        with deployment.reading() as s:
            for row in s.execute(sa.select(referrals).order_by(referrals.c.id)):
                click.echo(f"{row.case_id}\t{row.commission}\t{row.referred_at:%Y-%m-%d}")

    return labour
