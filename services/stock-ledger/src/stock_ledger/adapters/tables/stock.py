"""Cost layers and what reads them: consumptions, daily sums, aging (SQLAlchemy Core)."""

from __future__ import annotations

from inventory_runtime.db import QUANTITY
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Identity,
    Index,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)

from stock_ledger.adapters.tables.metadata import MONEY, metadata

cost_layers = Table(
    "cost_layers",
    metadata,
    Column("layer_id", BigInteger, Identity(always=False), primary_key=True),
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("lot", Text, nullable=True),
    Column("expiry_date", Date, nullable=True),
    Column("receipt_date", Date, nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("remaining", QUANTITY, nullable=False),
    Column("unit_cost", MONEY, nullable=False),
    Column("movement_id", Text, nullable=False),
    CheckConstraint("remaining >= 0 AND remaining <= quantity", name="remaining_within_quantity"),
    Index(
        "ix_cost_layers_open",
        "sku",
        "location",
        postgresql_where=text("remaining > 0"),
    ),
    Index("ix_cost_layers_movement_id", "movement_id"),
)
"""Lots and cost layers: what is left of each inbound movement (lots, FIFO, aging)."""

layer_consumptions = Table(
    "layer_consumptions",
    metadata,
    Column("movement_id", Text, nullable=False),
    Column("layer_id", BigInteger, nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    PrimaryKeyConstraint("movement_id", "layer_id"),
    Index("ix_layer_consumptions_layer_id", "layer_id"),
)
"""What each outbound movement took from which layer (reversal and back-dated re-costing)."""

daily_stock = Table(
    "daily_stock",
    metadata,
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("day", Date, nullable=False),
    Column("quantity_in", QUANTITY, nullable=False, server_default="0"),
    Column("quantity_out", QUANTITY, nullable=False, server_default="0"),
    Column("issued_quantity", QUANTITY, nullable=False, server_default="0"),
    Column("cogs", MONEY, nullable=False, server_default="0"),
    Column("value_delta", MONEY, nullable=False, server_default="0"),
    PrimaryKeyConstraint("sku", "location", "day"),
    Index("ix_daily_stock_day", "day"),
)
"""Running sums per SKU x location x business day (turnover, days of supply, history)."""
AGING_BUCKETS = ("0_30", "31_90", "91_180", "181_365", "over_365")

aging_points = Table(
    "aging_points",
    metadata,
    Column("sku", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("as_of", Date, nullable=False),
    *[Column(f"qty_{b}", MONEY, nullable=False) for b in AGING_BUCKETS],
    *[Column(f"value_{b}", MONEY, nullable=False) for b in AGING_BUCKETS],
    PrimaryKeyConstraint("sku", "location"),
)
"""Quantity and value on hand per age bucket of each stock point, as of a day: rewritten for
the points a posting touched, and for all points once a day (buckets move with the date)."""

aging_refreshed = Table(
    "aging_refreshed",
    metadata,
    Column("singleton", Boolean, primary_key=True, server_default=text("true")),
    Column("as_of", Date, nullable=False),
)
"""The day every row of `aging_points` was last rewritten."""
