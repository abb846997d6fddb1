"""SQL for the gateway's tables, and the unit of work that carries the repositories."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from inventory_runtime.db import text_array
from inventory_runtime.uow import UnitOfWork
from sqlalchemy import LargeBinary, cast, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from integration_gateway.db import (
    PENDING_DELIVERY,
    api_clients,
    deliveries,
    idempotency_keys,
    subscriptions,
)
from integration_gateway.domain import ApiClient, StoredResponse, WriteBack


@dataclass(frozen=True)
class WebhookSubscription:
    """An outbound subscription: where to POST which event types, and the signing secret."""

    id: str
    url: str
    secret: str
    event_types: tuple[str, ...]
    active: bool
    origin: str
    created_at: datetime | None = None


def new_id(prefix: str) -> str:
    """A readable unique id such as ``sub_3f2a...``."""
    return f"{prefix}_{uuid.uuid4().hex}"


class ClientRepository:
    """API clients, found by the hash of their key."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_key_hash(self, key_hash: str) -> ApiClient | None:
        row = (
            await self._session.execute(
                select(api_clients).where(api_clients.c.key_hash == key_hash)
            )
        ).one_or_none()
        return None if row is None else ApiClient(row.id, row.name, tuple(row.scopes), row.active)

    async def ensure(self, name: str, key_hash: str, scopes: Sequence[str]) -> str:
        """Create client `name` with this key, or give the existing one this key; return its id."""
        statement = (
            insert(api_clients)
            .values(id=new_id("cli"), name=name, key_hash=key_hash, scopes=list(scopes))
            .on_conflict_do_update(
                index_elements=[api_clients.c.name],
                set_={"key_hash": key_hash, "scopes": list(scopes), "active": True},
            )
            .returning(api_clients.c.id)
        )
        client_id: str = (await self._session.execute(statement)).scalar_one()
        return client_id

    async def deactivate(self, name: str) -> None:
        """Revoke client `name` (its key stops working at once)."""
        await self._session.execute(
            update(api_clients).where(api_clients.c.name == name).values(active=False)
        )


class IdempotencyRepository:
    """First responses to requests made with an ``Idempotency-Key``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save_first(
        self,
        client_id: str,
        key: str,
        *,
        method: str,
        path: str,
        response: StoredResponse,
    ) -> StoredResponse | None:
        """Store `response` unless `key` was used before; then return what was stored.

        A concurrent request with the same key waits on the primary key until the first one
        commits (or rolls back), so exactly one of them wins.
        """
        inserted = await self._session.scalar(
            insert(idempotency_keys)
            .values(
                client_id=client_id,
                key=key,
                request_hash=response.request_hash,
                method=method,
                path=path,
                status_code=response.status_code,
                response_body=response.body,
            )
            .on_conflict_do_nothing()
            .returning(idempotency_keys.c.key)
        )
        if inserted is not None:
            return None
        row = (
            await self._session.execute(
                select(idempotency_keys).where(
                    idempotency_keys.c.client_id == client_id, idempotency_keys.c.key == key
                )
            )
        ).one()
        return StoredResponse(row.request_hash, row.status_code, dict(row.response_body))


class SubscriptionRepository:
    """Outbound webhook subscriptions (soft-deleted: `active` false)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, subscription: WebhookSubscription) -> WebhookSubscription:
        row = (
            await self._session.execute(
                insert(subscriptions)
                .values(
                    id=subscription.id,
                    url=subscription.url,
                    secret=subscription.secret,
                    event_types=list(subscription.event_types),
                    active=subscription.active,
                    origin=subscription.origin,
                )
                .returning(subscriptions)
            )
        ).one()
        return _subscription(row)

    async def ensure_configured(self, url: str, secret: str, event_types: Sequence[str]) -> str:
        """Make the subscription from settings the only active one of origin ``settings``."""
        existing = (
            await self._session.execute(
                select(subscriptions).where(
                    subscriptions.c.origin == "settings", subscriptions.c.active
                )
            )
        ).all()
        for row in existing:
            same = (row.url, row.secret, list(row.event_types)) == (url, secret, list(event_types))
            if same:
                return str(row.id)
            await self.deactivate(row.id)
        subscription = WebhookSubscription(
            new_id("sub"), url, secret, tuple(event_types), True, "settings"
        )
        return (await self.add(subscription)).id

    async def find(self, *, include_inactive: bool = False) -> list[WebhookSubscription]:
        query = select(subscriptions).order_by(subscriptions.c.created_at, subscriptions.c.id)
        if not include_inactive:
            query = query.where(subscriptions.c.active)
        return [_subscription(row) for row in (await self._session.execute(query)).all()]

    async def get(self, subscription_id: str) -> WebhookSubscription | None:
        row = (
            await self._session.execute(
                select(subscriptions).where(subscriptions.c.id == subscription_id)
            )
        ).one_or_none()
        return None if row is None else _subscription(row)

    async def subscribed_types(self) -> set[str]:
        """The event types some active subscription wants."""
        query = select(func.unnest(subscriptions.c.event_types)).where(subscriptions.c.active)
        return set((await self._session.scalars(query.distinct())).all())

    async def matching(self, event_types: Sequence[str]) -> list[WebhookSubscription]:
        """Active subscriptions that want events of any of `event_types`, oldest first."""
        query = (
            select(subscriptions)
            .where(subscriptions.c.active)
            .where(subscriptions.c.event_types.overlap(text_array(event_types)))
            .order_by(subscriptions.c.created_at, subscriptions.c.id)
        )
        return [_subscription(row) for row in (await self._session.execute(query)).all()]

    async def deactivate(self, subscription_id: str) -> bool:
        """Deactivate it and cancel its pending deliveries; False if there is no such one."""
        found = await self._session.scalar(
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id, subscriptions.c.active)
            .values(active=False)
            .returning(subscriptions.c.id)
        )
        if found is None:
            return False
        await self._session.execute(
            update(deliveries)
            .where(deliveries.c.subscription_id == subscription_id, PENDING_DELIVERY)
            .values(status="cancelled", last_error="subscription deleted")
        )
        return True


