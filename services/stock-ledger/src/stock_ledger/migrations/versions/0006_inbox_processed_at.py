"""Runtime tables version 2: an index on inbox.processed_at, for the retention purge.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from inventory_runtime.migrations import (
    add_inbox_processed_at_index_op,
    drop_inbox_processed_at_index_op,
)

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_inbox_processed_at_index_op()


def downgrade() -> None:
    drop_inbox_processed_at_index_op()
