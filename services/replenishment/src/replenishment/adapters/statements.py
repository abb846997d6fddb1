"""The set-based statements of the consumer's batches: a whole run in one round trip each.

Stock points travel as parallel arrays (`unnest`), so each statement has one text whatever the
batch size and asyncpg keeps one prepared statement. Rows are touched in (sku, location) order,
so concurrent batches never deadlock. Predicates of partial indexes are literals, so generic
plans can still use those indexes.
"""

from __future__ import annotations

from sqlalchemy import text

from replenishment.adapters.tables import OPEN_REQUISITION

_STOCK_POINTS = "unnest(CAST(:skus AS text[]), CAST(:locations AS text[])) AS k(sku, location)"

CREATE_POSITIONS = text(
    f"""
    INSERT INTO stock_positions (sku, location)
    SELECT k.sku, k.location FROM {_STOCK_POINTS}
     ORDER BY k.sku, k.location
        ON CONFLICT DO NOTHING
    """
)
LOCK_POSITIONS = text(
    f"""
    SELECT sp.sku, sp.location, sp.on_hand, sp.reserved, sp.on_order, sp.as_of
      FROM stock_positions AS sp
      JOIN {_STOCK_POINTS} ON sp.sku = k.sku AND sp.location = k.location
     ORDER BY sp.sku, sp.location
       FOR UPDATE OF sp
    """
)
SAVE_POSITIONS = text(
    """
    UPDATE stock_positions AS sp
       SET on_hand = p.on_hand, reserved = p.reserved, on_order = p.on_order, as_of = p.as_of,
           updated_at = now()
      FROM unnest(CAST(:skus AS text[]), CAST(:locations AS text[]),
                  CAST(:on_hand AS numeric[]), CAST(:reserved AS numeric[]),
                  CAST(:on_order AS numeric[]), CAST(:as_of AS timestamptz[]))
           AS p(sku, location, on_hand, reserved, on_order, as_of)
     WHERE sp.sku = p.sku AND sp.location = p.location
    """
)
POLICIES = text(
    f"""
    SELECT p.*
      FROM policies AS p
      JOIN {_STOCK_POINTS} ON p.sku = k.sku AND p.location = k.location
    """
)
# The predicate is that of the partial index `uq_requisitions_open_stock_point`.
STOCK_POINTS_WITH_OPEN_REQUISITION = text(
    f"""
    SELECT DISTINCT r.sku, r.location
      FROM requisitions AS r
      JOIN {_STOCK_POINTS} ON r.sku = k.sku AND r.location = k.location
     WHERE {OPEN_REQUISITION.text}
    """
)

# The order lines new to us, then their sums per stock point and day; an (order, stock point)
# already recorded returns no row, so it adds nothing to the day.
RECORD_DEMAND = text(
    """
    WITH recorded AS (
        INSERT INTO demand_order_lines (order_id, sku, location, quantity, demand_date, placed_at)
        SELECT l.order_id, l.sku, l.location, l.quantity, l.demand_date, l.placed_at
          FROM unnest(CAST(:order_ids AS text[]), CAST(:skus AS text[]),
                      CAST(:locations AS text[]), CAST(:quantities AS numeric[]),
                      CAST(:demand_dates AS date[]), CAST(:placed_at AS timestamptz[]))
               AS l(order_id, sku, location, quantity, demand_date, placed_at)
         ORDER BY l.order_id, l.sku, l.location
            ON CONFLICT DO NOTHING
     RETURNING sku, location, demand_date, quantity
    )
    INSERT INTO demand_daily AS d (sku, location, demand_date, quantity, order_count)
    SELECT sku, location, demand_date, sum(quantity), count(*)
      FROM recorded
     GROUP BY sku, location, demand_date
     ORDER BY sku, location, demand_date
        ON CONFLICT (sku, location, demand_date) DO UPDATE
       SET quantity = d.quantity + excluded.quantity,
           order_count = d.order_count + excluded.order_count
    """
)
