"""Incoming supply: what open purchase orders still bring to each stock point, and when (the
promise schedule's dates).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from inventory_runtime.db import QUANTITY

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incoming_supply",
        sa.Column("purchase_order_id", sa.Text(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("expected_on", sa.Date(), nullable=True),
        sa.Column("ordered", QUANTITY, nullable=False, server_default="0"),
        sa.Column("received", QUANTITY, nullable=False, server_default="0"),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint(
            "purchase_order_id", "sku", "location", name=op.f("pk_incoming_supply")
        ),
        sa.CheckConstraint("ordered >= 0", name=op.f("ck_incoming_supply_ordered_not_negative")),
    )
    op.create_index(
        "ix_incoming_supply_open",
        "incoming_supply",
        ["sku", "location", "expected_on"],
        postgresql_where=sa.text("ordered > received"),
    )


def downgrade() -> None:
    op.drop_index("ix_incoming_supply_open", table_name="incoming_supply")
    op.drop_table("incoming_supply")
