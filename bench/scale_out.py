"""One instance of every service against two: throughput and consumer lag, same run.

    uv run python -m bench.scale_out [--duration 30] [--window 2000] [--skus 2000] [--json PATH]

Against the running stack (`make up`). For one, then two instances of every service (the
second ones started as `make up REPLICAS=2` does, `scripts/services.sh` with REPLICAS=2; they are
stopped again at the end unless they were running before), a fresh `LoadRun` receives
`--skus` x 1,000 units and sends uniform orders as fast as the stack answers them (keeping
`--window` in flight) for `--duration` seconds, then waits for every outcome. Printed per
instance count: orders/s and lines/s, latency p50/p99, the consumer lag of the order path's
groups (reservation, stock-ledger, integration-gateway: the highest seen, sampled every second,
and the time to catch up after the last order), and the checks (no order without or with two
outcomes, nothing oversold). Then the ratio two/one.

The yardstick, in the same run before and after: a fixed CPU task (SHA-256 over 64 MB in 64-byte
pieces, one core), so the figures can be read against how busy the shared machine was; the
one-minute load average is printed with it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import time
from functools import partial
from pathlib import Path
from typing import Any

from inventory_testkit.generation import load, uniform_lines
from inventory_testkit.load import LoadRun
from inventory_testkit.platform import PORTS, poll
from inventory_testkit.stack import (
    ConsumerLag,
    assigned_partitions,
    instance_name,
    instance_port,
    pid_file,
    process_exists,
    run_script,
)

BOOTSTRAP = os.getenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
GROUPS = ("reservation", "stock-ledger", "integration-gateway")
SECOND = [instance_name(service, 2) for service in PORTS]


def yardstick() -> dict[str, float]:
    """Seconds for a fixed single-core task, and the load average when it ran."""
    piece, started = b"x" * 64, time.perf_counter()
    for _ in range(1_000_000):
        piece = hashlib.sha256(piece).digest() * 2
    return {"seconds": round(time.perf_counter() - started, 3), "load1": os.getloadavg()[0]}


def running(instance: str) -> bool:
    path = pid_file(instance)
    return path.exists() and process_exists(int(path.read_text().strip()))


async def use_instances(count: int) -> None:
    """`count` (1 or 2) instances of every service; with two, wait until both hold partitions."""
    if count == 1:
        await run_script("services.sh", "stop", *SECOND)
        return
    await run_script("services.sh", "start", env={"REPLICAS": "2", "SERVICE_READY_SECONDS": "300"})
    for group in GROUPS:
        await poll(
            partial(_both_hold, group),
            bool,
            timeout=120,
            what=f"both instances of {group} to hold partitions",
        )


async def _both_hold(service: str) -> bool:
    shares = [await assigned_partitions(instance_port(service, k)) for k in (1, 2)]
    return all(sum(share.values()) > 0 for share in shares)


async def sample_lag(lag: ConsumerLag, highest: list[int]) -> None:
    while True:
        with contextlib.suppress(Exception):  # a sample lost to a rebalance is just skipped
            highest[0] = max(highest[0], await lag.lag(GROUPS))
        await asyncio.sleep(1)


async def measure(count: int, args: argparse.Namespace) -> dict[str, Any]:
    await use_instances(count)
    skus = [f"SCALE-{count}-{n:05d}" for n in range(args.skus)]
    async with LoadRun(BOOTSTRAP) as run, ConsumerLag(BOOTSTRAP) as lag:
        await run.prepare(skus, 1_000)
        await run.settle()
        highest = [0]
        sampler = asyncio.create_task(sample_lag(lag, highest))
        try:
            started = await load(
                run, uniform_lines(skus, seed=3), rate=0, seconds=args.duration, window=args.window
            )
        finally:
            sampler.cancel()
        catch_up = await lag.wait_caught_up(GROUPS, timeout=300)
        result = run.result("uniform", f"{count} instance(s)", 0, started)
    print(result.show(), flush=True)
    figures = {
        "instances": count,
        "orders_per_s": round(result.throughput_orders_per_s, 1),
        "lines_per_s": round(result.throughput_lines_per_s, 1),
        "p50_ms": round(result.latency_ms["p50"], 1),
        "p99_ms": round(result.latency_ms["p99"], 1),
        "highest_lag": highest[0],
        "catch_up_s": round(catch_up, 1),
        "orders_without_outcome": result.orders_without_outcome,
        "orders_with_duplicate_outcome": result.orders_with_duplicate_outcome,
        "units_oversold": result.units_oversold,
    }
    print(json.dumps(figures), flush=True)
    return figures


async def main(args: argparse.Namespace) -> dict[str, Any]:
    before = {instance for instance in SECOND if running(instance)}
    report: dict[str, Any] = {"yardstick_before": yardstick()}
    print(f"yardstick before: {report['yardstick_before']}", flush=True)
    try:
        one = await measure(1, args)
        two = await measure(2, args)
    finally:
        stray = [instance for instance in SECOND if instance not in before and running(instance)]
        if stray:
            await run_script("services.sh", "stop", *stray)
        if before:
            await run_script("services.sh", "start", *before, env={"REPLICAS": "2"})
    report.update(one=one, two=two, yardstick_after=yardstick())
    report["ratio_two_to_one"] = round(two["lines_per_s"] / max(one["lines_per_s"], 1e-9), 2)
    print(f"yardstick after: {report['yardstick_after']}", flush=True)
    print(f"two instances / one: {report['ratio_two_to_one']}x lines/s", flush=True)
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--window", type=int, default=2000)
    parser.add_argument("--skus", type=int, default=2000)
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args()
    outcome = asyncio.run(main(arguments))
    if arguments.json:
        arguments.json.write_text(json.dumps(outcome, indent=2))
