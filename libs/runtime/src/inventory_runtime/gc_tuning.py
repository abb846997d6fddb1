"""Garbage-collector settings for a service process under load, and a timer of its pauses."""

from __future__ import annotations

import gc
import time

from inventory_runtime import metrics

GC_THRESHOLDS = (5_000, 20, 20)
"""Young-generation collections every 5,000 net allocations (CPython's default: 700). A batch
of a thousand orders allocates hundreds of thousands of short-lived objects: at the default the
reservation service collected ~60 times a second (2 % of its CPU); at 5,000, about once a
second. Over six A/B pairs at 1,000 orders/s the p99 was 102 against 113 ms (bench/README.md)."""


class _CollectionTimer:
    """A `gc.callbacks` entry that records each collection's pause in `metrics.GC_PAUSE`: the
    whole process, event loop included, stands still meanwhile."""

    def __init__(self) -> None:
        self._started = 0.0
        self._by_generation = [metrics.GC_PAUSE.labels(str(g)) for g in range(3)]

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self._by_generation[info["generation"]].observe(time.perf_counter() - self._started)


_COLLECTION_TIMER = _CollectionTimer()


def freeze_startup_objects() -> None:
    """Move everything alive after startup (modules, models, compiled schemas and statements)
    out of the garbage collector's reach: a full collection then scans only what the work
    made, instead of pausing the event loop for 100+ ms every few seconds under load. Then
    collect less often (`GC_THRESHOLDS`), and time every collection from now on."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    if _COLLECTION_TIMER not in gc.callbacks:
        gc.callbacks.append(_COLLECTION_TIMER)
