from inventory_runtime.alembic_env import run_migrations

from alerting.db import metadata

run_migrations(metadata)
