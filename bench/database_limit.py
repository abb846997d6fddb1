"""The database-side limit of reservation: set-based conditional reservations on PostgreSQL.

A scratch table of stock points on the same server the services use (a logged table, so every
commit flushes the WAL as the services' do, with `synchronous_commit` on), and one statement
per transaction that reserves `lines` random points at once, each only if enough is available:

    UPDATE points SET reserved = reserved + q FROM unnest(ids, qs)
    WHERE id = ... AND on_hand - reserved >= q

run back to back for a few seconds. Its lines/s is what the order path could reach if the
service did nothing but this one statement per batch of orders: the service's throughput as a
share of it says how much of the work is not the database's.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass

import asyncpg

RESERVE = """
UPDATE {table} AS p SET reserved = p.reserved + l.q
FROM unnest($1::int[], $2::int[]) AS l(id, q)
WHERE p.id = l.id AND p.on_hand - p.reserved >= l.q
"""


@dataclass
class DatabaseLimit:
    """What the scratch reservations reached."""

    lines_per_s: float
    transactions: int
    lines_per_transaction: int
    lines_reserved: int
    seconds: float
    writers: int
    points: int
    synchronous_commit: str


def dsn(database_url: str) -> str:
    """An asyncpg DSN from a SQLAlchemy URL (`postgresql+asyncpg://...`)."""
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _writer(
    connection: asyncpg.Connection, table: str, ids: range, lines: int, until: float, seed: int
) -> tuple[int, int]:
    """Reserve `lines` random points per transaction until `until`; (transactions, reserved)."""
    rng = random.Random(seed)
    statement = RESERVE.format(table=table)
    transactions = reserved = 0
    while time.monotonic() < until:
        picked = sorted(rng.sample(ids, lines))  # sorted: concurrent writers lock in one order
        quantities = [rng.randint(1, 3) for _ in picked]
        status = await connection.execute(statement, picked, quantities)
        transactions += 1
        reserved += int(status.split()[-1])  # "UPDATE n"
    return transactions, reserved


async def measure_limit(
    database_url: str, *, seconds: float, lines: int = 500, points: int = 10_000, writers: int = 1
) -> DatabaseLimit:
    """Run the scratch reservations for `seconds` on `writers` connections (see module doc)."""
    table = f"bench_reservation_limit_{uuid.uuid4().hex[:8]}"
    connections = [await asyncpg.connect(dsn(database_url)) for _ in range(writers)]
    setup = connections[0]
    try:
        for connection in connections:
            await connection.execute("SET synchronous_commit TO on")
        await setup.execute(
            f"CREATE TABLE {table} (id int PRIMARY KEY, on_hand bigint NOT NULL, "
            "reserved bigint NOT NULL DEFAULT 0)"
        )
        await setup.execute(
            f"INSERT INTO {table} (id, on_hand) SELECT g, 1000000000 FROM generate_series(0, $1) g",
            points - 1,
        )
        await setup.execute(f"VACUUM ANALYZE {table}")
        durability = str(await setup.fetchval("SHOW synchronous_commit"))
        started = time.monotonic()
        counts = await asyncio.gather(
            *(
                _writer(c, table, range(points), lines, started + seconds, seed)
                for seed, c in enumerate(connections)
            )
        )
        elapsed = time.monotonic() - started
    finally:
        await setup.execute(f"DROP TABLE IF EXISTS {table}")
        for connection in connections:
            await connection.close()
    transactions = sum(t for t, _ in counts)
    return DatabaseLimit(
        lines_per_s=round(transactions * lines / elapsed, 1),
        transactions=transactions,
        lines_per_transaction=lines,
        lines_reserved=sum(r for _, r in counts),
        seconds=round(elapsed, 2),
        writers=writers,
        points=points,
        synchronous_commit=durability,
    )
