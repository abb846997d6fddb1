from inventory_runtime.alembic_env import run_migrations
from replenishment.db import metadata

run_migrations(metadata)
