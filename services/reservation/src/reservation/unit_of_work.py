"""The reservation unit of work: the runtime's, with the repository on its session."""

from __future__ import annotations

from typing import Self

from inventory_runtime.uow import UnitOfWork

from reservation.repository import Repository, SqlRepository


class ReservationUnitOfWork(UnitOfWork):
    """The runtime's unit of work with a `SqlRepository` on its session."""

    reservations: Repository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.reservations = SqlRepository(self.session)
        return self
