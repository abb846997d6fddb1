"""The gateway's SQL unit of work: the runtime's, with the gateway's repositories on it."""

from __future__ import annotations

from typing import Self

from inventory_runtime.uow import UnitOfWork

from integration_gateway.adapters.accepted import AcceptedMessages
from integration_gateway.adapters.clients import ClientRepository, IdempotencyRepository
from integration_gateway.adapters.write_back import DeliveryRepository, SubscriptionRepository


class GatewayUnitOfWork(UnitOfWork):
    """One transaction over the gateway's tables and the outbox (implements `GatewayUoW`)."""

    accepted: AcceptedMessages
    clients: ClientRepository
    idempotency: IdempotencyRepository
    subscriptions: SubscriptionRepository
    deliveries: DeliveryRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.accepted = AcceptedMessages(self.publish)
        self.clients = ClientRepository(self.session)
        self.idempotency = IdempotencyRepository(self.session)
        self.subscriptions = SubscriptionRepository(self.session)
        self.deliveries = DeliveryRepository(self.session)
        return self
