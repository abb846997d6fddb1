"""The consumer lag gauge while a rebalance takes partitions away (no broker needed)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import TopicPartition
from inventory_runtime import metrics
from inventory_runtime.consumer import KafkaConsumerLoop
from inventory_runtime.fakes import FakeUnitOfWork
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.subscription import Subscription, per_message

KEPT = TopicPartition("test.lag", 0)
REVOKED = TopicPartition("test.lag", 1)


class RebalancingConsumer:
    """Like aiokafka's consumer: `highwater` of a partition not assigned is an AssertionError.
    Awaiting the first position is when the group takes `REVOKED` away."""

    def __init__(self) -> None:
        self.assigned = [KEPT, REVOKED]  # in this order, so REVOKED is read after the rebalance

    def assignment(self) -> list[TopicPartition]:
        return list(self.assigned)

    def highwater(self, tp: TopicPartition) -> int:
        assert tp in self.assigned, "Partition is not assigned"
        return 10

    async def position(self, tp: TopicPartition) -> int:
        if REVOKED in self.assigned:
            self.assigned.remove(REVOKED)
        await asyncio.sleep(0)
        return 7


async def test_a_partition_revoked_while_lag_is_read_does_not_stop_the_loop(
    thing_events: Any,
) -> None:
    happened, _ = thing_events(KEPT.topic)

    async def ignore(event: object, uow: FakeUnitOfWork) -> None: ...

    loop = KafkaConsumerLoop(
        Subscription(group_id="lag-test", events=[happened], handler=per_message(ignore)),
        settings=ServiceSettings(service_name="lag-test"),
        uow_factory=FakeUnitOfWork,
    )
    loop._consumer = RebalancingConsumer()
    await loop._record_lag(busy=False)  # before the fix: AssertionError, the loop crashed

    lags = {
        (sample.labels["topic"], sample.labels["partition"]): sample.value
        for metric in metrics.CONSUMER_LAG.collect()
        for sample in metric.samples
    }
    assert lags[("test.lag", "0")] == 3
    assert ("test.lag", "1") not in lags
