"""Fixtures of the approval tests: requests as the consumer receives them, a migrated database
and real units of work. The in-memory unit of work is in `test_approval_handlers.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from aiokafka.structs import ConsumerRecord
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.main import MIGRATIONS
from inventory_contracts.envelope import encode, new_event
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine


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
