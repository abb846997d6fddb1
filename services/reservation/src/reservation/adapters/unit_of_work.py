"""The reservation unit of work: the runtime's, with the repository on its session."""

from __future__ import annotations

from typing import Self

from inventory_runtime.uow import UnitOfWork

from reservation.adapters.quotes import SqlQuotes
from reservation.adapters.repository import SqlRepository
from reservation.adapters.supply import SqlSupply


class ReservationUnitOfWork(UnitOfWork):
    """The runtime's unit of work with a `SqlRepository`, `SqlSupply` and `SqlQuotes` on its
    session; what the repositories load or add is tracked, so its recorded events reach the
    outbox on commit."""

    reservations: SqlRepository
    supply: SqlSupply
    quotes: SqlQuotes

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.reservations = SqlRepository(self.session, self.track)
        self.supply = SqlSupply(self.session)
        self.quotes = SqlQuotes(self.session, self.track)
        return self
