"""A service running for real in this process: migrated throwaway database, the test broker,
uvicorn on a free port in a thread of its own (for tools that speak HTTP, like schemathesis)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from inventory_testkit.browser import free_port


@contextmanager
def live_service(
    name: str,
    migrations: Path,
    build: Callable[[dict[str, Any]], FastAPI],
    *,
    database_url: str,
    kafka_bootstrap: str,
) -> Iterator[str]:
    """Run the app `build(settings overrides)` makes; yields its base URL."""
    url = asyncio.run(fresh_database(database_url, f"fuzz_{name.replace('-', '_')}"))
    asyncio.run(migrate_async(url, migrations))
    port = free_port()
    app = build({"database_url": url, "kafka_bootstrap_servers": kafka_bootstrap})
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name=f"live-{name}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        raise RuntimeError(f"{name} did not start on {base}")
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        asyncio.run(drop_database(url))
