"""How a relay round packs and judges its sends: record batches per partition, the partition a
key goes to, and which rows may be marked published."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.partitioner import murmur2
from sqlalchemy.engine import Row


class PartitionBatches:
    """Record batches of one relay round, one open per partition, sent when full or flushed."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer
        self._open: dict[tuple[str, int], tuple[Any, list[int]]] = {}
        self._sent: list[tuple[asyncio.Future[Any] | BaseException, list[int]]] = []

    async def add(
        self,
        index: int,
        topic: str,
        partition: int,
        key: bytes | None,
        value: bytes,
        headers: list[tuple[str, bytes]],
    ) -> bool:
        """Append row `index`; False if it is too large for even an empty batch."""
        for _ in range(2):  # the open batch, then (if that was full) a fresh one
            if (topic, partition) not in self._open:
                self._open[topic, partition] = (self._producer.create_batch(), [])
            batch, members = self._open[topic, partition]
            if batch.append(key=key, value=value, timestamp=None, headers=headers) is not None:
                members.append(index)
                return True
            if not members:
                return False
            await self._submit(topic, partition)
        return False

    async def flush(self) -> list[tuple[object, list[int]]]:
        """Send what is open, wait for every batch; (metadata or exception, row indexes)."""
        for topic, partition in list(self._open):
            await self._submit(topic, partition)
        futures = [f for f, _ in self._sent if isinstance(f, asyncio.Future)]
        await asyncio.gather(*futures, return_exceptions=True)
        return [
            (f if isinstance(f, BaseException) else _outcome(f), members)
            for f, members in self._sent
        ]

    async def _submit(self, topic: str, partition: int) -> None:
        batch, members = self._open.pop((topic, partition))
        try:
            future = await self._producer.send_batch(batch, topic, partition=partition)
        except KafkaError as exc:
            self._sent.append((exc, members))
        else:
            self._sent.append((future, members))


@lru_cache(maxsize=32_768)
def key_hash(key: bytes) -> int:
    """The Java client's partition hash of a key (what `DefaultPartitioner` computes), kept
    for the keys seen lately: stock points recur all the time, and the pure-Python murmur2
    was 4% of reservation's CPU at full load."""
    hashed: int = murmur2(key)  # aiokafka ships no type hints
    return hashed & 0x7FFFFFFF


def _outcome(future: asyncio.Future[Any]) -> object:
    return future.exception() or future.result()


def publishable_prefix(rows: Sequence[Row[Any]], results: Sequence[object]) -> list[Row[Any]]:
    """Rows to mark published: acknowledged, and no earlier row of the same key failed."""
    blocked_keys: set[str | None] = set()
    publishable = []
    for row, result in zip(rows, results, strict=True):
        key = row.key
        if isinstance(result, BaseException) or (key is not None and key in blocked_keys):
            if key is not None:
                blocked_keys.add(key)
            continue
        publishable.append(row)
    return publishable
