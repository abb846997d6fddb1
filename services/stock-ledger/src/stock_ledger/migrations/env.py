from inventory_runtime.alembic_env import run_migrations
from stock_ledger.db import metadata

run_migrations(metadata)
