"""The set-based statements of the repository: whole batches in one round trip each.

Placing a batch of orders takes two of them (`PLACING_CONTEXT`, `RECORD_PLACEMENTS`), each
built from the fragments the other statements use, so every table is written one way.
"""

from __future__ import annotations

from sqlalchemy import text

CREATE_POINTS = text(
    """
    INSERT INTO stock_points (sku, location)
    SELECT * FROM unnest(CAST(:point_skus AS text[]), CAST(:point_locations AS text[]))
        ON CONFLICT DO NOTHING
    """
)
_LOCK_POINTS = """
    SELECT sp.sku, sp.location, sp.on_hand, sp.reserved
      FROM stock_points AS sp
      JOIN unnest(CAST(:point_skus AS text[]), CAST(:point_locations AS text[]))
           AS k(sku, location)
        ON sp.sku = k.sku AND sp.location = k.location
     ORDER BY sp.sku, sp.location
       FOR UPDATE OF sp
"""
LOCK_POINTS = text(_LOCK_POINTS)
"""Locks come in (sku, location) order: the row locking runs above the sort."""
_SAVE_POINTS = """
    UPDATE stock_points AS sp
       SET on_hand = p.on_hand, reserved = p.reserved, updated_at = now()
      FROM unnest(CAST(:point_skus AS text[]), CAST(:point_locations AS text[]),
                  CAST(:point_on_hand AS numeric[]), CAST(:point_reserved AS numeric[]))
           AS p(sku, location, on_hand, reserved)
     WHERE sp.sku = p.sku AND sp.location = p.location
"""
SAVE_POINTS = text(_SAVE_POINTS)
SAVE_STATUSES = text(
    """
    UPDATE reservations AS r
       SET status = v.status, updated_at = now()
      FROM unnest(CAST(:order_ids AS text[]), CAST(:statuses AS text[])) AS v(order_id, status)
     WHERE r.order_id = v.order_id
    """
)
SAVE_LINES = text(
    """
    UPDATE reservation_lines AS l
       SET reserved = v.reserved, released = v.released, fulfilled = v.fulfilled,
           backordered = v.backordered
      FROM unnest(CAST(:line_order_ids AS text[]), CAST(:line_nos AS int[]),
                  CAST(:line_reserved AS numeric[]), CAST(:line_released AS numeric[]),
                  CAST(:line_fulfilled AS numeric[]), CAST(:line_backordered AS numeric[]))
           AS v(order_id, line_no, reserved, released, fulfilled, backordered)
     WHERE l.order_id = v.order_id AND l.line_no = v.line_no
    """
)
FILL_LINES = text(
    """
    UPDATE reservation_lines AS l
       SET reserved = l.reserved + f.quantity, backordered = l.backordered - f.quantity
      FROM unnest(CAST(:order_ids AS text[]), CAST(:line_nos AS int[]),
                  CAST(:quantities AS numeric[])) AS f(order_id, line_no, quantity)
     WHERE l.order_id = f.order_id AND l.line_no = f.line_no
    """
)
BACKORDERS = text(
    """
    SELECT l.sku, l.location, l.order_id, l.line_no, l.backordered, r.priority, r.placed_seq
      FROM reservation_lines AS l
      JOIN unnest(CAST(:skus AS text[]), CAST(:locations AS text[])) AS k(sku, location)
        ON l.sku = k.sku AND l.location = k.location
      JOIN reservations AS r ON r.order_id = l.order_id
     WHERE l.backordered > 0 AND r.status = 'reserved'
     ORDER BY l.sku, l.location, r.priority DESC, r.placed_seq, l.line_no
    """
)
"""The backorders waiting at some stock points, each point's in the order they are filled."""
_ADD_RESERVATIONS = """
    INSERT INTO reservations (order_id, reservation_id, status, reason, message, short_lines,
                              priority, customer_id, expires_at, allow_partial)
    SELECT r.order_id, r.reservation_id, r.status, r.reason, r.message,
           CAST(r.short_lines AS jsonb), r.priority, r.customer_id, r.expires_at,
           r.allow_partial
      FROM unnest(CAST(:order_ids AS text[]), CAST(:reservation_ids AS text[]),
                  CAST(:statuses AS text[]), CAST(:reasons AS text[]),
                  CAST(:messages AS text[]), CAST(:short_lines AS text[]),
                  CAST(:priorities AS int[]), CAST(:customer_ids AS text[]),
                  CAST(:expires_at AS timestamptz[]), CAST(:allow_partial AS boolean[]))
           WITH ORDINALITY
           AS r(order_id, reservation_id, status, reason, message, short_lines, priority,
                customer_id, expires_at, allow_partial, n)
     ORDER BY r.n
"""
"""Decided orders in decision order, which is the arrival order (`placed_seq`) backorders keep."""
_ADD_LINES = """
    INSERT INTO reservation_lines (order_id, line_no, sku, location, requested, reserved,
                                   released, fulfilled, backordered)
    SELECT *
      FROM unnest(CAST(:line_order_ids AS text[]), CAST(:line_nos AS int[]),
                  CAST(:line_skus AS text[]), CAST(:line_locations AS text[]),
                  CAST(:line_requested AS numeric[]), CAST(:line_reserved AS numeric[]),
                  CAST(:line_released AS numeric[]), CAST(:line_fulfilled AS numeric[]),
                  CAST(:line_backordered AS numeric[]))
"""
PLACING_CONTEXT = text(
    f"""
    WITH points AS MATERIALIZED ({_LOCK_POINTS})
    SELECT 'point' AS kind, sku AS code, location, on_hand, reserved,
           CAST(NULL AS boolean) AS active
      FROM points
    UNION ALL
    SELECT 'answered', order_id, NULL, NULL, NULL, NULL
      FROM reservations WHERE order_id = ANY(CAST(:order_ids AS text[]))
    UNION ALL
    SELECT 'cancelled', order_id, NULL, NULL, NULL, NULL
      FROM early_cancellations WHERE order_id = ANY(CAST(:order_ids AS text[]))
    UNION ALL
    SELECT 'item', sku, NULL, NULL, NULL, active
      FROM items WHERE sku = ANY(CAST(:skus AS text[]))
    UNION ALL
    SELECT 'location', location, NULL, NULL, NULL, active
      FROM locations WHERE location = ANY(CAST(:locations AS text[]))
    """
)
"""What deciding a batch of orders needs first, in one round trip: its stock points, locked
(in `LOCK_POINTS`' order); which orders have an outcome already; which were cancelled before
they came; and the items and locations named. The other rows are read as of the statement's
start; the locked points as they are once the locks are held."""
RECORD_PLACEMENTS = text(
    f"""
    WITH saved AS ({_SAVE_POINTS} RETURNING 1),
         added AS ({_ADD_RESERVATIONS}),
         lines AS ({_ADD_LINES})
    SELECT count(*) FROM saved
    """
)
"""A decided batch in one statement: the points it changed, the reservations (in decision
order) and their lines; returns how many points were saved. The lines' foreign-key checks
run at the end of the statement, when the reservations are there."""
FIRST_APPLICATIONS = text(
    """
    INSERT INTO applied_movements (movement_id)
    SELECT unnest(CAST(:movement_ids AS text[]))
        ON CONFLICT DO NOTHING
    RETURNING movement_id
    """
)
"""Claims ledger entries for applying: returns those never applied before."""
LOCK_ORDERS = text(
    """
    SELECT order_id FROM reservations
     WHERE order_id = ANY(CAST(:order_ids AS text[]))
     ORDER BY order_id
       FOR UPDATE
    """
)
