from inventory_runtime.alembic_env import run_migrations
from reservation.adapters.tables import metadata

run_migrations(metadata)
