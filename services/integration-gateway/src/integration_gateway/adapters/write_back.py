"""The write-back side's tables: webhook subscriptions and the deliveries queued for them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inventory_runtime.db import text_array
from inventory_runtime.delivery import pending
from inventory_runtime.secret_box import SecretBox
from sqlalchemy import LargeBinary, cast, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from integration_gateway.adapters.tables import deliveries, subscriptions
from integration_gateway.domain import WebhookSubscription, WriteBack, new_id


class SubscriptionRepository:
    """Outbound webhook subscriptions (soft-deleted: `active` false); their secrets are stored
    encrypted with `box` and read back in plaintext (a legacy plaintext row reads as is)."""

    def __init__(self, session: AsyncSession, box: SecretBox) -> None:
        self._session = session
        self._box = box

    async def add(self, subscription: WebhookSubscription) -> WebhookSubscription:
        row = (
            await self._session.execute(
                insert(subscriptions)
                .values(
                    id=subscription.id,
                    url=subscription.url,
                    secret=self._box.encrypt(subscription.secret),
                    event_types=list(subscription.event_types),
                    active=subscription.active,
                    origin=subscription.origin,
                    locations=None
                    if subscription.locations is None
                    else list(subscription.locations),
                )
                .returning(subscriptions)
            )
        ).one()
        return _subscription(row, self._box)

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
            stored = (row.url, self._box.decrypt(row.secret), list(row.event_types))
            if stored == (url, secret, list(event_types)):
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
        return [_subscription(row, self._box) for row in (await self._session.execute(query)).all()]

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
        return [_subscription(row, self._box) for row in (await self._session.execute(query)).all()]

    async def get(self, subscription_id: str) -> WebhookSubscription | None:
        """The subscription of that id (active or not), or None."""
        query = select(subscriptions).where(subscriptions.c.id == subscription_id)
        row = (await self._session.execute(query)).one_or_none()
        return None if row is None else _subscription(row, self._box)

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
            .where(deliveries.c.subscription_id == subscription_id, pending(deliveries))
            .values(status="cancelled", last_error="subscription deleted")
        )
        return True


class DeliveryRepository:
    """Deliveries of events to subscriptions, as the consumer queues them and the API lists
    them (the runtime's `DeliveryWorker` sends them, see `webhooks`)."""

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

    async def replay(
        self, subscription_id: str, first_id: int | None, last_id: int | None, statuses: list[str]
    ) -> int:
        """Make the subscription's deliveries in the id range with those statuses pending again
        (tries from zero, due now) and close its circuit; return how many."""
        query = update(deliveries).where(
            deliveries.c.subscription_id == subscription_id, deliveries.c.status.in_(statuses)
        )
        if first_id is not None:
            query = query.where(deliveries.c.id >= first_id)
        if last_id is not None:
            query = query.where(deliveries.c.id <= last_id)
        replayed = await self._session.execute(
            query.values(
                status="pending", attempts=0, next_attempt_at=func.now(), last_error=None,
                last_status_code=None, delivered_at=None,
            ).returning(deliveries.c.id)
        )  # fmt: skip
        await self._session.execute(
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id)
            .values(consecutive_failures=0, paused_until=None)
        )
        return len(replayed.all())

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


def _subscription(row: Any, box: SecretBox) -> WebhookSubscription:
    return WebhookSubscription(
        id=row.id,
        url=row.url,
        secret=box.decrypt(row.secret),
        event_types=tuple(row.event_types),
        active=row.active,
        origin=row.origin,
        created_at=row.created_at,
        consecutive_failures=row.consecutive_failures,
        paused_until=row.paused_until,
        locations=None if row.locations is None else tuple(row.locations),
    )