class DeliveryRepository:
    """Deliveries of events to subscriptions, as the worker and the API see them."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, write_backs: Sequence[WriteBack]) -> None:
        """Queue the deliveries in one statement, skipping those already queued (redeliveries).

        The rows travel as one array per column, so the statement text is the same for any
        number of them and the prepared statement is reused.
        """
        columns = {
            "subscription_id": text_array([w.subscription_id for w in write_backs]),
            "event_id": text_array([w.event_id for w in write_backs]),
            "event_type": text_array([w.event_type for w in write_backs]),
            "payload": cast(
                literal([w.payload for w in write_backs], ARRAY(LargeBinary)), ARRAY(LargeBinary)
            ),
        }
        rows = func.unnest(*columns.values()).table_valued(*columns).render_derived("write_back")
        await self._session.execute(
            insert(deliveries).from_select(list(columns), select(rows)).on_conflict_do_nothing()
        )

    async def find(self, *, status: str | None, limit: int) -> list[dict[str, Any]]:
        query = select(
            deliveries.c.id,
            deliveries.c.subscription_id,
            deliveries.c.event_id,
            deliveries.c.event_type,
            deliveries.c.status,
            deliveries.c.attempts,
            deliveries.c.next_attempt_at,
            deliveries.c.last_error,
            deliveries.c.last_status_code,
            deliveries.c.created_at,
            deliveries.c.delivered_at,
        ).order_by(deliveries.c.id.desc())
        if status is not None:
            query = query.where(deliveries.c.status == status)
        rows = (await self._session.execute(query.limit(limit))).mappings().all()
        return [dict(row) for row in rows]

    async def pending_count(self) -> int:
        count = await self._session.scalar(
            select(func.count()).select_from(deliveries).where(PENDING_DELIVERY)
        )
        return int(count or 0)


def _subscription(row: Any) -> WebhookSubscription:
    return WebhookSubscription(
        id=row.id,
        url=row.url,
        secret=row.secret,
        event_types=tuple(row.event_types),
        active=row.active,
        origin=row.origin,
        created_at=row.created_at,
    )


class GatewayUnitOfWork(UnitOfWork):
    """The runtime's unit of work with the gateway's repositories on it."""

    clients: ClientRepository
    idempotency: IdempotencyRepository
    subscriptions: SubscriptionRepository
    deliveries: DeliveryRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.clients = ClientRepository(self.session)
        self.idempotency = IdempotencyRepository(self.session)
        self.subscriptions = SubscriptionRepository(self.session)
        self.deliveries = DeliveryRepository(self.session)
        return self
