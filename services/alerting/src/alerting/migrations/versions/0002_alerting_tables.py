"""Channels, rules (seeded: low_stock, reservation_rejected), alerts and notifications.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    default = None if nullable else sa.func.now()
    return sa.Column(name, sa.DateTime(timezone=True), server_default=default, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("config", JSONB(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_channels"),
        sa.UniqueConstraint("name", name="uq_channels_name"),
    )
    rules = op.create_table(
        "rules",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("severity", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("channel_ids", ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("params", JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_rules"),
        sa.CheckConstraint(
            "severity IN ('info', 'warning', 'critical')", name="ck_rules_severity_known"
        ),
    )
    op.bulk_insert(
        rules,
        [
            {
                "id": "low_stock",
                "kind": "low_stock",
                "event_type": "inventory.stock.below-threshold.v1",
                "severity": "warning",
                "enabled": True,
                "channel_ids": [],
                "name_zh": "库存低于再订货点",
                "name_en": "Stock below reorder point",
                "params": {},
            },
            {
                "id": "reservation_rejected",
                "kind": "reservation_rejected",
                "event_type": "inventory.reservation.rejected.v1",
                "severity": "warning",
                "enabled": True,
                "channel_ids": [],
                "name_zh": "订单预占被拒绝",
                "name_en": "Reservation rejected",
                "params": {},
            },
        ],
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("rule_id", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'raised'"), nullable=False),
        sa.Column("severity", sa.Text(), nullable=False),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("details", JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        _at("raised_at"),
        _at("acknowledged_at", nullable=True),
        _at("resolved_at", nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.ForeignKeyConstraint(["rule_id"], ["rules.id"], name="fk_alerts_rule_id_rules"),
        sa.CheckConstraint(
            "status IN ('raised', 'acknowledged', 'resolved')", name="ck_alerts_status_known"
        ),
    )
    # At most one open alert per condition: a repeat of an open condition inserts nothing.
    op.create_index(
        "uq_alerts_open_rule_subject",
        "alerts",
        ["rule_id", "subject"],
        unique=True,
        postgresql_where=sa.text("status <> 'resolved'"),
    )
    op.create_index("ix_alerts_status_raised_at", "alerts", ["status", "raised_at"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Text(), nullable=False),
        sa.Column("channel_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        _at("next_attempt_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        _at("created_at"),
        _at("sent_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name="fk_notifications_alert_id_alerts"
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name="fk_notifications_channel_id_channels"
        ),
        sa.UniqueConstraint("alert_id", "channel_id", name="uq_notifications_alert_id_channel_id"),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')", name="ck_notifications_status_known"
        ),
    )
    op.create_index(
        "ix_notifications_due",
        "notifications",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_due", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_alerts_status_raised_at", table_name="alerts")
    op.drop_index("uq_alerts_open_rule_subject", table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("rules")
    op.drop_table("channels")
