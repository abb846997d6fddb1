"""The circuit breaker of webhook receivers: a subscription whose receiver fails
`threshold` times in a row is paused for `pause`; its deliveries wait (their tries are not
spent) and are claimed again when the pause ends. The first try after a pause decides: a
success closes the circuit, a failure pauses it again at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, func, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_gateway.adapters.tables import subscriptions


class CircuitBreaker:
    """Counts a subscription's consecutive failed POSTs and pauses it (`paused_until`)."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], threshold: int, pause: timedelta
    ) -> None:
        self._sessions = session_factory
        self._threshold = threshold
        self._pause = pause

    async def failed(self, subscription_id: str) -> None:
        failures = subscriptions.c.consecutive_failures + 1
        paused = case(
            (failures >= self._threshold, func.now() + self._pause),
            else_=subscriptions.c.paused_until,
        )
        await self._update(
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id)
            .values(consecutive_failures=failures, paused_until=paused)
        )

    async def succeeded(self, subscription_id: str) -> None:
        closed = (subscriptions.c.consecutive_failures > 0) | subscriptions.c.paused_until.isnot(
            None
        )
        await self._update(
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id, closed)
            .values(consecutive_failures=0, paused_until=None)
        )

    async def _update(self, statement: object) -> None:
        async with self._sessions() as session:
            await session.execute(statement)  # type: ignore[call-overload]
            await session.commit()
