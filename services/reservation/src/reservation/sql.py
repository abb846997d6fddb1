"""The set-based statements of the repository: whole batches in one round trip each."""

from __future__ import annotations

from sqlalchemy import text

CREATE_POINTS = text(
    """
    INSERT INTO stock_points (sku, location)
    SELECT * FROM unnest(CAST(:skus AS text[]), CAST(:locations AS text[]))
        ON CONFLICT DO NOTHING
    """
)
LOCK_POINTS = text(
    """
    SELECT sp.sku, sp.location, sp.on_hand, sp.reserved
      FROM stock_points AS sp
      JOIN unnest(CAST(:skus AS text[]), CAST(:locations AS text[])) AS k(sku, location)
        ON sp.sku = k.sku AND sp.location = k.location
     ORDER BY sp.sku, sp.location
       FOR UPDATE OF sp
    """
)
SAVE_POINTS = text(
    """
    UPDATE stock_points AS sp
       SET on_hand = p.on_hand, reserved = p.reserved, updated_at = now()
      FROM unnest(CAST(:skus AS text[]), CAST(:locations AS text[]),
                  CAST(:on_hand AS numeric[]), CAST(:reserved AS numeric[]))
           AS p(sku, location, on_hand, reserved)
     WHERE sp.sku = p.sku AND sp.location = p.location
    """
)
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
      FROM unnest(CAST(:order_ids AS text[]), CAST(:line_nos AS int[]),
                  CAST(:reserved AS numeric[]), CAST(:released AS numeric[]),
                  CAST(:fulfilled AS numeric[]), CAST(:backordered AS numeric[]))
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
ADD_RESERVATIONS = text(
    """
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
)
"""Decided orders in decision order, which is the arrival order (`placed_seq`) backorders keep."""
ADD_LINES = text(
    """
    INSERT INTO reservation_lines (order_id, line_no, sku, location, requested, reserved,
                                   released, fulfilled, backordered)
    SELECT *
      FROM unnest(CAST(:order_ids AS text[]), CAST(:line_nos AS int[]),
                  CAST(:skus AS text[]), CAST(:locations AS text[]),
                  CAST(:requested AS numeric[]), CAST(:reserved AS numeric[]),
                  CAST(:released AS numeric[]), CAST(:fulfilled AS numeric[]),
                  CAST(:backordered AS numeric[]))
    """
)
ORDER_CONTEXT = text(
    """
    SELECT 'answered' AS kind, order_id AS code, CAST(NULL AS boolean) AS active
      FROM reservations WHERE order_id = ANY(CAST(:order_ids AS text[]))
    UNION ALL
    SELECT 'cancelled', order_id, NULL
      FROM early_cancellations WHERE order_id = ANY(CAST(:order_ids AS text[]))
    UNION ALL
    SELECT 'item', sku, active FROM items WHERE sku = ANY(CAST(:skus AS text[]))
    UNION ALL
    SELECT 'location', location, active
      FROM locations WHERE location = ANY(CAST(:locations AS text[]))
    """
)
"""What deciding a batch of orders needs to know first, in one round trip: which orders have an
outcome already, which were cancelled before they came, and the items and locations named."""
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
