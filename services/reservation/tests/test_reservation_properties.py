"""Property-based tests: under any sequence of receipts, removals, orders, cancels, expiries and
shipments, nothing is oversold and every unit is accounted for."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from inventory_contracts import (
    ReservationRejected,
    StockMoved,
    StockOvercommitted,
    StockReserved,
)
from reservation import handlers
from reservation.domain import ReservationLine, StockPoint

from .conftest import FakeReservationUoW, Make

LOC = "WH"
SKUS = ("A", "B")
quantities = st.integers(min_value=1, max_value=8)


class ReservationBook(RuleBasedStateMachine):
    """Drives the handlers over the in-memory repository and checks the books after each step."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.uow = FakeReservationUoW()
        self.now = Make.now
        self.on_hand = Counter[str]()
        self.orders: list[str] = []
        self.moves = 0
        self.reserved_before: dict[str, Decimal] = {}

    def run(self, coro: Awaitable[object]) -> None:
        async def in_transaction() -> None:
            await coro
            await self.uow.commit()

        self.reserved_before = {sku: self.point(sku).reserved for sku in SKUS}
        self.loop.run_until_complete(in_transaction())

    def point(self, sku: str) -> StockPoint:
        return self.uow.reservations.points[(sku, LOC)]

    def teardown(self) -> None:
        self.loop.close()

    @initialize()
    def master_data(self) -> None:
        for sku in SKUS:
            self.uow.reservations.points[(sku, LOC)] = StockPoint(sku, LOC)
        for sku in SKUS:
            self.run(handlers.upsert_item(Make.item(sku), self.uow))
        self.run(handlers.upsert_location(Make.location(LOC), self.uow))

    def move(self, sku: str, delta: int, kind: str, order_id: str | None = None) -> StockMoved:
        self.moves += 1
        self.on_hand[sku] += delta
        return Make.movement(f"M{self.moves}", sku, LOC, str(delta), kind, order_id=order_id)

    @rule(sku=st.sampled_from(SKUS), quantity=quantities)
    def receive(self, sku: str, quantity: int) -> None:
        self.run(
            handlers.apply_movements([self.move(sku, quantity, "receipt")], self.uow, self.now)
        )

    @rule(
        receipts=st.lists(st.tuples(st.sampled_from(SKUS), quantities), min_size=1, max_size=4),
        data=st.data(),
    )
    def ledger_batch(self, receipts: list[tuple[str, int]], data: st.DataObject) -> None:
        """Receipts and a shipment in one consumer batch, one of them republished."""
        movements = [self.move(sku, quantity, "receipt") for sku, quantity in receipts]
        held = self.held_lines()
        if bool(held) and data.draw(st.booleans()):
            order_id, line = data.draw(st.sampled_from(held))
            movements.append(self.move(line.sku, -int(line.outstanding), "issue", order_id))
        movements.append(movements[0])  # the same ledger entry twice: counted once
        self.run(handlers.apply_movements(movements, self.uow, self.now))

    @rule(sku=st.sampled_from(SKUS), quantity=quantities)
    def count_finds_less(self, sku: str, quantity: int) -> None:
        movement = self.move(sku, -quantity, "count_adjustment")
        before = len(self.uow.committed(StockOvercommitted))
        self.run(handlers.apply_movements([movement], self.uow, self.now))
        if self.point(sku).shortfall > 0:  # removed under reservations: never silent
            assert len(self.uow.committed(StockOvercommitted)) == before + 1

    @rule(
        lines=st.lists(st.tuples(st.sampled_from(SKUS), quantities), min_size=1, max_size=2),
        partial=st.booleans(),
        priority=st.integers(0, 3),
        ttl=st.none() | st.integers(1, 100),
        batch=st.integers(1, 3),
    )
    def place(
        self,
        lines: list[tuple[str, int]],
        partial: bool,
        priority: int,
        ttl: int | None,
        batch: int,
    ) -> None:
        orders = []
        for _ in range(batch):
            order_id = f"O{len(self.orders)}"
            self.orders.append(order_id)
            order_lines = [(sku, LOC, str(q)) for sku, q in lines]
            orders.append(
                Make.order(
                    order_id, *order_lines, allow_partial=partial, priority=priority, ttl=ttl
                )
            )
        self.run(handlers.place_orders(orders, self.uow, self.now))
        for sku in SKUS:  # a new promise is only ever made out of stock on hand
            point = self.point(sku)
            if point.reserved > self.reserved_before[sku]:
                assert point.reserved <= point.on_hand

    @rule(data=st.data(), whole=st.booleans(), quantity=quantities)
    def cancel(self, data: st.DataObject, whole: bool, quantity: int) -> None:
        if not self.orders:
            return
        order_id = data.draw(st.sampled_from(self.orders))
        lines = () if whole else ((data.draw(st.sampled_from(SKUS)), LOC, str(quantity)),)
        self.run(handlers.cancel_order(Make.cancel(order_id, *lines), self.uow, self.now))

    @rule(seconds=st.integers(1, 60))
    def time_passes(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)
        self.run(handlers.expire_due(self.uow, self.now))

    def held_lines(self) -> list[tuple[str, ReservationLine]]:
        return [
            (order_id, line)
            for order_id, r in self.uow.reservations.reservations.items()
            if r.status == "reserved"
            for line in r.lines
            if line.outstanding > 0
        ]

    @rule(data=st.data())
    def ship(self, data: st.DataObject) -> None:
        held = self.held_lines()
        if not held:
            return
        order_id, line = data.draw(st.sampled_from(held))
        movement = self.move(line.sku, -int(line.outstanding), "issue", order_id)
        self.run(handlers.apply_movements([movement], self.uow, self.now))

    @invariant()
    def every_unit_is_accounted_for(self) -> None:
        reservations = self.uow.reservations.reservations.values()
        for sku in SKUS:
            point = self.point(sku)
            assert point.on_hand == self.on_hand[sku]
            lines = [line for r in reservations for line in r.lines if line.sku == sku]
            held = sum((line.outstanding for line in lines), Decimal(0))
            assert point.reserved == held, "reserved equals what open lines hold"
            for line in lines:
                assert line.outstanding >= 0 and line.backordered >= 0
                assert line.reserved + line.backordered <= line.requested
            waiting = [
                line
                for r in reservations
                if r.status == "reserved"
                for line in r.lines
                if line.sku == sku and line.backordered > 0
            ]
            if waiting:  # nobody waits while stock sits free
                assert point.free == 0
        for r in reservations:
            if r.status != "reserved":
                assert r.outstanding == 0 and r.backordered == 0

    @invariant()
    def every_order_has_exactly_one_outcome(self) -> None:
        outcomes = Counter(
            e.order_id
            for e in self.uow.committed(StockReserved) + self.uow.committed(ReservationRejected)
        )
        assert all(outcomes[order_id] == 1 for order_id in self.orders)


ReservationBook.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestReservationBook = ReservationBook.TestCase
