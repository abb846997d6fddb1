"""Supervised background tasks (the outbox relay, the consumer loops, a service's jobs).

A task that crashes, or ends while the service is running, is reported by ``/ready`` (its check
names the problem) and started again after a backoff: 1 s, doubling up to 60 s, and back to 1 s
once a run has lasted five minutes. Its check reads ``ok`` again once the new run has lasted
`HEALTHY_AFTER_SECONDS`. A crash is a bug, and the log says so with the traceback; but a consumer
group that stopped for good on one bad moment would hold its partitions' work until someone
restarted the process (a failing readiness probe takes a pod out of service; it does not restart
it), so the task goes on and the restarts are counted
(``inventory_background_task_restarts_total``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from inventory_runtime.metrics import BACKGROUND_TASK_RESTARTS as RESTARTS
from inventory_runtime.retry import summarize

log = logging.getLogger(__name__)

RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 60.0
STEADY_SECONDS = 300.0
HEALTHY_AFTER_SECONDS = 30.0


Start = Callable[[], Coroutine[Any, Any, None]]


def supervise(
    name: str,
    start: Start,
    tasks: dict[str, asyncio.Task[None]],
    failures: dict[str, str],
    stopping: Callable[[], bool],
) -> None:
    """Run `start()` as task `name` in `tasks`, restarting it as the module says; `failures`
    holds its problem while it is down or just restarted."""
    delay = RESTART_FIRST_SECONDS
    started_at = 0.0

    def launch() -> None:
        nonlocal started_at
        if stopping():
            return
        started_at = time.monotonic()
        task = asyncio.create_task(start(), name=name)
        task.add_done_callback(ended)
        tasks[name] = task
        if name in failures:
            asyncio.get_running_loop().call_later(HEALTHY_AFTER_SECONDS, healthy, task)

    def healthy(task: asyncio.Task[None]) -> None:
        if not task.done() and tasks.get(name) is task:
            failures.pop(name, None)

    def ended(task: asyncio.Task[None]) -> None:
        nonlocal delay
        if stopping():
            return
        exc = None if task.cancelled() else task.exception()
        problem = summarize(exc) if exc is not None else "ended unexpectedly"
        if time.monotonic() - started_at >= STEADY_SECONDS:
            delay = RESTART_FIRST_SECONDS
        log.error("background task %s %s; restarting in %g s", name,
                  "crashed" if exc else "ended", delay, exc_info=exc)  # fmt: skip
        failures[name] = f"{problem} (restarting in {delay:g} s)"
        RESTARTS.labels(name).inc()
        asyncio.get_running_loop().call_later(delay, launch)
        delay = min(delay * 2, RESTART_MAX_SECONDS)

    launch()
