"""labour_referrals table: the first revision of the plugin's own branch."""
import sqlalchemy as sa
from alembic import op

revision, down_revision = "la0001_referrals", None
branch_labels, depends_on = ("labour_arbitration",), "c0001_core"


def upgrade() -> None:
    op.create_table(
        "labour_referrals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("cases.id", name="fk_labour_referrals_case_id_cases"), nullable=False),
        sa.Column("commission", sa.String(200), nullable=False),
        sa.Column("referred_at", sa.DateTime, nullable=False))
    op.create_index("ix_labour_referrals_case_id", "labour_referrals", ["case_id"])


def downgrade() -> None:
    op.drop_table("labour_referrals")
