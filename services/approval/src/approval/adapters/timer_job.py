"""The timer job: fires the due reminders and escalations of pending steps, in small batches.

Each batch is one transaction: claim (SKIP LOCKED), act, mark fired, commit; so a timer fires
once even with two processes or across a restart (an uncommitted batch is claimed again).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Final, cast

from inventory_runtime.app import BackgroundJob, ServiceRuntime
from inventory_runtime.clock import Clock, utc_now
from inventory_runtime.retry import is_transient, summarize

from approval.ports import ApprovalUoW

log = logging.getLogger(__name__)

BATCH: Final = 20
JOB_NAME: Final = "approval-timers"

FireDue = Callable[[ApprovalUoW, datetime, int], Awaitable[int]]
"""The use case that fires up to a number of due timers (`handlers.fire_due_timers`)."""


async def fire_batch(uow_factory: Callable[[], object], fire_due: FireDue, now: datetime) -> int:
    """Fire one batch of due timers in one transaction; return how many were claimed."""
    async with cast(ApprovalUoW, uow_factory()) as uow:
        fired = await fire_due(uow, now, BATCH)
        await uow.commit()
    return fired


async def fire_all_due(uow_factory: Callable[[], object], fire_due: FireDue, clock: Clock) -> None:
    """Batches until fewer than a full one were due."""
    while await fire_batch(uow_factory, fire_due, clock()) == BATCH:
        pass


def timer_job(interval_seconds: float, fire_due: FireDue, clock: Clock = utc_now) -> BackgroundJob:
    """A supervised loop every `interval_seconds`; instances share the work (SKIP LOCKED)."""

    async def run(runtime: ServiceRuntime) -> None:
        while not runtime.stopping:
            try:
                await fire_all_due(runtime.uow_factory, fire_due, clock)
            except Exception as exc:  # the database may be away; try again next round
                level = logging.WARNING if is_transient(exc) else logging.ERROR
                log.log(level, "approval timers failed: %s", summarize(exc))
            await asyncio.sleep(interval_seconds)

    return BackgroundJob(name=JOB_NAME, run=run)
