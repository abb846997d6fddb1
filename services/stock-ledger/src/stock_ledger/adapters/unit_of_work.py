"""The SQL unit of work of the stock ledger: the runtime's transaction, outbox and inbox, with
the service's repositories on its session."""

from __future__ import annotations

from typing import Self

from inventory_runtime.uow import UnitOfWork

from stock_ledger.adapters.counting import SqlCountingRepository
from stock_ledger.adapters.forms import SqlFormRepository
from stock_ledger.adapters.ledger import SqlLedgerRepository
from stock_ledger.adapters.parking import SqlParking


class LedgerUnitOfWork(UnitOfWork):
    """Implements every unit of work of `ports`: the ledger, counting and forms repositories,
    built per transaction. The documents the ledger loads or writes are tracked, so the events
    they record reach the outbox when the transaction commits."""

    ledger: SqlLedgerRepository
    counting: SqlCountingRepository
    forms: SqlFormRepository
    parking: SqlParking

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.ledger = SqlLedgerRepository(self.session, self.track)
        self.counting = SqlCountingRepository(self.session)
        self.forms = SqlFormRepository(self.session)
        self.parking = SqlParking(self.session)
        return self
