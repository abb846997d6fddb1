"""Aging per stock point, kept at posting: the all-SKU aging report reads 1 row per point.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(38, 12)
BUCKETS = ("0_30", "31_90", "91_180", "181_365", "over_365")


def upgrade() -> None:
    op.create_table(
        "aging_points",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        *[sa.Column(f"qty_{b}", MONEY, nullable=False) for b in BUCKETS],
        *[sa.Column(f"value_{b}", MONEY, nullable=False) for b in BUCKETS],
        sa.PrimaryKeyConstraint("sku", "location", name="pk_aging_points"),
    )
    op.create_table(
        "aging_refreshed",
        sa.Column("singleton", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("singleton", name="pk_aging_refreshed"),
    )


def downgrade() -> None:
    op.drop_table("aging_refreshed")
    op.drop_table("aging_points")
