"""The runtime's outbox and inbox tables.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

from inventory_runtime.migrations import create_runtime_tables_op, drop_runtime_tables_op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_runtime_tables_op()


def downgrade() -> None:
    drop_runtime_tables_op()
