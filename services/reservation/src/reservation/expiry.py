"""The expiry job: releases reservations whose time-to-live ran out (`ReservationExpired`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, cast

from inventory_runtime.app import BackgroundJob, ServiceRuntime
from inventory_runtime.retry import is_transient, summarize

from reservation import handlers
from reservation.repository import ReservationUoW

log = logging.getLogger(__name__)

BATCH = 200


async def sweep(uow_factory: Callable[[], Any], now: datetime) -> int:
    """Expire one batch of due reservations in one transaction; return how many."""
    async with uow_factory() as uow:
        expired = await handlers.expire_due(cast(ReservationUoW, uow), now, BATCH)
        await uow.commit()
    return expired


def expiry_job(interval_seconds: float) -> BackgroundJob:
    """A supervised loop; several service instances share the work (rows are SKIP LOCKED)."""

    async def run(runtime: ServiceRuntime) -> None:
        while not runtime.stopping:
            try:
                while await sweep(runtime.uow_factory, datetime.now(UTC)) == BATCH:
                    pass
            except Exception as exc:  # the database may be away; try again next round
                level = logging.WARNING if is_transient(exc) else logging.ERROR
                log.log(level, "expiry sweep failed: %s", summarize(exc))
            await asyncio.sleep(interval_seconds)

    work: Callable[[ServiceRuntime], Coroutine[Any, Any, None]] = run
    return BackgroundJob(name="reservation-expiry", run=work)
