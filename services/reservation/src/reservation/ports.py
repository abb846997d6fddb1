"""What the handlers need from storage: the reservation repository and unit of work.

`adapters` implements them over PostgreSQL; the unit tests over memory. Whatever a repository
loads or adds that records events (reservations, stock points, backorder allocations) it hands
to the unit of work to `track`, which writes their events to the outbox on commit; handlers
never publish.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from inventory_runtime.uow import RecordsEvents, UnitOfWorkProtocol

from reservation.domain import (
    Allocation,
    Backorder,
    MasterData,
    PointKey,
    Reservation,
    StockPoint,
)
from reservation.domain.promise import IncomingSupply, PointSupply
from reservation.domain.quotes import Quote


class Track(Protocol):
    """The unit of work's `track`, which repositories are built with: collect the events these
    aggregates record."""

    def __call__(self, *aggregates: RecordsEvents) -> None: ...


@dataclass(frozen=True)
class OrderContext:
    """What a batch of orders is decided against (`Repository.placing_context`)."""

    points: dict[PointKey, StockPoint]
    """The stock points the orders name, locked; points never stocked are absent."""
    answered: set[str]
    """Orders that already have an outcome: placing them again does nothing."""
    cancelled_early: set[str]
    """Orders whose cancellation came before them."""
    master: MasterData


class Repository(Protocol):
    """Reservation state, read and written inside the unit of work's transaction.

    Locking discipline (what keeps concurrent consumers and requests from overselling or
    deadlocking): a reservation row is locked before any stock point, and stock points are
    always locked in (sku, location) order.
    """

    async def upsert_item(self, sku: str, active: bool) -> None: ...
    async def upsert_items(self, states: dict[str, bool]) -> None: ...
    async def upsert_location(self, location: str, active: bool) -> None: ...
    async def lock_points(
        self, keys: Iterable[PointKey], *, create: bool = False
    ) -> dict[PointKey, StockPoint]:
        """Lock (creating them with `create`) the points of `keys`; tracked."""
        ...

    async def save_points(self, points: Iterable[StockPoint]) -> None: ...
    async def placing_context(
        self, order_ids: Iterable[str], keys: Iterable[PointKey]
    ) -> OrderContext:
        """Lock the points of `keys` and read what else deciding `order_ids` needs, at once.
        Its points are tracked by `record_placements`, after the orders."""
        ...

    async def get(self, order_id: str, *, for_update: bool = False) -> Reservation | None:
        """The reservation of `order_id` with its lines; tracked."""
        ...

    async def lock_orders(self, order_ids: Iterable[str]) -> None: ...
    async def get_many(
        self, order_ids: Iterable[str], *, for_update: bool = False
    ) -> dict[str, Reservation]:
        """The reservations of `order_ids` with their lines; tracked."""
        ...

    async def record_placements(
        self, points: Sequence[StockPoint], decided: Sequence[Reservation]
    ) -> None:
        """Save the points a batch changed and add its reservations; tracks the reservations,
        then the points (so the outcomes lead the outbox)."""
        ...

    async def save_all(self, changed: Iterable[Reservation]) -> None: ...
    async def backorders_at(self, keys: Iterable[PointKey]) -> dict[PointKey, list[Backorder]]: ...
    async def record_fills(self, allocation: Allocation, now: datetime) -> None:
        """Move the filled quantities of `allocation` from waiting to held; tracks it."""
        ...

    async def lock_expired(self, now: datetime, limit: int) -> list[str]: ...
    async def remember_cancel(self, order_id: str, reason: str | None) -> None: ...
    async def was_cancelled_early(self, order_id: str) -> bool: ...
    async def first_applications(self, movement_ids: Iterable[str]) -> set[str]: ...


@dataclass(frozen=True)
class SupplyLine:
    """A quantity of a purchase order for one stock point: ordered (with its expected receipt
    date) or received (no date)."""

    purchase_order_id: str
    sku: str
    location: str
    quantity: Decimal
    expected_on: date | None = None


class SupplyRepository(Protocol):
    """What open purchase orders still bring to each stock point (the promise's dates)."""

    async def record_ordered(self, lines: Sequence[SupplyLine]) -> None:
        """Set the ordered quantity and date of each line (a repeat changes nothing)."""
        ...

    async def record_received(self, lines: Sequence[SupplyLine]) -> None:
        """Add received quantities (negative: a reversed receipt)."""
        ...

    async def record_cancelled(self, purchase_order_ids: Sequence[str]) -> None:
        """The orders were cancelled: what they have not delivered is no longer coming."""
        ...

    async def incoming_at(
        self, keys: Iterable[PointKey]
    ) -> dict[PointKey, list[IncomingSupply]]: ...
    async def supplies_at(self, keys: Iterable[PointKey]) -> dict[PointKey, PointSupply]:
        """On hand, reserved, waiting and incoming at each point (read, nothing locked)."""
        ...


class QuoteRepository(Protocol):
    """Quotes and their holds; quote rows are locked before stock points, in id order."""

    async def add(self, quote: Quote) -> None: ...
    async def get(self, quote_id: str, *, for_update: bool = False) -> Quote | None: ...
    async def lock_for_placing(
        self, quote_ids: Iterable[str], keys: Iterable[PointKey], now: datetime
    ) -> dict[str, Quote]:
        """Lock the quotes orders convert and the expired holds at `keys`; tracked."""
        ...

    async def lock_expired(self, now: datetime, limit: int) -> dict[str, Quote]: ...
    async def save(self, changed: Iterable[Quote]) -> None: ...


class ReservationUoW(UnitOfWorkProtocol, Protocol):
    """A unit of work with the reservation and supply repositories on it."""

    @property
    def reservations(self) -> Repository: ...

    @property
    def supply(self) -> SupplyRepository: ...

    @property
    def quotes(self) -> QuoteRepository: ...
