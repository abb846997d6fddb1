"""Unit tests of the gateway's handlers with an in-memory unit of work."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pytest
from integration_gateway import consumer, handlers
from integration_gateway.adapters.accepted import AcceptedMessages
from integration_gateway.domain import (
    IdempotencyKeyReused,
    StoredResponse,
    WebhookSubscription,
    WriteBack,
)
from inventory_contracts.envelope import decode, new_event
from inventory_contracts.events.base import Event
from inventory_contracts.events.orders import OrderLine, OrderPlaced
from inventory_contracts.events.purchase_orders import PurchaseOrderReleased
from inventory_contracts.events.reservations import StockReserved
from inventory_contracts.examples import EXAMPLES
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.inbound import InboundEvent


class FakeIdempotency:
    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], StoredResponse] = {}

    async def save_first(
        self, client_id: str, key: str, *, method: str, path: str, response: StoredResponse
    ) -> StoredResponse | None:
        earlier = self.saved.get((client_id, key))
        if earlier is None:
            self.saved[(client_id, key)] = response
        return earlier


@dataclass(frozen=True)
class FakeSubscription:
    id: str
    event_types: tuple[str, ...]
    locations: tuple[str, ...] | None = None


class FakeSubscriptions:
    def __init__(self, *subscriptions: FakeSubscription) -> None:
        self.all = list(subscriptions)
        self.added: list[WebhookSubscription] = []

    async def matching(self, event_types: Sequence[str]) -> list[FakeSubscription]:
        return [s for s in self.all if set(event_types) & set(s.event_types)]

    async def subscribed_types(self) -> set[str]:
        return {event_type for s in self.all for event_type in s.event_types}

    async def add(self, subscription: WebhookSubscription) -> WebhookSubscription:
        self.added.append(subscription)
        return subscription

    async def get(self, subscription_id: str) -> WebhookSubscription | None:
        return next((s for s in self.added if s.id == subscription_id), None)

    async def deactivate(self, subscription_id: str) -> bool:
        found = [s for s in self.added if s.id == subscription_id and s.active]
        self.added = [replace(s, active=False) if s in found else s for s in self.added]
        return bool(found)


class FakeDeliveries:
    def __init__(self) -> None:
        self.queued: dict[tuple[str, str], bytes] = {}

    async def enqueue(self, write_backs: Sequence[WriteBack]) -> None:
        for w in write_backs:
            self.queued.setdefault((w.subscription_id, w.event_id), w.payload)


class FakeMasterRecords:
    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], tuple[str, str]] = {}

    async def hashes(self, kind: str, keys: Sequence[str]) -> dict[str, str]:
        return {k: self.saved[(kind, k)][0] for k in keys if (kind, k) in self.saved}

    async def save(self, kind: str, records: Mapping[str, tuple[str, str]]) -> None:
        self.saved.update({(kind, key): record for key, record in records.items()})

    async def conversions(self) -> dict[tuple[str, str], Decimal]:
        return {}

    async def records(self, kind: str, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {}


class FakeGatewayUoW(FakeUnitOfWork):
    def __init__(self, *subscriptions: FakeSubscription) -> None:
        super().__init__(source="/services/integration-gateway")
        self.accepted = AcceptedMessages(self.publish)
        self.idempotency = FakeIdempotency()
        self.subscriptions = FakeSubscriptions(*subscriptions)
        self.deliveries = FakeDeliveries()
        self.master_records = FakeMasterRecords()


ORDER = OrderPlaced(
    order_id="SO-1", lines=(OrderLine(sku="SKU-1", location="WH1", quantity=Decimal("2")),)
)


def _request(key: str | None, body: dict[str, Any] | None = None) -> handlers.InboundRequest:
    return handlers.InboundRequest(
        client_id="cli_1",
        method="POST",
        path="/v1/orders",
        body=body or ORDER.model_dump(mode="json"),
        event=ORDER,
        subject="SO-1",
        idempotency_key=key,
    )


async def test_accept_publishes_the_event_and_answers_with_its_id() -> None:
    uow = FakeGatewayUoW()
    answer = await handlers.accept(_request(None), uow)
    assert answer.status_code == 202 and not answer.replayed
    [published] = uow.published
    assert published.event == ORDER and published.topic == "inventory.orders"
    assert answer.body == {
        "event_id": published.cloud_event.id,
        "type": "inventory.order.placed.v1",
        "topic": "inventory.orders",
    }


async def test_same_idempotency_key_and_body_replays_without_publishing_again() -> None:
    uow = FakeGatewayUoW()
    first = await handlers.accept(_request("k-1"), uow)
    again = await handlers.accept(_request("k-1"), uow)
    assert again.replayed and again.body == first.body and again.status_code == 202
    assert len(uow.published) == 1


async def test_same_idempotency_key_with_another_body_is_refused_and_publishes_nothing() -> None:
    uow = FakeGatewayUoW()
    await handlers.accept(_request("k-1"), uow)
    other = {**ORDER.model_dump(mode="json"), "priority": 9}
    with pytest.raises(IdempotencyKeyReused):
        await handlers.accept(_request("k-1", other), uow)
    assert len(uow.published) == 1


async def test_without_a_key_every_request_is_a_new_event() -> None:
    uow = FakeGatewayUoW()
    await handlers.accept(_request(None), uow)
    await handlers.accept(_request(None), uow)
    assert len({p.cloud_event.id for p in uow.published}) == 2


def _inbound(event: Event) -> InboundEvent:
    cloud_event = new_event(event, source="/services/replenishment")
    return InboundEvent(cloud_event, event, event.topic, 0, 0, event.key(), record=None)


async def test_write_back_is_queued_once_per_matching_subscription() -> None:
    released = next(e for e in EXAMPLES if isinstance(e, PurchaseOrderReleased))
    erp = FakeSubscription("sub_erp", ("inventory.purchase-order.released.v1",))
    other = FakeSubscription("sub_crm", ("inventory.stock.reserved.v1",))
    uow = FakeGatewayUoW(erp, other)
    event = _inbound(released)
    await handlers.queue_write_backs([event], uow)
    await handlers.queue_write_backs([event], uow)  # a redelivery queues nothing new
    assert list(uow.deliveries.queued) == [("sub_erp", event.id)]
    delivered = decode(uow.deliveries.queued[("sub_erp", event.id)])
    assert (
        delivered.id == event.id
        and delivered.data["purchase_order_id"] == released.purchase_order_id
    )


async def test_event_nobody_subscribed_to_queues_nothing() -> None:
    released = next(e for e in EXAMPLES if isinstance(e, PurchaseOrderReleased))
    uow = FakeGatewayUoW(FakeSubscription("sub_crm", ("inventory.stock.reserved.v1",)))
    await handlers.queue_write_backs([_inbound(released)], uow)
    assert uow.deliveries.queued == {}


async def test_the_event_goes_out_under_the_subject_the_request_gave() -> None:
    uow = FakeGatewayUoW()
    request = replace(_request(None), subject="GR-1")  # e.g. a receipt keyed by its PO
    await handlers.accept(request, uow)
    [published] = uow.published
    assert published.cloud_event.subject == "GR-1" and published.key == "SO-1"


async def test_a_subscription_is_added_active_and_removed_once_and_audited() -> None:
    uow = FakeGatewayUoW()
    created = await handlers.subscribe(
        "http://erp/po", "s" * 16, ["inventory.purchase-order.released.v1"], uow, "erp-sap"
    )
    assert created.active and created.origin == "api" and created.id.startswith("sub_")
    assert await handlers.unsubscribe(created.id, uow, "erp-sap")
    assert not await handlers.unsubscribe(created.id, uow, "erp-sap")
    assert uow.commits == 3
    made, removed = uow.audited
    assert (made["action"], made["before"], made["after"]["secret"]) == ("create", None, "***")
    assert (removed["action"], removed["entity_id"], removed["after"]) == (
        "delete",
        created.id,
        None,
    )
    assert removed["before"]["url"] == "http://erp/po" and "s" * 16 not in str(uow.audited)


async def test_the_consumer_queues_a_mixed_batch_in_its_order() -> None:
    released = next(e for e in EXAMPLES if isinstance(e, PurchaseOrderReleased))
    reserved = next(e for e in EXAMPLES if isinstance(e, StockReserved))
    erp = FakeSubscription("sub_erp", (released.event_type, reserved.event_type))
    uow = FakeGatewayUoW(erp)
    batch = [_inbound(reserved), _inbound(released), _inbound(reserved)]
    await consumer.registry.dispatch(batch, uow)
    assert list(uow.deliveries.queued) == [("sub_erp", event.id) for event in batch]
