from inventory_runtime.alembic_env import run_migrations

from integration_gateway.db import metadata

run_migrations(metadata)
