"""What approval consumes: `ApprovalRequested` on `inventory.approvals`.

Its own `ApprovalGranted` / `ApprovalRejected` on the same topic are not listed, so the loop
ignores them.
"""

from __future__ import annotations

from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import MessageHandler, Subscription, per_message

from approval import handlers
from approval.handlers import Clock, utc_now
from approval.repository import ApprovalUnitOfWork

GROUP_ID = "approval"


def dispatcher(now: Clock = utc_now) -> MessageHandler[ApprovalUnitOfWork]:
    """The per-message handler of the approval consumer group."""

    async def handle(message: InboundEvent, uow: ApprovalUnitOfWork) -> None:
        if isinstance(message.data, ApprovalRequested):
            await handlers.start_approval(message.data, uow, now)

    return handle


def subscription(now: Clock = utc_now) -> Subscription[ApprovalUnitOfWork]:
    """The approval consumer group."""
    return Subscription(GROUP_ID, [ApprovalRequested], per_message(dispatcher(now)))
