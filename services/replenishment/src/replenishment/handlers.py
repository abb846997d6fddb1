"""Replenishment handlers: apply consumed events and API commands through the unit of work.

Event handlers run inside the consumer's transaction (the consumer loop commits); command
handlers open and commit their own. Every change of a stock point's position is followed by the
threshold check, under the position's row lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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
from replenishment.repository import ReplenishmentUnitOfWork

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
    placed_at = placed_at.astimezone(UTC)  # demand days are UTC days
    for (sku, location), quantity in domain.demand_by_stock_point(event.lines).items():
        await uow.demand.record(event.order_id, sku, location, quantity, placed_at)


# --- positions and the threshold ---------------------------------------------------------------


async def apply_availability(
    event: AvailabilityChanged, uow: ReplenishmentUnitOfWork, now: Clock = utc_now
) -> None:
    """Take reservation's on-hand/reserved snapshot; a receipt against a PO lowers on-order in
    the same step, so the position does not dip between the two."""
    position = await uow.positions.lock(event.sku, event.location)
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
    await uow.positions.save(position)
    await check_threshold(position, uow, now())


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
