"""The expiry job: releases reservations whose time-to-live ran out (`ReservationExpired`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import cast

from inventory_runtime.app import BackgroundJob, ServiceRuntime
from inventory_runtime.clock import Clock, utc_now
from inventory_runtime.retry import is_transient, summarize

from reservation.ports import ReservationUoW

log = logging.getLogger(__name__)

BATCH = 200

ExpireDue = Callable[[ReservationUoW, datetime, int], Awaitable[int]]
"""The use case that releases up to a number of due reservations (`handlers.expire_due`)."""


async def sweep(uow_factory: Callable[[], object], expire_due: ExpireDue, now: datetime) -> int:
    """Expire one batch of due reservations in one transaction; return how many."""
    async with cast(ReservationUoW, uow_factory()) as uow:
        expired = await expire_due(uow, now, BATCH)
        await uow.commit()
    return expired


def expiry_job(
    interval_seconds: float, expire_due: ExpireDue, clock: Clock = utc_now
) -> BackgroundJob:
    """A supervised loop; several service instances share the work (rows are SKIP LOCKED)."""

    async def run(runtime: ServiceRuntime) -> None:
        while not runtime.stopping:
            try:
                while await sweep(runtime.uow_factory, expire_due, clock()) == BATCH:
                    pass
            except Exception as exc:  # the database may be away; try again next round
                level = logging.WARNING if is_transient(exc) else logging.ERROR
                log.log(level, "expiry sweep failed: %s", summarize(exc))
            await asyncio.sleep(interval_seconds)

    return BackgroundJob(name="reservation-expiry", run=run)
