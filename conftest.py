# Shared fixtures: the real broker and database (from env, testcontainers where Docker runs, or a
# clear failure naming the command that starts the local stack).
pytest_plugins = ["inventory_runtime.testing"]
