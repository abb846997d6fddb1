from inventory_runtime.alembic_env import run_migrations
from stock_ledger.adapters.tables import metadata

run_migrations(metadata)
