"""Fixtures of the approval tests: requests as the consumer receives them, a migrated database,
real units of work, and the HTTP API on it with an administrator's token (each decision sends
the deciding person's own). The in-memory unit of work is in `test_approval_handlers.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from aiokafka.structs import ConsumerRecord
from approval import consumer
from approval.adapters import tables
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.adapters.why_reader import WhyReader
from approval.api import get_uow
from approval.config import ApprovalSettings
from approval.main import MIGRATIONS, create_app
from inventory_contracts.envelope import encode, new_event
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.db import outbox_table
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.migrations import migrate_async
from inventory_runtime.service_token import ServiceToken
from inventory_runtime.testing import drop_database, fresh_database
from inventory_testkit.demo_approvers import seed_demo_approvers
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

ADMIN_LOGIN = "root.admin"


def as_message(
    request: ApprovalRequested, correlation_id: str | None = None
) -> InboundEvent[ApprovalRequested]:
    """`request` as the consumer loop hands it to the handler (published by replenishment)."""
    cloud_event = new_event(
        request, source="/services/replenishment", correlation_id=correlation_id
    )
    key = request.key()
    record = ConsumerRecord[bytes, bytes](
        topic=request.topic,
        partition=0,
        offset=0,
        timestamp=0,
        timestamp_type=0,
        key=key.encode(),
        value=encode(cloud_event),
        checksum=None,
        serialized_key_size=len(key),
        serialized_value_size=-1,
        headers=[],
    )
    return InboundEvent(cloud_event, request, request.topic, 0, 0, key, record)


@pytest.fixture
def message_of() -> Callable[..., InboundEvent[ApprovalRequested]]:
    """`as_message`, for the tests (a test module cannot import conftest)."""
    return as_message


@pytest.fixture(scope="module")
async def approval_db(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """URL of a fresh database with the approval migrations (and seeds) applied."""
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    url = await fresh_database(database_url, module)
    await migrate_async(url, MIGRATIONS)
    yield url
    await drop_database(url)


@pytest.fixture
async def session_factory(approval_db: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(approval_db, pool_size=10)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture
def make_uow(
    session_factory: async_sessionmaker[AsyncSession],
) -> Callable[[], ApprovalUnitOfWork]:
    return lambda: ApprovalUnitOfWork(session_factory, source="/services/approval")


@pytest.fixture
async def clean(session_factory: async_sessionmaker[AsyncSession]) -> None:
    """No instances or outbox rows (flows and approvers stay; the audit log is append-only)."""
    async with session_factory() as session:
        await session.execute(delete(tables.approval_instances))
        await session.execute(delete(outbox_table))
        await session.commit()


@pytest.fixture
def start(
    make_uow: Callable[[], ApprovalUnitOfWork],
) -> Callable[[ApprovalRequested], Awaitable[None]]:
    """Apply a request through the consumer's handlers, in its own committed transaction."""
    handle = consumer.subscription().handler

    async def apply(event: ApprovalRequested) -> None:
        async with make_uow() as uow:
            await handle([as_message(event)], uow)
            await uow.commit()

    return apply


@pytest.fixture
async def client(
    make_uow: Callable[[], ApprovalUnitOfWork],
) -> AsyncIterator[httpx.AsyncClient]:
    """The service's app on the test database (its lifespan, with relay and consumer, not run)
    calling as an administrator, with the demo approvers that development seeds (no migration
    makes them). A decision sends the deciding person's token in its own headers."""
    app = create_app(ApprovalSettings())
    app.dependency_overrides[get_uow] = make_uow
    transport = httpx.ASGITransport(app=app)
    headers = TEST_ISSUER.headers("admin", login=ADMIN_LOGIN)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers=headers
    ) as http:
        await seed_demo_approvers(http)
        yield http


HOSTILE = '<img src=x onerror="alert(1)">'
"""A name an attacker could slip into master data; the pages must show it as text."""


class WhyServices:
    """Stand-ins of the issuer, replenishment and reservation as the detail page's "why"
    reader calls them (`approval.adapters.why_reader`): `answers` by route, `down` hosts that
    refuse connections, `calls` the paths asked, `tokens` the grants issued."""

    def __init__(self) -> None:
        self.down: set[str] = set()
        self.calls: list[str] = []
        self.tokens = 0
        self.token_attempts = 0
        self.answers: dict[str, tuple[int, Any]] = {
            "planning": (200, {
                "period": "week", "forecast_per_period": "120.5", "forecast_model": "AutoETS",
                "safety_stock": "80", "reorder_point": "420", "order_quantity": "1200",
                "lead_time_mean_days": "14.25", "service_target": "0.95", "abc_class": "A",
            }),
            "policy": (200, {"reorder_point": "420", "order_quantity": "1200"}),
            "position": (200, {"on_order": "300", "inventory_position": "350"}),
            "availability": (200, {
                "on_hand": "1250", "reserved": "1200", "available_to_promise": "50",
            }),
            "backorders": (200, {"backordered": "40", "lines": 2}),
            "demand": (200, {"period": "week", "buckets": [
                {"period_start": f"2026-11-{day:02d}", "quantity": str(q)}
                for day, q in ((2, 96), (9, 130), (16, 110), (23, 141), (30, 118))
            ]}),
            "supplier": (200, {
                "lines": 25, "on_time": 22, "late": 2, "overdue": 1, "on_time_rate": 0.88,
                "lead_time": {"p50_days": 13, "p90_days": 19},
            }),
            "orders": (200, [
                {"purchase_order_id": f"PO-{n}", "sku": "SKU-1", "unit_cost": cost,
                 "currency": "CNY", "quantity": "1200", "released_at": f"2026-{month}T08:00:00Z"}
                for n, cost, month in ((3, "11.80", "11-20"), (2, "12.10", "10-18"),
                                       (1, "12.40", "09-15"))
            ]),
        }  # fmt: skip

    @staticmethod
    def route(path: str) -> str:
        for ending, name in (("/planning", "planning"), ("/performance", "supplier")):
            if path.endswith(ending):
                return name
        names = {
            "policies": "policy",
            "positions": "position",
            "availability": "availability",
            "backorders": "backorders",
            "demand": "demand",
            "purchase-orders": "orders",
        }
        return names[path.split("/")[2]]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.token_attempts += request.url.path == "/oauth/token"
        if request.url.host in self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path == "/oauth/token":
            self.tokens += 1
            return httpx.Response(200, json={"access_token": "svc", "expires_in": 900})
        if request.headers.get("authorization") != "Bearer svc":
            return httpx.Response(401, json={"error": "unauthorized"})
        self.calls.append(request.url.raw_path.decode().partition("?")[0])
        status, body = self.answers[self.route(request.url.path)]
        return httpx.Response(status, json=body)

    def reader(self) -> WhyReader:
        http = httpx.AsyncClient(transport=httpx.MockTransport(self))
        tokens = ServiceToken("http://issuer.test/oauth/token", "approval-service", "s" * 20,
                              http=http)  # fmt: skip
        return WhyReader("http://replenishment.test", "http://reservation.test", tokens, http)


@pytest.fixture
def why_services() -> WhyServices:
    return WhyServices()
