"""Remove the demo approvers that revisions 0002 and 0003 seeded: production has no demo people.

Only rows that still hold exactly the seeded values (id, role, department and display name) go;
an assignment an administrator changed is kept. The demo people are now made by the
development seed (`make demo` and the e2e suite, through `POST /v1/approvers`).

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

SEEDED = [
    ("wang.manager", "department_manager", "*", "王经理 / Wang (department manager)"),
    ("li.finance", "finance_director", "*", "李总监 / Li (finance director)"),
    ("zhao.warehouse", "warehouse_manager", "*", "赵主管 / Zhao (warehouse manager)"),
]
COLUMNS = ("approver_id", "role", "department", "display_name")


def upgrade() -> None:
    approvers = sa.table("approvers", *(sa.column(name) for name in COLUMNS))
    for values in SEEDED:
        op.execute(
            approvers.delete().where(
                *(approvers.c[name] == value for name, value in zip(COLUMNS, values, strict=True))
            )
        )


def downgrade() -> None:
    for values in SEEDED:
        op.execute(
            sa.text(
                "INSERT INTO approvers (approver_id, role, department, display_name) "
                "VALUES (:approver_id, :role, :department, :display_name) ON CONFLICT DO NOTHING"
            ).bindparams(**dict(zip(COLUMNS, values, strict=True)))
        )
