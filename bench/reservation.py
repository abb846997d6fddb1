"""Reservation benchmark: an open-loop OrderPlaced generator against the running stack.

    uv run python -m bench.reservation --scenario uniform --rate 0 --duration 60 --json out.json
    uv run python -m bench.reservation --scenario hot --rate 1000 --duration 30

The generator and its figures are `inventory_testkit.load` (the e2e load tests use the same):
master data onto `inventory.master-data`, stock through stock-ledger's receipt API, orders
straight onto `inventory.orders`, outcomes read from `inventory.reservations`; latency is from
the order's scheduled send time to its first outcome. `--rate 0` keeps `--window` orders in
flight (as fast as the service answers, without an unbounded backlog).

Each measurement starts after a warm-up (`--warmup` seconds, default 20): uniform orders at the
same offered rate against a stock of their own; its figures are printed and kept in the JSON
under `warmup`, never mixed into the measured ones; `--warmup 0` measures a cold stack.

Before the load, the database-side limit is measured on the same PostgreSQL (`database_limit`):
set-based conditional reservations of `--db-lines` random lines per durable transaction, for
`--db-seconds`. The service's throughput is printed as a share of it. After a max-rate run
(`--rate 0`) the same scenario runs at half the measured rate (`--half-duration`), for the p99
latency at 0.5x max.

The same run is then repeated with batching switched off: the bench restarts the reservation
service with `RESERVATION_BATCH=false` (one message per transaction), measures, and restarts it
as it was, also when the bench is stopped by SIGINT, SIGTERM, SIGHUP or its own `--timeout`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import Any

from inventory_testkit.generation import hot_lines, load, uniform_lines
from inventory_testkit.load import LoadRun, OrderLines
from inventory_testkit.load_figures import Result
from inventory_testkit.stack import restart_reservation

from bench.database_limit import DatabaseLimit, measure_limit

BOOTSTRAP = os.getenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
DATABASE_URL = os.getenv(
    "DATABASE_URL", "postgresql://inventory:inventory@127.0.0.1:5432/inventory_test"
)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGALRM)


class Stopped(SystemExit):
    """The bench was stopped by a signal (a timeout is SIGALRM or SIGTERM). A SystemExit, so
    that raised inside any task it still ends the event loop, as Ctrl-C would."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signal_name = signal.Signals(signum).name


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


class BatchingSwitch:
    """Switches the stack's reservation batching off, and back on exactly once."""

    def __init__(self) -> None:
        self.off = False

    def switch_off(self) -> None:
        self.off = True  # first: a signal during the restart must still restore
        restart_reservation(batch=False)

    def restore(self) -> None:
        if not self.off:
            return
        handlers = {s: signal.signal(s, signal.SIG_IGN) for s in STOP_SIGNALS}
        try:  # not to be cut short by a second signal
            restart_reservation(batch=True)
            self.off = False
            print("reservation restarted with batching on", flush=True)
        finally:
            for s, handler in handlers.items():
                signal.signal(s, handler)


async def warm_up(mode: str, args: argparse.Namespace) -> Result:
    """Uniform orders at the offered rate for `args.warmup` seconds, on a stock of their own."""
    skus = [f"BENCH-U-{n:05d}" for n in range(args.skus)]
    async with LoadRun(BOOTSTRAP) as run:
        await run.prepare(skus, 1_000)
        await run.settle()
        make_lines = uniform_lines(skus, seed=11)
        started = await load(
            run, make_lines, rate=args.rate, seconds=args.warmup, window=args.window
        )
        return run.result("uniform", mode, args.rate, started)


async def stocked(run: LoadRun, scenario: str, args: argparse.Namespace) -> OrderLines:
    """The scenario's stock received; returns its order lines."""
    if scenario == "hot":
        expected = args.rate * args.duration if args.rate else args.hot_orders_guess
        sku = f"BENCH-HOT-{run.run_id}"
        await run.prepare([sku], args.stock or max(1, int(expected * 0.8)))
        return hot_lines(sku)
    skus = [f"BENCH-U-{n:05d}" for n in range(args.skus)]
    await run.prepare(skus, args.stock or 1_000)
    return uniform_lines(skus, seed=7)


async def measure(scenario: str, mode: str, args: argparse.Namespace) -> Result:
    """One measured run (after its warm-up, unless `args.warmup` is 0)."""
    warmup = None
    if args.warmup > 0:
        warmup = await warm_up(mode, args)
        print(f"warm-up, not counted: {warmup.show()}", flush=True)
    async with LoadRun(BOOTSTRAP) as run:
        make_lines = await stocked(run, scenario, args)
        waited = await run.settle()
        print(f"{scenario} {mode}: stock in; the stack settled in {waited:.1f} s", flush=True)
        started = await load(
            run, make_lines, rate=args.rate, seconds=args.duration, window=args.window
        )
        result = run.result(scenario, mode, args.rate, started)
    if warmup is not None:
        result.warmup = asdict(warmup)
    return result


def with_args(args: argparse.Namespace, **changes: Any) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), **changes})


