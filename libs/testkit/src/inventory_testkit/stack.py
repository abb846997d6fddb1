"""The local stack that scripts/*.sh run: its processes, their readiness, consumer lag."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from inventory_runtime.auth.testing import TEST_ISSUER
from prometheus_client.parser import text_string_to_metric_families

from inventory_testkit.platform import PORTS, is_ready, poll

STACK_ROOT = Path(os.getenv("INVENTORY_STACK_ROOT") or Path(__file__).resolve().parents[4])
"""The checkout whose scripts run the stack: this one (the package lives in its libs/testkit),
unless INVENTORY_STACK_ROOT names another, as when a second work tree tests against a stack
started from the first."""


def state_dir() -> Path:
    """Where the stack keeps its pid files and logs (scripts/common.sh's STATE_DIR)."""
    return Path(os.getenv("INVENTORY_STATE_DIR") or STACK_ROOT / ".local")


REPLICA_PORT_STEP = int(os.getenv("REPLICA_PORT_STEP", "50"))
"""Instance k of a service listens on its port + (k - 1) x this (scripts/services.sh)."""


def instance_name(service: str, k: int) -> str:
    """Instance k of `service` as scripts/services.sh names it (pid file, log): reservation-2."""
    return service if k == 1 else f"{service}-{k}"


def instance_port(service: str, k: int) -> int:
    return PORTS[service] + (k - 1) * REPLICA_PORT_STEP


async def assigned_partitions(port: int) -> dict[tuple[str, str], int]:
    """(group, topic) -> partitions the instance on `port` holds, from its /metrics."""
    async with httpx.AsyncClient(timeout=5) as client:
        text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    return {
        (sample.labels["group"], sample.labels["topic"]): int(sample.value)
        for family in text_string_to_metric_families(text)
        if family.name == "inventory_consumer_assigned_partitions"
        for sample in family.samples
    }


def pid_file(service: str) -> Path:
    return state_dir() / "run" / f"{service}.pid"


def pid_of(service: str) -> int:
    """The process id scripts/services.sh recorded for `service`."""
    return int(pid_file(service).read_text().strip())


def process_exists(pid: int) -> bool:
    """True while /proc has the process, zombies included (services.sh's `kill -0` sees them)."""
    return Path(f"/proc/{pid}").exists()


def stack_environment(**extra: str) -> dict[str, str]:
    """The environment to (re)start stack services with: this process's, with the test
    issuer's settings a test run puts there taken back to what they were before (a restarted
    service must keep trusting the stack's own issuer, as the services `make up` started do,
    e.g. OIDC_ISSUER of a stack on other ports), plus `extra`."""
    injected = TEST_ISSUER.environment()
    kept = {k: v for k, v in os.environ.items() if injected.get(k) != v}
    before = {k: v for k, v in _before_test_issuer().items() if v is not None}
    return {**kept, **before, **extra}


def _before_test_issuer() -> dict[str, str | None]:
    """The issuer settings before the test plugin (`inventory_runtime.testing`) replaced them;
    none if it is not loaded (outside a test run: nothing was replaced)."""
    plugin = sys.modules.get("inventory_runtime.testing")
    before: dict[str, str | None] = getattr(plugin, "ENVIRONMENT_BEFORE_TEST_ISSUER", {})
    return before


async def run_script(*args: str, env: dict[str, str] | None = None) -> None:
    """Run one of the stack's scripts, e.g. `run_script("services.sh", "start", "reservation")`
    (they return once what they start is ready)."""
    process = await asyncio.create_subprocess_exec(
        "bash",
        str(STACK_ROOT / "scripts" / args[0]),
        *args[1:],
        env=stack_environment(**(env or {})),
        stdout=asyncio.subprocess.DEVNULL,
    )
    if await process.wait() != 0:
        raise RuntimeError(f"scripts/{' '.join(args)} failed")


def restart_reservation(batch: bool) -> None:
    """Restart the stack's reservation service with batching on or off (RESERVATION_BATCH)."""
    env = stack_environment(RESERVATION_BATCH="true" if batch else "false")
    subprocess.run(
        ["bash", str(STACK_ROOT / "scripts/services.sh"), "restart", "reservation"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


async def wait_gone(pid: int, timeout: float = 15) -> None:
    """Until process `pid` has left /proc (reaped), or fail after `timeout`."""
    await poll(lambda: process_exists(pid), lambda alive: not alive, timeout=timeout, what=f"{pid}")


async def wait_ready(services: Iterable[str] = PORTS, timeout: float = 90) -> None:
    """Until every one of `services` answers /ready, or fail after `timeout`."""
    for service in services:
        await poll(
            partial(asyncio.to_thread, is_ready, PORTS[service]),
            bool,
            timeout=timeout,
            what=f"{service} to answer /ready",
        )


async def services_up() -> list[str]:
    """The services whose process answers /health now (ready or not)."""
    up = []
    async with httpx.AsyncClient(timeout=2) as client:
        for service, port in PORTS.items():
            try:
                if (await client.get(f"http://127.0.0.1:{port}/health")).status_code == 200:
                    up.append(service)
            except httpx.HTTPError:
                continue
    return up


class ConsumerLag:
    """How far consumer groups (named like their services) are behind the ends of the
    partitions they have committed offsets on."""

    def __init__(self, bootstrap: str) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)

    async def __aenter__(self) -> ConsumerLag:
        await self._admin.start()
        await self._consumer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._consumer.stop()
        await self._admin.close()

    async def lag(self, groups: Iterable[str]) -> int:
        """Messages the groups have yet to commit, summed."""
        behind = 0
        for group in groups:
            committed = await self._admin.list_consumer_group_offsets(group)
            ends = await self._consumer.end_offsets(list(committed))
            behind += sum(max(0, ends[tp] - meta.offset) for tp, meta in committed.items())
        return behind

    async def wait_caught_up(self, groups: Iterable[str], timeout: float = 600) -> float:
        """Until the groups have committed everything; returns the seconds waited."""
        started, names = time.monotonic(), list(groups)
        await poll(
            lambda: self.lag(names),
            lambda behind: behind == 0,
            timeout=timeout,
            what=f"consumer groups {', '.join(names)} to catch up",
        )
        return time.monotonic() - started

    async def members(self, group: str) -> int:
        """How many consumers the group has now."""
        [response] = await self._admin.describe_consumer_groups([group])
        # DescribeGroups v2: (error_code, group_id, state, protocol_type, protocol, members)
        return len(response.groups[0][5])


async def kill_hard(instance: str) -> None:
    """kill -9 the stack's `instance` (reservation, reservation-2, ...) and wait until it is
    gone: mid-batch, no goodbye."""
    pid = pid_of(instance)
    os.kill(pid, signal.SIGKILL)
    try:
        await wait_gone(pid)  # services.sh would take a zombie for a running service
    except AssertionError:
        pid_file(instance).unlink(missing_ok=True)  # unreaped zombie: dead anyway


async def refuses_connections(address: str) -> bool:
    """True once nothing accepts connections on `address` (host:port; the first of a list)."""
    host, port = address.split(",")[0].rsplit(":", 1)
    try:
        _, writer = await asyncio.open_connection(host, int(port))
    except OSError:
        return True
    writer.close()
    return False
