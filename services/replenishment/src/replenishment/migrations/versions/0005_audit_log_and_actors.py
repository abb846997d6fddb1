"""The append-only audit log (policy changes, snoozed suggestions, planning runs started over the
API), and who snoozed a suggestion and who started a planning run (logins from the token).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from inventory_runtime.audit import create_audit_log, drop_audit_log

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_log(op)
    op.add_column("suggestion_snoozes", sa.Column("snoozed_by", sa.Text(), nullable=True))
    op.add_column("planning_runs", sa.Column("requested_by", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("planning_runs", "requested_by")
    op.drop_column("suggestion_snoozes", "snoozed_by")
    drop_audit_log(op)
