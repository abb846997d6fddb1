from integration_gateway.adapters.tables import metadata
from inventory_runtime.alembic_env import run_migrations

run_migrations(metadata)
