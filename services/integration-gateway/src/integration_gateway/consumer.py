"""What the gateway consumes: the events it writes back to the ERP (consumer group
``integration-gateway``), and the ledger's movements, written back as vouchers."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from inventory_contracts.events.stock import StockMoved
from inventory_runtime.handlers import HandlerRegistry
from inventory_runtime.subscription import Subscription

from integration_gateway import handlers
from integration_gateway.domain import WRITE_BACK_EVENTS
from integration_gateway.domain.vouchers import Posting
from integration_gateway.handlers.vouchers import queue_vouchers
from integration_gateway.ports import GatewayUoW

GROUP_ID = "integration-gateway"


def build_registry(postings: Mapping[str, Posting] | None = None) -> HandlerRegistry[GatewayUoW]:
    """Each write-back event type to `queue_write_backs`; `StockMoved` to `queue_vouchers`
    with the configured account roles."""
    built = HandlerRegistry[GatewayUoW]()
    for event_class in WRITE_BACK_EVENTS:
        built.on_batch(event_class, handlers.queue_write_backs)
    built.on_batch(StockMoved, partial(queue_vouchers, postings=postings))
    return built


registry = build_registry()


def subscription(postings: Mapping[str, Posting] | None = None) -> Subscription[GatewayUoW]:
    """Queue each run of write-back events for its subscribers, in one look-up and one insert.

    Events of a type no active subscription wants are passed over unread (at 1,000 orders a
    second, a thousand `StockReserved` a second that nobody may have asked for).
    """
    return build_registry(postings).subscription(
        GROUP_ID,
        # A delivery is queued once per (subscriber, event id): a redelivery adds nothing.
        idempotent=(*WRITE_BACK_EVENTS, StockMoved),
        wanted_types=handlers.subscribed_types,
    )
