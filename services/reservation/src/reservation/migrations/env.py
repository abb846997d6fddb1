from inventory_runtime.alembic_env import run_migrations
from reservation.db import metadata

run_migrations(metadata)
