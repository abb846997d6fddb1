"""Proving that nothing more happened, without sleeping.

Kafka keeps the order of the messages of one partition, and the platform's consumers and relays
keep it too: a consumer takes a partition's messages in order and commits what they caused in
the same transaction as its offset, and the relay publishes a service's outbox in order. So
after the event under test, send a *sentinel*, a second event on the same key (or a key of the
same partition on every topic on the way), and wait until its outcome is seen: anything the
first event caused came out before it, on the same partition, and has been seen by then. What
has not arrived then never will.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from functools import partial

from aiokafka.partitioner import murmur2

from inventory_testkit.kafka import (
    KafkaWatcher,
    Seen,
    cloud_event,
    partition_counts,
    publish_raw,
)
from inventory_testkit.platform import unique

ORDERS, RESERVATIONS = "inventory.orders", "inventory.reservations"
OUTCOMES = ("inventory.stock.reserved.v1", "inventory.reservation.rejected.v1")


def partition_of(key: str, partitions: int) -> int:
    """The partition of `key` in a topic of `partitions`: Kafka's default partitioner, which
    the platform's relays use too (murmur2 of the key bytes)."""
    return int(murmur2(key.encode()) & 0x7FFFFFFF) % partitions


def sentinel_keys(keys: Iterable[str], counts: Sequence[int], prefix: str) -> list[str]:
    """Fresh keys, one for each partition `keys` are on, in topics of each of `counts`
    partitions (the topics a message and its outcomes pass): each sentinel key shares its
    partition with some of `keys` on every one of those topics."""
    wanted = {tuple(partition_of(key, n) for n in counts) for key in keys}
    found: dict[tuple[int, ...], str] = {}
    while len(found) < len(wanted):
        candidate = unique(prefix)
        signature = tuple(partition_of(candidate, n) for n in counts)
        if signature in wanted:
            found.setdefault(signature, candidate)
    return list(found.values())


async def after_sentinel(
    watcher: KafkaWatcher,
    send: Callable[[], Awaitable[object]],
    outcome: Callable[[Seen], object],
    *,
    timeout: float = 60,
    what: str = "the sentinel's outcome",
) -> Seen:
    """Send a sentinel and wait until `outcome` is seen (see the module doc)."""
    await send()
    return await watcher.wait_for(outcome, timeout=timeout, what=what)


def sentinel_order(order_id: str, location: str) -> bytes:
    """An `OrderPlaced` that touches no stock: its SKU exists nowhere, so reservation rejects
    it (`unknown_sku`) and says so on `inventory.reservations` under its order id."""
    line = {"sku": f"{order_id}-NO-SUCH-SKU", "location": location, "quantity": 1}
    data = {"order_id": order_id, "lines": [line]}
    return json.dumps(cloud_event("inventory.order.placed.v1", data, source="/testkit")).encode()


async def orders_settled(watcher: KafkaWatcher, order_ids: Iterable[str], location: str) -> None:
    """Return once reservation has said all it ever will about `order_ids`.

    One sentinel order per partition the orders are on (on `inventory.orders` and on
    `inventory.reservations`); once every sentinel's outcome is seen, any second outcome of
    those orders would have been seen before it.
    """
    known = await partition_counts(watcher.bootstrap, (ORDERS, RESERVATIONS))
    counts = [known[ORDERS], known[RESERVATIONS]]
    for key in sentinel_keys(order_ids, counts, "SENTINEL"):
        await after_sentinel(
            watcher,
            partial(publish_raw, watcher.bootstrap, ORDERS, key, sentinel_order(key, location)),
            partial(is_outcome_of, order_id=key),
            what=f"the outcome of sentinel order {key}",
        )


def is_outcome_of(seen: Seen, order_id: str) -> bool:
    """True if `seen` is reservation's answer (reserved or rejected) to order `order_id`."""
    return seen.type in OUTCOMES and seen.event["data"]["order_id"] == order_id
