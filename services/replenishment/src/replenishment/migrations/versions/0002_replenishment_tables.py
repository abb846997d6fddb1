"""Master data copies, policies, positions, requisitions, purchase orders and demand history.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("unit_of_measure", sa.Text(), nullable=False),
        sa.Column("unit_cost", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("sku", name="pk_items"),
    )
    op.create_table(
        "locations",
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("location", name="pk_locations"),
    )
    op.create_table(
        "suppliers",
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("supplier_id", name="pk_suppliers"),
    )
    op.create_table(
        "policies",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("reorder_point", sa.Numeric(), nullable=False),
        sa.Column("order_quantity", sa.Numeric(), nullable=False),
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("unit_cost", sa.Numeric(), nullable=True),
        sa.Column("lead_time_days", sa.Integer(), nullable=True),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), server_default="manual", nullable=False),
        _now("created_at"),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("sku", "location", name="pk_policies"),
        sa.CheckConstraint("reorder_point >= 0", name="ck_policies_reorder_point_non_negative"),
        sa.CheckConstraint("order_quantity > 0", name="ck_policies_order_quantity_positive"),
    )
    op.create_table(
        "stock_positions",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("on_hand", sa.Numeric(), server_default="0", nullable=False),
        sa.Column("reserved", sa.Numeric(), server_default="0", nullable=False),
        sa.Column("on_order", sa.Numeric(), server_default="0", nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=True),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("sku", "location", name="pk_stock_positions"),
    )
    op.create_table(
        "requisitions",
        sa.Column("requisition_id", sa.Text(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(), nullable=False),
        sa.Column("unit_cost", sa.Numeric(), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("approval_request_id", sa.Text(), nullable=False),
        sa.Column("inventory_position", sa.Numeric(), nullable=False),
        sa.Column("reorder_point", sa.Numeric(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.Column("purchase_order_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("requisition_id", name="pk_requisitions"),
        sa.UniqueConstraint("approval_request_id", name="uq_requisitions_approval_request_id"),
        sa.CheckConstraint(
            "status IN ('pending_approval', 'approved', 'ordered', 'rejected', 'cancelled')",
            name="ck_requisitions_status_known",
        ),
        sa.CheckConstraint("quantity > 0", name="ck_requisitions_quantity_positive"),
    )
    # At most one open requisition per stock point, whatever the concurrency.
    op.create_index(
        "uq_requisitions_open_stock_point",
        "requisitions",
        ["sku", "location"],
        unique=True,
        postgresql_where=sa.text("status IN ('pending_approval', 'approved')"),
    )
    op.create_index("ix_requisitions_status", "requisitions", ["status"])
    op.create_table(
        "purchase_orders",
        sa.Column("purchase_order_id", sa.Text(), nullable=False),
        sa.Column("requisition_id", sa.Text(), nullable=False),
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(), nullable=False),
        sa.Column("unit_cost", sa.Numeric(), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("expected_receipt_date", sa.Date(), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_quantity", sa.Numeric(), server_default="0", nullable=False),
        sa.Column("last_receipt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("purchase_order_id", name="pk_purchase_orders"),
        sa.ForeignKeyConstraint(
            ["requisition_id"],
            ["requisitions.requisition_id"],
            name="fk_purchase_orders_requisition_id_requisitions",
        ),
        sa.UniqueConstraint("requisition_id", name="uq_purchase_orders_requisition_id"),
        sa.CheckConstraint(
            "status IN ('open', 'partially_received', 'closed')",
            name="ck_purchase_orders_status_known",
        ),
    )
    op.create_index("ix_purchase_orders_status", "purchase_orders", ["status"])
    op.create_index("ix_purchase_orders_supplier_id", "purchase_orders", ["supplier_id"])
    op.create_table(
        "purchase_order_receipts",
        sa.Column("movement_id", sa.Text(), nullable=False),
        sa.Column("purchase_order_id", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        _now("recorded_at"),
        sa.PrimaryKeyConstraint("movement_id", name="pk_purchase_order_receipts"),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.purchase_order_id"],
            name="fk_purchase_order_receipts_purchase_order_id_purchase_orders",
        ),
    )
    op.create_index(
        "ix_purchase_order_receipts_purchase_order_id",
        "purchase_order_receipts",
        ["purchase_order_id"],
    )
    op.create_table(
        "demand_order_lines",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(), nullable=False),
        sa.Column("demand_date", sa.Date(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "sku", "location", name="pk_demand_order_lines"),
    )
    op.create_table(
        "demand_daily",
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("demand_date", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Numeric(), nullable=False),
        sa.Column("order_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sku", "location", "demand_date", name="pk_demand_daily"),
    )


def downgrade() -> None:
    op.drop_table("demand_daily")
    op.drop_table("demand_order_lines")
    op.drop_index(
        "ix_purchase_order_receipts_purchase_order_id", table_name="purchase_order_receipts"
    )
    op.drop_table("purchase_order_receipts")
    op.drop_index("ix_purchase_orders_supplier_id", table_name="purchase_orders")
    op.drop_index("ix_purchase_orders_status", table_name="purchase_orders")
    op.drop_table("purchase_orders")
    op.drop_index("ix_requisitions_status", table_name="requisitions")
    op.drop_index("uq_requisitions_open_stock_point", table_name="requisitions")
    op.drop_table("requisitions")
    op.drop_table("stock_positions")
    op.drop_table("policies")
    op.drop_table("suppliers")
    op.drop_table("locations")
    op.drop_table("items")
