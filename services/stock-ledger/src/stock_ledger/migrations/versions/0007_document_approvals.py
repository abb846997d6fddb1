"""Approvals of counts and adjustments made outside a count task: their quantities are on the
document's lines, so a count approval's book and counted quantities may be empty.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("count_approvals", "book_quantity", nullable=True)
    op.alter_column("count_approvals", "counted_quantity", nullable=True)


def downgrade() -> None:
    op.execute(  # keep the rows: a decision still to come must find its document
        "UPDATE count_approvals SET book_quantity = 0, counted_quantity = 0 "
        "WHERE book_quantity IS NULL OR counted_quantity IS NULL"
    )
    op.alter_column("count_approvals", "book_quantity", nullable=False)
    op.alter_column("count_approvals", "counted_quantity", nullable=False)
