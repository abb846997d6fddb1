"""Replenishment handlers: apply consumed events and API commands through the unit of work.

Event handlers run inside the consumer's transaction (the consumer loop commits); command
handlers open and commit their own. Every change of a stock point's position is followed by the
threshold check, under the position's row lock. Availability events are applied in runs: the
positions are locked and loaded together, each event is applied in memory, and the changed
positions are saved together (`lock_positions`, `take_availability`, `save_positions`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from inventory_contracts.events.approvals import ApprovalGranted, ApprovalRejected
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.master_data import (
    ItemUpserted,
    LocationUpserted,
    SupplierUpserted,
)
from inventory_contracts.events.orders import OrderPlaced

from replenishment import domain
from replenishment.domain import Item, Policy, Position, Requisition, Supplier
from replenishment.domain.demand import demand_of_orders
from replenishment.repository import ReplenishmentUnitOfWork, StockPoint

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- master data and demand -------------------------------------------------------------------


async def record_item(event: ItemUpserted, uow: ReplenishmentUnitOfWork) -> None:
    item = Item(
        sku=event.sku,
        name=event.name,
        name_zh=event.name_zh,
        category=event.category,
        unit_of_measure=event.unit_of_measure,
        unit_cost=event.unit_cost,
        currency=event.currency,
        active=event.active,
    )
    await uow.master_data.upsert_item(item)


async def record_location(event: LocationUpserted, uow: ReplenishmentUnitOfWork) -> None:
    await uow.master_data.upsert_location(event.location, event.name, event.active)


async def record_supplier(event: SupplierUpserted, uow: ReplenishmentUnitOfWork) -> None:
    supplier = Supplier(event.supplier_id, event.name, event.lead_time_days, event.currency)
    await uow.master_data.upsert_supplier(supplier)


async def record_demand(
    event: OrderPlaced, placed_at: datetime, uow: ReplenishmentUnitOfWork
) -> None:
    """Demand history per stock point and day; the same order_id twice counts once."""
    await record_demands([(event, placed_at)], uow)


async def record_demands(
    orders: Sequence[tuple[OrderPlaced, datetime]], uow: ReplenishmentUnitOfWork
) -> None:
    """Demand history of orders placed at the given times, in one statement; an order_id met
    before (earlier in `orders` or in an earlier transaction) counts once."""
    await uow.demand.record_many(demand_of_orders(orders))


# --- positions and the threshold ---------------------------------------------------------------


@dataclass
class LockedPositions:
    """The positions of a run of availability events, row-locked, with what the threshold
    check needs; events change them in memory and `save_positions` stores them."""

    positions: dict[StockPoint, Position]
    policies: dict[StockPoint, Policy]
    with_open_requisition: set[StockPoint]

    def breached_policy(self, position: Position) -> Policy | None:
        """The policy whose reorder point `position` is at or below, unless a requisition is
        open for the stock point."""
        point = (position.sku, position.location)
        policy = self.policies.get(point)
        if policy is None or point in self.with_open_requisition:
            return None
        return policy if domain.is_below_threshold(position, policy.reorder_point) else None


async def lock_positions(
    events: Iterable[AvailabilityChanged], uow: ReplenishmentUnitOfWork
) -> LockedPositions:
    """Lock the positions `events` name, load their policies and whether a requisition is open.

    Requisitions are raised only under the position's lock, so none opens meanwhile (one
    rejected meanwhile counts as open until the next run).
    """
    points = sorted({(event.sku, event.location) for event in events})
    positions = await uow.positions.lock_many(points)
    policies = await uow.policies.get_many(points)
    with_open = await uow.requisitions.stock_points_with_open(list(policies))
    return LockedPositions(positions, policies, with_open)


async def save_positions(locked: LockedPositions, uow: ReplenishmentUnitOfWork) -> None:
    await uow.positions.save_many(list(locked.positions.values()))


async def apply_availability(
    event: AvailabilityChanged, uow: ReplenishmentUnitOfWork, now: Clock = utc_now
) -> None:
    """Apply one availability event: a run of one."""
    locked = await lock_positions([event], uow)
    await take_availability(event, locked, uow, now)
    await save_positions(locked, uow)


async def take_availability(
    event: AvailabilityChanged,
    locked: LockedPositions,
    uow: ReplenishmentUnitOfWork,
    now: Clock = utc_now,
) -> None:
    """Take reservation's on-hand/reserved snapshot into the locked position, then check the
    threshold; a receipt against a PO lowers on-order in the same step, so the position does
    not dip between the two."""
    position = locked.positions[(event.sku, event.location)]
    movement = event.movement
    if (
        movement is not None
        and movement.purchase_order_id is not None
        and movement.movement_type == "receipt"
        and movement.quantity_delta > 0
    ):
        await _receive_against_po(
            position,
            movement.purchase_order_id,
            movement.movement_id,
            movement.quantity_delta,
            event.as_of,
            uow,
        )
    if not position.apply_snapshot(event.on_hand, event.reserved, event.as_of):
        log.info("stale availability of %s@%s ignored", event.sku, event.location)
    policy = locked.breached_policy(position)
    if policy is not None:
        raised = await _raise_requisition(position, policy, uow, now())
        if raised is not None:
            locked.with_open_requisition.add((position.sku, position.location))


async def _receive_against_po(
    position: Position,
    purchase_order_id: str,
    movement_id: str,
    quantity: Decimal,
    received_at: datetime,
    uow: ReplenishmentUnitOfWork,
) -> None:
    order = await uow.purchase_orders.get(purchase_order_id, for_update=True)
    if order is None or (order.sku, order.location) != (position.sku, position.location):
        log.warning(
            "receipt %s names PO %s, which is not ours for %s@%s",
            movement_id,
            purchase_order_id,
            position.sku,
            position.location,
        )
        return
    if not await uow.purchase_orders.record_receipt(
        purchase_order_id, movement_id, quantity, received_at
    ):
        return  # this movement was already booked against the PO
    position.remove_on_order(order.receive(quantity, received_at))
    await uow.purchase_orders.save(order)


async def check_threshold(
    position: Position, uow: ReplenishmentUnitOfWork, now: datetime
) -> Requisition | None:
    """Raise a requisition if the position is at/below the reorder point and none is open.

    The caller holds the position's row lock; the unique index on open requisitions is the
    backstop, and when it refuses the insert nothing is published.
    """
    policy = await uow.policies.get(position.sku, position.location)
    if policy is None or not domain.is_below_threshold(position, policy.reorder_point):
        return None
    if await uow.requisitions.open_for(position.sku, position.location) is not None:
        return None
    return await _raise_requisition(position, policy, uow, now)


async def _raise_requisition(
    position: Position, policy: Policy, uow: ReplenishmentUnitOfWork, now: datetime
) -> Requisition | None:
    try:
        terms = await effective_terms(policy, uow)
    except domain.PolicyError as exc:
        log.error("cannot raise a requisition for %s@%s: %s", policy.sku, policy.location, exc)
        return None
    raised = domain.raise_requisition(position, policy, terms, now)
    if not await uow.requisitions.add_if_none_open(raised.requisition):
        return None
    for event in raised.events:
        uow.publish(event)
    log.info(
        "requisition %s raised for %s@%s",
        raised.requisition.requisition_id,
        position.sku,
        position.location,
    )
    return raised.requisition


async def effective_terms(policy: Policy, uow: ReplenishmentUnitOfWork) -> domain.Terms:
    item = await uow.master_data.item(policy.sku)
    supplier = await uow.master_data.supplier(policy.supplier_id)
    return domain.resolve_terms(policy, item, supplier)


# --- approval decisions --------------------------------------------------------------------------


async def _pending_requisition(
    request_id: str, subject_type: str, subject_id: str, uow: ReplenishmentUnitOfWork
) -> Requisition | None:
    if subject_type != domain.SUBJECT_TYPE:
        return None
    requisition = await uow.requisitions.get(subject_id)
    if requisition is None or requisition.status != "pending_approval":
        log.info("decision on %s ignored: not a pending requisition", subject_id)
        return None
    if requisition.approval_request_id != request_id:
        log.warning("decision %s does not match requisition %s", request_id, subject_id)
        return None
    return requisition


async def apply_approval_granted(
    event: ApprovalGranted, uow: ReplenishmentUnitOfWork, now: Clock = utc_now
) -> None:
    """Release a purchase order for the approved requisition; on order rises."""
    found = await _pending_requisition(event.request_id, event.subject_type, event.subject_id, uow)
    if found is None:
        return
    position = await uow.positions.lock(found.sku, found.location)
    requisition = await uow.requisitions.get(found.requisition_id, for_update=True)
    if requisition is None or requisition.status != "pending_approval":
        return  # decided meanwhile
    at = now()
    order, released = domain.release_purchase_order(requisition, event.decided_by, at)
    await uow.purchase_orders.add(order)
    await uow.requisitions.save(requisition)
    position.add_on_order(order.quantity)
    await uow.positions.save(position)
    uow.publish(released)
    log.info("purchase order %s released for %s", order.purchase_order_id, found.requisition_id)
    await check_threshold(position, uow, at)


async def apply_approval_rejected(
    event: ApprovalRejected, uow: ReplenishmentUnitOfWork, now: Clock = utc_now
) -> None:
    """Close the requisition; a later breach may raise a new one."""
    found = await _pending_requisition(event.request_id, event.subject_type, event.subject_id, uow)
    if found is None:
        return
    requisition = await uow.requisitions.get(found.requisition_id, for_update=True)
    if requisition is None or requisition.status != "pending_approval":
        return
    requisition.reject(event.decided_by, event.decided_at, event.reason)
    await uow.requisitions.save(requisition)


# --- commands from the API ---------------------------------------------------------------------


@dataclass(frozen=True)
class PolicySet:
    """The outcome of setting a policy: the policy, its effective terms and the position."""

    policy: Policy
    terms: domain.Terms
    position: Position
    requisition_raised: Requisition | None
    open_requisition_id: str | None


async def set_policy(
    policy: Policy, uow: ReplenishmentUnitOfWork, now: Clock = utc_now
) -> PolicySet:
    """Validate and store a policy, then check the threshold with it (PolicyError if invalid)."""
    async with uow:
        terms = await effective_terms(policy, uow)
        position = await uow.positions.lock(policy.sku, policy.location)
        await uow.policies.save(policy)
        raised = await check_threshold(position, uow, now())
        open_requisition = raised or await uow.requisitions.open_for(policy.sku, policy.location)
        await uow.commit()
    open_id = open_requisition.requisition_id if open_requisition else None
    return PolicySet(policy, terms, position, raised, open_id)
