"""The stock-ledger database's metadata, with the runtime's outbox and inbox tables."""

from __future__ import annotations

from inventory_runtime.db import add_runtime_tables, metadata_with_conventions
from sqlalchemy import Numeric

metadata = metadata_with_conventions()
runtime_tables = add_runtime_tables(metadata)

MONEY = Numeric(38, 12)
