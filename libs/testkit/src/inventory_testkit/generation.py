"""What the load generator sends: order lines, and a load at an offered rate."""

from __future__ import annotations

import contextlib
import gc
import random
from collections.abc import Iterator

from inventory_testkit.load import LoadRun, OrderLines


def uniform_lines(skus: list[str], seed: int) -> OrderLines:
    """Orders of 1-3 of `skus`, 1-3 units each, the same sequence for the same seed."""
    rng = random.Random(seed)

    def make_lines() -> list[tuple[str, int]]:
        picked = rng.sample(skus, rng.randint(1, 3))
        return [(s, rng.randint(1, 3)) for s in picked]

    return make_lines


def hot_lines(sku: str) -> OrderLines:
    """Orders of one unit of `sku`, every one."""

    def make_lines() -> list[tuple[str, int]]:
        return [(sku, 1)]

    return make_lines


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection in this process inside the block.

    With tens of thousands of orders in memory the generator's full collections took 50-80 ms,
    every 8 s or so, and the outcomes read during one looked that much later than they were
    (`timeit` switches the collector off for the same reason).
    """
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def load(
    run: LoadRun, make_lines: OrderLines, *, rate: float, seconds: float, window: int
) -> float:
    """Generate for `seconds` at `rate` orders/s (0: keep `window` in flight) and wait for the
    outcomes; return the start."""
    with collector_paused():
        started = await run.generate(make_lines, rate=rate, duration=seconds, window=window)
        await run.drain()
    return started
