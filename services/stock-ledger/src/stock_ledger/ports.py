"""What the handlers need from storage, as Protocols: the SQL adapters implement them, and so
do the in-memory fakes of the unit tests. Each handler asks for the narrowest unit of work that
has what it uses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from inventory_contracts import ItemUpserted, LocationUpserted
from inventory_runtime.uow import UnitOfWorkProtocol

from stock_ledger.domain import (
    Balance,
    Consumption,
    CostLayer,
    Document,
    Item,
    LaterOutbound,
    Location,
    PointKey,
    Posting,
)
from stock_ledger.domain.counting import CountApproval, CountTask, Variance
from stock_ledger.domain.forms import FormDefinition
from stock_ledger.domain.parking import ParkedMessage, ParkedStatus


class CostState(Protocol):
    """Open layers of some stock points, what given movements consumed from them, and the
    outbound movements after back-dated dates."""

    @property
    def layers(self) -> Mapping[PointKey, list[CostLayer]]: ...

    @property
    def consumed(self) -> Mapping[str, list[Consumption]]: ...

    @property
    def later(self) -> Mapping[PointKey, list[LaterOutbound]]: ...


class LedgerRepository(Protocol):
    """Master data, documents, balances and cost layers. Documents it loads or adds are
    tracked by the unit of work, which collects the events they record."""

    async def upsert_item(self, item: ItemUpserted) -> None: ...
    async def upsert_items(self, batch: Sequence[ItemUpserted]) -> None: ...
    async def upsert_location(self, location: LocationUpserted) -> None: ...
    async def master_data(
        self, keys: Iterable[PointKey]
    ) -> tuple[dict[str, Item], dict[str, Location]]: ...
    async def lock_balances(self, keys: Iterable[PointKey]) -> dict[PointKey, Balance]: ...
    async def save_balances(self, changed: Iterable[Balance]) -> None: ...
    async def cost_state(
        self,
        keys: Iterable[PointKey],
        movements: Iterable[str] = (),
        backdated: Mapping[PointKey, date] | None = None,
    ) -> CostState: ...
    async def save_posting(self, document: Document, posting: Posting) -> None: ...
    async def get(self, document_id: str) -> Document | None: ...
    async def by_idempotency_key(self, key: str) -> Document | None: ...
    async def save_draft(self, document: Document) -> None: ...
    async def refresh_aging(self, keys: Iterable[PointKey], today: date) -> None: ...
    async def add(self, document: Document, *, from_draft: bool = False) -> None: ...


class CountingRepository(Protocol):
    """Count tasks and the approvals of large count variances."""

    async def task(self, task_id: str, *, lock: bool = False) -> CountTask | None: ...
    async def close_task(
        self, task_id: str, status: str, document_id: str, now: datetime
    ) -> None: ...
    async def mark_counted(self, key: PointKey, day: date) -> None: ...
    async def generate_tasks(self, today: date) -> list[str]: ...
    async def add_approval(
        self,
        document_id: str,
        request_id: str,
        amount: Decimal,
        task_id: str | None = None,
        variance: Variance | None = None,
    ) -> None: ...
    async def approval(self, document_id: str) -> CountApproval | None: ...
    async def decide(
        self,
        document_id: str,
        status: str,
        decided_by: str,
        decided_at: datetime,
        reason: str | None,
    ) -> None: ...


class FormRepository(Protocol):
    """Versioned form definitions of the document types."""

    async def load_form(self, document_type: str, version: int | None = None) -> FormDefinition: ...


class ParkingRepository(Protocol):
    """Messages waiting for their master data (`domain.parking`)."""

    async def park(self, message: ParkedMessage) -> None: ...
    async def waiting_for(
        self, skus: Sequence[str], locations: Sequence[str]
    ) -> list[ParkedMessage]: ...
    async def settle(self, event_id: str) -> None: ...
    async def keep(
        self,
        event_id: str,
        status: ParkedStatus,
        reason: str,
        skus: Sequence[str] = (),
        locations: Sequence[str] = (),
    ) -> None: ...
    async def find(self, status: ParkedStatus | None, limit: int) -> list[ParkedMessage]: ...
    async def counts(self) -> dict[str, int]: ...


class LedgerUoW(UnitOfWorkProtocol, Protocol):
    """A unit of work with the ledger on it (posting, master data) and the messages waiting
    for master data."""

    @property
    def ledger(self) -> LedgerRepository: ...

    @property
    def parking(self) -> ParkingRepository: ...


class CountingUoW(LedgerUoW, Protocol):
    """The ledger and cycle counting (and the approvals of large count or adjustment
    variances)."""

    @property
    def counting(self) -> CountingRepository: ...


class DocumentsUoW(CountingUoW, Protocol):
    """The ledger, the forms (documents people make) and the approvals their variances need."""

    @property
    def forms(self) -> FormRepository: ...
