"""What approval consumes, one message at a time: `ApprovalRequested` on `inventory.approvals`
and `PersonChanged` on `inventory.people` (who manages whom, for escalation).

Its own `ApprovalGranted` / `ApprovalRejected` on the same topic have no handler here, so the
consumer loop passes over them.
"""

from __future__ import annotations

from inventory_contracts.events.approvals import ApprovalRequested
from inventory_contracts.events.identity import PersonChanged
from inventory_runtime.handlers import HandlerRegistry
from inventory_runtime.subscription import Subscription

from approval import handlers
from approval.ports import ApprovalUoW

GROUP_ID = "approval"


def subscription() -> Subscription[ApprovalUoW]:
    """The approval consumer group."""
    registry = HandlerRegistry[ApprovalUoW]()
    registry.on(ApprovalRequested, handlers.start_approval)
    registry.on(PersonChanged, handlers.apply_person)
    return registry.subscription(GROUP_ID)
