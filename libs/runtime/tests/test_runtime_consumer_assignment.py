"""The assigned-partitions gauge follows the group's assignment (no broker needed)."""

from __future__ import annotations

from typing import Any

from aiokafka import TopicPartition
from inventory_runtime import metrics
from inventory_runtime.consumer import KafkaConsumerLoop, _Rebalance
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.subscription import Subscription, per_message

ORDERS, MOVES = "test.assign.orders", "test.assign.moves"


class AssignedConsumer:
    """Just enough of aiokafka's consumer: what the group assigned to this member."""

    def __init__(self, assigned: set[TopicPartition]) -> None:
        self.assigned = assigned

    def assignment(self) -> set[TopicPartition]:
        return set(self.assigned)

    async def stop(self) -> None:
        self.assigned = set()


def gauge(topic: str) -> float | None:
    for metric in metrics.CONSUMER_ASSIGNED_PARTITIONS.collect():
        for sample in metric.samples:
            if sample.labels == {"group": "assign-test", "topic": topic}:
                return sample.value
    return None


def make_loop(thing_events: Any) -> KafkaConsumerLoop[FakeUnitOfWork]:
    orders, _ = thing_events(ORDERS)

    async def ignore(event: object, uow: FakeUnitOfWork) -> None: ...

    return KafkaConsumerLoop(
        Subscription(
            group_id="assign-test", events=[orders], handler=per_message(ignore), topics=[MOVES]
        ),
        settings=ServiceSettings(service_name="assign-test"),
        uow_factory=FakeUnitOfWork,
    )


async def test_the_gauge_counts_each_topics_partitions_here_and_zero_for_the_rest(
    thing_events: Any,
) -> None:
    loop = make_loop(thing_events)
    mine = {TopicPartition(ORDERS, 0), TopicPartition(ORDERS, 3), TopicPartition(ORDERS, 4)}
    loop._consumer = AssignedConsumer(mine)
    listener = _Rebalance(loop)

    await listener.on_partitions_assigned(mine)
    assert (gauge(ORDERS), gauge(MOVES)) == (3, 0)  # a topic with none here shows 0, not nothing

    await listener.on_partitions_revoked({TopicPartition(ORDERS, 3)})
    assert gauge(ORDERS) == 2  # the revoked one no longer counts, before the group reassigns

    await loop._close()  # leaving the group: nothing is ours any more
    assert (gauge(ORDERS), gauge(MOVES)) == (0, 0)
