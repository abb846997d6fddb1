"""The set-based statements of the repository: whole batches in one round trip each."""

from __future__ import annotations

from sqlalchemy import text

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
SAVE_LINES = text(
    """
    UPDATE reservation_lines AS l
       SET reserved = v.reserved, released = v.released, fulfilled = v.fulfilled,
           backordered = v.backordered
      FROM unnest(CAST(:line_nos AS int[]), CAST(:reserved AS numeric[]),
                  CAST(:released AS numeric[]), CAST(:fulfilled AS numeric[]),
                  CAST(:backordered AS numeric[]))
           AS v(line_no, reserved, released, fulfilled, backordered)
     WHERE l.order_id = :order_id AND l.line_no = v.line_no
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
    SELECT l.order_id, l.line_no, l.backordered, r.priority, r.placed_seq
      FROM reservation_lines AS l
      JOIN reservations AS r ON r.order_id = l.order_id
     WHERE l.sku = :sku AND l.location = :location AND l.backordered > 0
       AND r.status = 'reserved'
     ORDER BY r.priority DESC, r.placed_seq, l.line_no
    """
)
