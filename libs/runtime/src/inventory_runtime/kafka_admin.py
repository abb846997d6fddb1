"""Creating topics (the broker does not auto-create them) and probing the broker."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.client import AIOKafkaClient
from aiokafka.errors import TopicAlreadyExistsError, for_code
from inventory_contracts.topics import DLQ_SUFFIX, dlq

_OK = 0


async def ensure_topics(
    bootstrap_servers: str | Sequence[str],
    partitions: Mapping[str, int],
    *,
    with_dlq: bool = True,
    dlq_partitions: int | None = None,
    replication_factor: int = 1,
    timeout_seconds: float = 30.0,
) -> list[str]:
    """Create the topics of `partitions` (name -> partition count) that don't exist yet.

    With `with_dlq`, each topic's ``.dlq`` twin is created too, with `dlq_partitions` or, by
    default, as many partitions as its topic (a key keeps its order in the DLQ, and the k8s and
    compose topic jobs create them the same way). Existing topics are left as
    they are (their partition count is not changed). Returns the names created, after every
    partition of every requested topic has a leader, so producers can use them right away.
    """
    wanted = dict(partitions)
    if with_dlq:
        for topic in partitions:
            if not topic.endswith(DLQ_SUFFIX):
                wanted.setdefault(dlq(topic), dlq_partitions or partitions[topic])
    admin = AIOKafkaAdminClient(bootstrap_servers=_servers(bootstrap_servers))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, num_partitions=count, replication_factor=replication_factor)
            for name, count in wanted.items()
            if name not in existing
        ]
        if missing:
            response = await admin.create_topics(missing, timeout_ms=int(timeout_seconds * 1000))
            for topic, code, *_ in response.topic_errors:
                if code not in (_OK, TopicAlreadyExistsError.errno):
                    raise for_code(code)(f"cannot create topic {topic}")
        await _wait_for_leaders(admin, list(wanted), timeout_seconds)
        return [topic.name for topic in missing]
    finally:
        await admin.close()


async def _wait_for_leaders(
    admin: AIOKafkaAdminClient, topics: list[str], timeout_seconds: float
) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_seconds
    while True:
        described = await admin.describe_topics(topics)
        ready = all(
            entry["error_code"] == _OK
            and entry["partitions"]
            and all(p["leader"] >= 0 for p in entry["partitions"])
            for entry in described
        )
        if ready and len(described) == len(topics):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"topics {topics} have no leaders after {timeout_seconds} s")
        await asyncio.sleep(0.2)


async def kafka_reachable(bootstrap_servers: str | Sequence[str], timeout_seconds: float) -> None:
    """Fetch cluster metadata once; raises (`KafkaError`, `TimeoutError`) if no broker answers."""
    client = AIOKafkaClient(
        bootstrap_servers=_servers(bootstrap_servers),
        request_timeout_ms=int(timeout_seconds * 1000),
    )
    try:
        async with asyncio.timeout(timeout_seconds):
            await client.bootstrap()
    finally:
        await client.close()


def _servers(bootstrap_servers: str | Sequence[str]) -> list[str]:
    if isinstance(bootstrap_servers, str):
        return [server.strip() for server in bootstrap_servers.split(",")]
    return list(bootstrap_servers)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m inventory_runtime.kafka_admin``: create every platform topic and its DLQ."""
    import argparse
    import os

    from inventory_contracts.topics import PARTITIONS

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument(
        "--bootstrap", default=os.getenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    )
    parser.add_argument("--replication-factor", type=int, default=1)
    args = parser.parse_args(argv)
    created = asyncio.run(
        ensure_topics(args.bootstrap, PARTITIONS, replication_factor=args.replication_factor)
    )
    print(f"created {len(created)} topic(s): {', '.join(created) or 'none missing'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
