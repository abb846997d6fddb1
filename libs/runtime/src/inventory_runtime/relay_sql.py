"""The outbox relay's statements: take a round, mark or delete what was sent, purge the inbox."""

from __future__ import annotations

from sqlalchemy import Boolean, column, text

from inventory_runtime.db import inbox_table as inbox
from inventory_runtime.db import outbox_table as outbox

MARK_PUBLISHED = text(
    f"UPDATE {outbox.name} SET published_at = now() WHERE id = ANY(CAST(:ids AS bigint[]))"
)
"""One parameter, so one prepared statement whatever the round's size."""
DELETE_PUBLISHED = text(f"DELETE FROM {outbox.name} WHERE id = ANY(CAST(:ids AS bigint[]))")
"""With no retention (``relay_retention_hours = 0``): a published row goes at once. Marking it
updates three indexes per row, which on the reservation path is the single largest statement
(bench/README.md); the event stays in Kafka."""

PURGE_INBOX = text(
    f"DELETE FROM {inbox.name} WHERE (consumer, event_id) IN ("
    f"SELECT consumer, event_id FROM {inbox.name} "
    "WHERE processed_at < now() - make_interval(secs => CAST(:hours AS float8) * 3600) "
    "LIMIT 10000)"
)
"""Inbox entries past retention, a bounded slice per maintenance round (`ix_inbox_processed_at`)."""

RELAY_LOCK_KEY = 0x1E7A_0B0C
"""`pg_try_advisory_xact_lock` key held by the relay publishing a round (per database)."""

TAKE_ROUND = text(
    f"""
    SELECT relay.taken, pending.id, pending.topic, pending.key, pending.event_type,
           pending.payload, pending.headers
      FROM (SELECT pg_try_advisory_xact_lock({RELAY_LOCK_KEY}) AS taken) AS relay
      LEFT JOIN LATERAL (
           SELECT id, topic, key, event_type, payload, headers
             FROM {outbox.name}
            WHERE relay.taken AND published_at IS NULL
            ORDER BY id
            LIMIT :limit
              FOR UPDATE SKIP LOCKED
      ) AS pending ON true
    """
).columns(
    column("taken", Boolean),
    outbox.c.id,
    outbox.c.topic,
    outbox.c.key,
    outbox.c.event_type,
    outbox.c.payload,
    outbox.c.headers,
)
"""A round's start in one round trip: take the relay lock and, if it was free, lock the oldest
unpublished rows. One row with `taken` false when another relay holds the lock; one row with
`taken` true and no id when there is nothing to publish."""
