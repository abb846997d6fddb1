"""Notifications: how to reach people (addresses and locale from `PersonChanged`), the messages
sent to them (an outbound queue) and the single-use task links those messages carry.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("now()")
CONTACTS = ("email", "dingtalk_user_id", "wecom_user_id", "feishu_user_id", "slack_user_id")


def upgrade() -> None:
    for name in CONTACTS:
        op.add_column("people", sa.Column(name, sa.Text(), nullable=True))
    op.add_column(
        "people",
        sa.Column("locale", sa.Text(), server_default=sa.text("'zh-CN'"), nullable=False),
    )
    op.create_table(
        "approval_notifications",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("step_no", sa.Integer(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("locale", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link_id", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_approval_notifications"),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')",
            name="ck_approval_notifications_status_known",
        ),
    )
    op.create_index(
        "ix_approval_notifications_due",
        "approval_notifications",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_approval_notifications_request_id", "approval_notifications", ["request_id"]
    )
    op.create_index(  # the retention's purge
        "ix_approval_notifications_finished_created_at",
        "approval_notifications",
        ["created_at"],
        postgresql_where=sa.text("status <> 'pending'"),
    )
    op.create_table(
        "approval_links",
        sa.Column("link_id", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("step_no", sa.Integer(), nullable=False),
        sa.Column("login", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("link_id", name="pk_approval_links"),
    )
    op.create_index("ix_approval_links_expires_at", "approval_links", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_approval_links_expires_at", table_name="approval_links")
    op.drop_table("approval_links")
    op.drop_index(
        "ix_approval_notifications_finished_created_at", table_name="approval_notifications"
    )
    op.drop_index("ix_approval_notifications_request_id", table_name="approval_notifications")
    op.drop_index("ix_approval_notifications_due", table_name="approval_notifications")
    op.drop_table("approval_notifications")
    for name in (*CONTACTS, "locale"):
        op.drop_column("people", name)
