"""Sending unprocessable records to their topic's dead-letter topic, ``<topic>.dlq``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from inventory_contracts.topics import dlq

from inventory_runtime import metrics
from inventory_runtime.inbound import dlq_headers
from inventory_runtime.retry import is_fatal_producer_error, summarize

log = logging.getLogger(__name__)


class DeadLetterSender:
    """An idempotent producer (``acks=all``) for DLQ records, recreated after a fatal error."""

    def __init__(self, bootstrap_servers: list[str], *, client_id: str) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        """Connect (raises `KafkaError` if no broker answers)."""
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self._bootstrap_servers,
                client_id=self._client_id,
                enable_idempotence=True,
                acks="all",
            )
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer

    async def stop(self) -> None:
        """Flush and close the producer."""
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def send(
        self, record: ConsumerRecord[Any, Any], *, group_id: str, code: str, reason: str
    ) -> None:
        """Send `record`'s value and key unchanged, with ``dlq-*`` headers; wait for the ack."""
        await self.start()
        assert self._producer is not None
        headers = dlq_headers(record, group_id=group_id, code=code, reason=reason)
        try:
            await self._producer.send_and_wait(
                dlq(record.topic), value=record.value, key=record.key, headers=headers
            )
        except Exception as exc:
            if is_fatal_producer_error(exc):
                await self.stop()
            raise

    async def deliver(
        self,
        record: ConsumerRecord[Any, Any],
        *,
        group_id: str,
        code: str,
        reason: str,
        event_type: str,
        keep_trying: Callable[[int], Awaitable[bool]],
    ) -> bool:
        """`send` until acknowledged; after failure number n, ``await keep_trying(n)`` waits
        and says whether to go on. Returns False if it gave up (the record was not sent)."""
        attempt = 0
        while True:
            try:
                await self.send(record, group_id=group_id, code=code, reason=reason)
                break
            except Exception as exc:
                attempt += 1
                log.warning("DLQ send of %s failed: %s", record.topic, summarize(exc))
                if not await keep_trying(attempt):
                    return False
        log.warning(
            "sent %s[%d]@%d to %s: %s",
            record.topic,
            record.partition,
            record.offset,
            dlq(record.topic),
            reason,
        )
        metrics.DLQ_MESSAGES.labels(record.topic, code).inc()
        metrics.MESSAGES_CONSUMED.labels(record.topic, event_type, "dlq").inc()
        return True
