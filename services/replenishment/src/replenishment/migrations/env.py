from inventory_runtime.alembic_env import run_migrations
from replenishment.adapters.tables import metadata

run_migrations(metadata)
