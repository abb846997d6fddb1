"""Incoming supply: what open purchase orders still bring to each stock point, and when (the
promise schedule's dates); quotes and their lines (soft holds).

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

    op.create_table(
        "quotes",
        sa.Column("quote_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("order_id", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("quote_id", name=op.f("pk_quotes")),
        sa.CheckConstraint(
            "status IN ('open', 'held', 'converted', 'expired', 'cancelled')",
            name=op.f("ck_quotes_status_known"),
        ),
    )
    op.create_index(
        "ix_quotes_held_expires_at",
        "quotes",
        ["expires_at"],
        postgresql_where=sa.text("status = 'held'"),
    )
    op.create_table(
        "quote_lines",
        sa.Column("quote_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("held", QUANTITY, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("quote_id", "line_no", name=op.f("pk_quote_lines")),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["quotes.quote_id"],
            name=op.f("fk_quote_lines_quote_id_quotes"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "quantity > 0 AND held >= 0 AND held <= quantity",
            name=op.f("ck_quote_lines_held_within_quantity"),
        ),
    )


def downgrade() -> None:
    op.drop_table("quote_lines")
    op.drop_index("ix_quotes_held_expires_at", table_name="quotes")
    op.drop_table("quotes")
    op.drop_index("ix_incoming_supply_open", table_name="incoming_supply")
    op.drop_table("incoming_supply")
