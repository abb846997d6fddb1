"""The threshold check, the same for every path that changes a position: the runs of
availability changes, a released purchase order and a policy set over the API.

The caller holds the position's row lock, so no requisition opens meanwhile; the unique index
on open requisitions is the backstop, and when it refuses the insert nothing is published.
"""

from __future__ import annotations

import logging
from datetime import datetime

from replenishment import domain
from replenishment.domain import Policy, Position, ReorderWatch, Requisition
from replenishment.ports import ReplenishmentUoW

log = logging.getLogger(__name__)


async def effective_terms(policy: Policy, uow: ReplenishmentUoW) -> domain.Terms:
    """The policy's terms with the master data's defaults (PolicyError if one is missing)."""
    item = await uow.master_data.item(policy.sku)
    supplier = await uow.master_data.supplier(policy.supplier_id)
    return domain.resolve_terms(policy, item, supplier)


async def reorder_if_due(
    watch: ReorderWatch, uow: ReplenishmentUoW, now: datetime
) -> Requisition | None:
    """Raise and store the requisition the watch says is due; None if none is (or the policy's
    terms cannot be resolved, or the index refuses it)."""
    policy = watch.due()
    if policy is None:
        return None
    try:
        terms = await effective_terms(policy, uow)
    except domain.PolicyError as exc:
        log.error("cannot raise a requisition for %s@%s: %s", policy.sku, policy.location, exc)
        return None
    requisition = watch.raise_requisition(terms, now)
    if not await uow.requisitions.add_if_none_open(requisition):
        return None
    log.info(
        "requisition %s raised for %s@%s",
        requisition.requisition_id,
        requisition.sku,
        requisition.location,
    )
    return requisition


async def check_threshold(
    position: Position, uow: ReplenishmentUoW, now: datetime
) -> Requisition | None:
    """Raise a requisition if the locked position is at/below its reorder point and none is
    open (a single stock point; the runs of availability changes watch theirs together)."""
    policy = await uow.policies.get(position.sku, position.location)
    open_requisition = await uow.requisitions.open_for(position.sku, position.location)
    watch = ReorderWatch(position, policy, requisition_open=open_requisition is not None)
    return await reorder_if_due(watch, uow, now)
