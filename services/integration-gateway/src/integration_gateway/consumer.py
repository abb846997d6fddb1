"""What the gateway consumes: the events it writes back to the ERP (consumer group
``integration-gateway``)."""

from __future__ import annotations

from inventory_runtime.handlers import HandlerRegistry
from inventory_runtime.subscription import Subscription

from integration_gateway import handlers
from integration_gateway.domain import WRITE_BACK_EVENTS
from integration_gateway.ports import GatewayUoW

GROUP_ID = "integration-gateway"

registry = HandlerRegistry[GatewayUoW]()
for event_class in WRITE_BACK_EVENTS:
    registry.on_batch(event_class, handlers.queue_write_backs)


def subscription() -> Subscription[GatewayUoW]:
    """Queue each run of write-back events for its subscribers, in one look-up and one insert.

    Events of a type no active subscription wants are passed over unread (at 1,000 orders a
    second, a thousand `StockReserved` a second that nobody may have asked for).
    """
    return registry.subscription(
        GROUP_ID,
        # A delivery is queued once per (subscriber, event id): a redelivery adds nothing.
        idempotent=WRITE_BACK_EVENTS,
        wanted_types=handlers.subscribed_types,
    )
