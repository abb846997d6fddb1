"""The append-only audit log (`inventory_runtime.audit`): people, service accounts, webhook
subscriptions and API keys made by the CLI, with who acted and the record before and after
(never a password, secret or key).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op
from inventory_runtime.audit import create_audit_log, drop_audit_log

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_log(op)


def downgrade() -> None:
    drop_audit_log(op)
