"""Decisions on requisitions from the approval service: a grant releases a purchase order (a
production work order for a make item's proposal), a rejection closes the requisition and a
withdrawal cancels it (a later breach may raise a new one)."""

from __future__ import annotations

import logging

from inventory_contracts.events.approvals import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalWithdrawn,
)
from inventory_runtime.clock import Clock, utc_now
from inventory_runtime.inbound import InboundEvent

from replenishment import domain
from replenishment.domain import Requisition
from replenishment.handlers.threshold import check_threshold
from replenishment.ports import ReplenishmentUoW

log = logging.getLogger(__name__)


async def _pending_requisition(
    request_id: str, subject_type: str, subject_id: str, uow: ReplenishmentUoW
) -> Requisition | None:
    if subject_type not in (domain.SUBJECT_TYPE, domain.WORK_ORDER_SUBJECT_TYPE):
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
    message: InboundEvent[ApprovalGranted], uow: ReplenishmentUoW, now: Clock = utc_now
) -> None:
    """Release a purchase order for the approved requisition (a work order for a make proposal);
    on order rises, and the threshold is checked again."""
    event = message.data
    found = await _pending_requisition(event.request_id, event.subject_type, event.subject_id, uow)
    if found is None:
        return
    position = await uow.positions.lock(found.sku, found.location)
    requisition = await uow.requisitions.get(found.requisition_id, for_update=True)
    if requisition is None or requisition.status != "pending_approval":
        return  # decided meanwhile
    at = now()
    order = domain.release(requisition, event.decided_by, at)
    await uow.purchase_orders.add(order)
    await uow.requisitions.save(requisition)
    position.add_on_order(order.quantity)
    await uow.positions.save(position)
    log.info("order %s released for %s", order.purchase_order_id, found.requisition_id)
    await check_threshold(position, uow, at)


async def apply_approval_rejected(
    message: InboundEvent[ApprovalRejected], uow: ReplenishmentUoW
) -> None:
    """Close the requisition; a later breach may raise a new one."""
    event = message.data
    found = await _pending_requisition(event.request_id, event.subject_type, event.subject_id, uow)
    if found is None:
        return
    requisition = await uow.requisitions.get(found.requisition_id, for_update=True)
    if requisition is None or requisition.status != "pending_approval":
        return
    requisition.reject(event.decided_by, event.decided_at, event.reason)
    await uow.requisitions.save(requisition)


async def apply_approval_withdrawn(
    message: InboundEvent[ApprovalWithdrawn], uow: ReplenishmentUoW
) -> None:
    """Cancel the requisition whose request was withdrawn; a later breach may raise a new one."""
    event = message.data
    found = await _pending_requisition(event.request_id, event.subject_type, event.subject_id, uow)
    if found is None:
        return
    requisition = await uow.requisitions.get(found.requisition_id, for_update=True)
    if requisition is None or requisition.status != "pending_approval":
        return
    requisition.cancel(event.withdrawn_by, event.withdrawn_at, event.reason)
    await uow.requisitions.save(requisition)
