"""Tables of the stock-ledger database (SQLAlchemy Core); `metadata` is what alembic compares."""

from stock_ledger.adapters.tables.counting import count_approvals, count_schedules, count_tasks
from stock_ledger.adapters.tables.ledger import (
    balances,
    document_lines,
    documents,
    form_definitions,
    item_gtins,
    items,
    ledger_entries,
    locations,
)
from stock_ledger.adapters.tables.metadata import metadata, runtime_tables
from stock_ledger.adapters.tables.parking import parked_messages
from stock_ledger.adapters.tables.stock import (
    AGING_BUCKETS,
    aging_points,
    aging_refreshed,
    cost_layers,
    daily_stock,
    layer_consumptions,
)

__all__ = [
    "AGING_BUCKETS",
    "aging_points",
    "aging_refreshed",
    "balances",
    "cost_layers",
    "count_approvals",
    "count_schedules",
    "count_tasks",
    "daily_stock",
    "document_lines",
    "documents",
    "form_definitions",
    "item_gtins",
    "items",
    "layer_consumptions",
    "ledger_entries",
    "locations",
    "metadata",
    "parked_messages",
    "runtime_tables",
]
