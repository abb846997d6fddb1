"""Indexes for the retention purge: finished reservations, applied movements and early
cancellations, each by age.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_reservations_finished_updated_at",
        "reservations",
        ["updated_at"],
        postgresql_where=sa.text("status <> 'reserved'"),
    )
    op.create_index("ix_applied_movements_applied_at", "applied_movements", ["applied_at"])
    op.create_index("ix_early_cancellations_cancelled_at", "early_cancellations", ["cancelled_at"])


def downgrade() -> None:
    op.drop_index("ix_early_cancellations_cancelled_at", table_name="early_cancellations")
    op.drop_index("ix_applied_movements_applied_at", table_name="applied_movements")
    op.drop_index("ix_reservations_finished_updated_at", table_name="reservations")
