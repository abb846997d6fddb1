"""Setting a policy over the API: validated against the master data, stored, and the threshold
checked with it at once."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from inventory_runtime.auth.principal import Principal
from inventory_runtime.clock import Clock, utc_now

from replenishment import domain
from replenishment.domain import Policy, Position, ReorderWatch, Requisition
from replenishment.handlers.threshold import effective_terms, reorder_if_due
from replenishment.ports import ReplenishmentUoW


@dataclass(frozen=True)
class PolicySet:
    """The outcome of setting a policy: the policy, its effective terms and the position."""

    policy: Policy
    terms: domain.Terms
    position: Position
    requisition_raised: Requisition | None
    open_requisition_id: str | None


async def set_policy(
    policy: Policy, actor: Principal, uow: ReplenishmentUoW, now: Clock = utc_now
) -> PolicySet:
    """`actor` sets a policy: validated and stored (PolicyError if invalid), audited with the
    policy it replaced, then the threshold checked with it."""
    async with uow:
        terms = await effective_terms(policy, uow)
        position = await uow.positions.lock(policy.sku, policy.location)
        replaced = await uow.policies.get(policy.sku, policy.location)
        await uow.policies.save(policy)
        _audit_change(actor, replaced, policy, uow)
        already_open = await uow.requisitions.open_for(policy.sku, policy.location)
        watch = ReorderWatch(position, policy, requisition_open=already_open is not None)
        raised = await reorder_if_due(watch, uow, now())
        await uow.commit()
    open_requisition = raised or already_open
    open_id = open_requisition.requisition_id if open_requisition else None
    return PolicySet(policy, terms, position, raised, open_id)


def _audit_change(
    actor: Principal, replaced: Policy | None, policy: Policy, uow: ReplenishmentUoW
) -> None:
    """Record the change under the stock point's id (``sku@location``); setting the policy it
    already has records nothing."""
    if replaced == policy:
        return
    before = None if replaced is None else asdict(replaced)
    action = "create" if replaced is None else "update"
    policy_id = f"{policy.sku}@{policy.location}"
    uow.audit(actor, action, "policy", policy_id, before=before, after=asdict(policy))
