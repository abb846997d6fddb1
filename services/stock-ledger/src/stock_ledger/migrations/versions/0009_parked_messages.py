"""Messages waiting for their master data: a goods receipt or shipment that names an item or
location the ledger does not know yet waits in `parked_messages` until it arrives.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXTS = postgresql.ARRAY(sa.Text())


def upgrade() -> None:
    op.create_table(
        "parked_messages",
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("correlation_id", sa.Text(), nullable=True),
        sa.Column("data", postgresql.JSONB(), nullable=False),
        sa.Column("waiting_skus", TEXTS, server_default=sa.text("'{}'"), nullable=False),
        sa.Column("waiting_locations", TEXTS, server_default=sa.text("'{}'"), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'waiting'"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "parked_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "changed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "status IN ('waiting', 'failed')", name="ck_parked_messages_parked_status"
        ),
        sa.PrimaryKeyConstraint("event_id", name="pk_parked_messages"),
    )
    op.create_index(
        "ix_parked_messages_skus", "parked_messages", ["waiting_skus"], postgresql_using="gin"
    )
    op.create_index(
        "ix_parked_messages_locations",
        "parked_messages",
        ["waiting_locations"],
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_table("parked_messages")