def against_limit(batched: Result, limit: DatabaseLimit, rate: float) -> dict[str, Any]:
    """The service's throughput as a share of the database limit, printed and for the JSON."""
    share = batched.throughput_lines_per_s / max(limit.lines_per_s, 1e-9)
    what = "max" if rate == 0 else f"at {rate:g} orders/s offered"
    print(
        f"service {what}: {batched.throughput_lines_per_s:,.0f} lines/s = {share:.1%} of the "
        f"database limit ({limit.lines_per_s:,.0f} lines/s)",
        flush=True,
    )
    return {"share_of_database_limit": round(share, 4), "share_measured_at": what}


async def at_half_max(batched: Result, args: argparse.Namespace) -> Result:
    """The scenario again at half the orders/s the max run reached (warm: no warm-up)."""
    half = round(batched.throughput_orders_per_s / 2, 1)
    result = await measure(
        args.scenario, "half-max", with_args(args, rate=half, duration=args.half_duration, warmup=0)
    )
    print(result.show(), flush=True)
    print(
        f"p99 at half of max ({half:,.0f} orders/s offered, "
        f"{result.throughput_lines_per_s:,.0f} lines/s): {result.latency_ms['p99']:.0f} ms",
        flush=True,
    )
    return result


async def batching_off(
    batched: Result, args: argparse.Namespace, switch: BatchingSwitch
) -> dict[str, Any]:
    """The run with batching off, and the ratios to the batched one."""
    try:
        switch.switch_off()
        unbatched = await measure(
            args.scenario, "unbatched", with_args(args, duration=args.unbatched_duration)
        )
    finally:
        switch.restore()
    print(unbatched.show(), flush=True)
    speedup = batched.throughput_lines_per_s / max(unbatched.throughput_lines_per_s, 1e-9)
    p99_ratio = unbatched.latency_ms["p99"] / max(batched.latency_ms["p99"], 1e-9)
    print(
        f"batching on vs off: throughput x{speedup:.2f}, p99 latency off/on x{p99_ratio:.2f}",
        flush=True,
    )
    return {
        "batching_off": asdict(unbatched),
        "batching_ratio": {"throughput": round(speedup, 2), "p99_off_over_on": round(p99_ratio, 2)},
    }


async def main_async(args: argparse.Namespace, switch: BatchingSwitch) -> dict[str, Any]:
    limit = await measure_limit(
        args.database_url,
        seconds=args.db_seconds,
        lines=min(args.db_lines, args.skus),
        points=args.skus,
        writers=args.db_writers,
    )
    print(
        f"database limit: {limit.lines_per_transaction}-line set-based reservations, "
        f"synchronous_commit {limit.synchronous_commit}, {limit.writers} writer(s): "
        f"{limit.lines_per_s:,.0f} lines/s ({limit.transactions} transactions in "
        f"{limit.seconds:.1f} s)",
        flush=True,
    )
    batched = await measure(args.scenario, "batched", args)
    print(batched.show(), flush=True)
    report: dict[str, Any] = asdict(batched)
    report["database_limit"] = asdict(limit)
    report.update(against_limit(batched, limit, args.rate))
    if args.rate == 0 and args.half_duration > 0:
        half = await at_half_max(batched, args)
        report["half_max"] = asdict(half)
        report["p99_ms_at_half_max"] = half.latency_ms["p99"]
    if not args.no_unbatched:
        report.update(await batching_off(batched, args, switch))
    return report


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add = parser.add_argument
    add("--scenario", choices=["uniform", "hot"], default="uniform")
    add("--rate", type=float, default=0, help="orders/s offered; 0: max")
    add("--duration", type=float, default=60, help="seconds of load")
    add("--json", type=Path, help="write the figures here")
    add("--warmup", type=float, default=20, help="seconds of uncounted load first (0: none)")
    add("--skus", type=int, default=10_000, help="uniform: number of SKUs")
    add("--stock", type=int, default=0, help="units per SKU (0: scenario default)")
    add("--window", type=int, default=4000, help="rate 0: orders in flight")
    add("--hot-orders-guess", type=int, default=60_000)
    add("--unbatched-duration", type=float, default=20)
    add("--no-unbatched", action="store_true", help="skip batching-off run")
    add("--half-duration", type=float, default=20, help="rate 0: run at 0.5x max (0: skip)")
    add("--database-url", default=DATABASE_URL, help="PostgreSQL for the database limit")
    add("--db-seconds", type=float, default=5, help="seconds of the database limit")
    add("--db-lines", type=int, default=500, help="lines per database transaction")
    add("--db-writers", type=int, default=1, help="concurrent database transactions")
    add("--timeout", type=int, default=0, help="stop (restoring batching) after N s; 0: never")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    switch = BatchingSwitch()
    for s in STOP_SIGNALS:
        signal.signal(s, _raise_stopped)
    signal.alarm(args.timeout)
    try:
        report = asyncio.run(main_async(args, switch))
    except Stopped as stopped:
        print(f"stopped by {stopped.signal_name}", flush=True)
        raise
    finally:
        signal.alarm(0)
        switch.restore()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
