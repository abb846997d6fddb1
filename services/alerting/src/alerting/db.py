"""Tables of the alerting database (SQLAlchemy Core), with the runtime's outbox and inbox."""

from __future__ import annotations

from inventory_runtime.db import add_runtime_tables, metadata_with_conventions

metadata = metadata_with_conventions()
runtime_tables = add_runtime_tables(metadata)
