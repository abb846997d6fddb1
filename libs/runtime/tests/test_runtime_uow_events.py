"""Events one way, on the real database: aggregates record, the unit of work collects on commit."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from inventory_contracts.envelope import decode
from inventory_contracts.events.base import Event
from inventory_runtime.db import outbox_table
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.testing import unique_name
from inventory_runtime.uow import UnitOfWork
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = pytest.mark.integration


class CounterStepped(Event):
    """Base of the test's event: a counter went one step up (concrete classes are made per
    test, so the contracts tests do not count them among the platform's events)."""

    counter_id: str
    value: int

    def key(self) -> str:
        return self.counter_id


@pytest.fixture
def stepped() -> type[CounterStepped]:
    """A concrete `CounterStepped` on a topic of its own (the outbox is shared by the tests)."""
    topic, event_type = unique_name("test.counters"), "inventory.counter.stepped.v1"
    namespace = {"topic": topic, "event_type": event_type, "__module__": __name__}
    return type("Stepped", (CounterStepped,), namespace)


@dataclass
class Counter:
    """An aggregate recording an event per step."""

    counter_id: str
    kind: type[CounterStepped]
    value: int = 0
    events: list[Event] = field(default_factory=list)

    def step(self) -> None:
        self.value += 1
        self.events.append(self.kind(counter_id=self.counter_id, value=self.value))


async def outbox_of(
    session_factory: async_sessionmaker[AsyncSession], kind: type[CounterStepped]
) -> list[tuple[str, int]]:
    """(counter, value) of the outbox rows of `kind`'s topic, in outbox order."""
    query = select(outbox_table.c.payload).where(outbox_table.c.topic == kind.topic)
    async with session_factory() as session:
        payloads = (await session.scalars(query.order_by(outbox_table.c.id))).all()
    events = [CounterStepped.model_validate(decode(payload).data) for payload in payloads]
    return [(event.counter_id, event.value) for event in events]


def unit_of_work(session_factory: async_sessionmaker[AsyncSession]) -> UnitOfWork:
    return UnitOfWork(session_factory, source="/services/test-counters")


async def test_tracked_aggregates_events_reach_the_outbox_on_commit_in_recording_order(
    session_factory: async_sessionmaker[AsyncSession], stepped: type[CounterStepped]
) -> None:
    first, second = Counter("c-1", stepped), Counter("c-2", stepped)
    async with unit_of_work(session_factory) as uow:
        uow.track(first, second)
        first.step()
        second.step()
        first.step()
        first.step()
        assert await outbox_of(session_factory, stepped) == [], "nothing before the commit"
        await uow.commit()

    rows = await outbox_of(session_factory, stepped)
    assert [value for counter, value in rows if counter == "c-1"] == [1, 2, 3]
    assert [value for counter, value in rows if counter == "c-2"] == [1]
    assert len(rows) == 4
    assert first.events == [] and second.events == [], "collected events leave the aggregate"


async def test_events_recorded_after_a_commit_go_out_with_the_next_one(
    session_factory: async_sessionmaker[AsyncSession], stepped: type[CounterStepped]
) -> None:
    counter = Counter("c-1", stepped)
    async with unit_of_work(session_factory) as uow:
        uow.track(counter)
        counter.step()
        await uow.commit()
        counter.step()
        await uow.commit()
    assert await outbox_of(session_factory, stepped) == [("c-1", 1), ("c-1", 2)]

    fake, counter = FakeUnitOfWork(), Counter("c-1", stepped)  # the fake behaves the same
    async with fake:
        fake.track(counter)
        counter.step()
        await fake.commit()
        counter.step()
        await fake.commit()
    assert [p.event for p in fake.published] == [
        stepped(counter_id="c-1", value=1),
        stepped(counter_id="c-1", value=2),
    ]


async def test_leaving_the_block_without_commit_writes_no_event(
    session_factory: async_sessionmaker[AsyncSession], stepped: type[CounterStepped]
) -> None:
    counter = Counter("c-1", stepped)
    async with unit_of_work(session_factory) as uow:
        uow.track(counter)
        counter.step()
        uow.collect_events()  # queued, but never committed
    assert await outbox_of(session_factory, stepped) == []


async def test_an_exception_in_the_block_writes_no_event(
    session_factory: async_sessionmaker[AsyncSession], stepped: type[CounterStepped]
) -> None:
    counter = Counter("c-1", stepped)
    with pytest.raises(RuntimeError, match="domain refused"):
        async with unit_of_work(session_factory) as uow:
            uow.track(counter)
            counter.step()
            raise RuntimeError("domain refused")
    assert await outbox_of(session_factory, stepped) == []


async def test_an_aggregate_tracked_twice_publishes_its_events_once(
    session_factory: async_sessionmaker[AsyncSession], stepped: type[CounterStepped]
) -> None:
    counter = Counter("c-1", stepped)
    async with unit_of_work(session_factory) as uow:
        uow.track(counter)  # say, loaded by two repositories' queries in one handler
        uow.track(counter, counter)
        counter.step()
        uow.collect_events()  # what the handler registry does after each message
        await uow.commit()  # collects again
    assert await outbox_of(session_factory, stepped) == [("c-1", 1)]
