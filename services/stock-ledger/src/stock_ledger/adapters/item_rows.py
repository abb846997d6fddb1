"""Items in bulk: a run of `ItemUpserted` (a bulk import) in one statement per chunk."""

from __future__ import annotations

import json
from collections.abc import Sequence

from inventory_contracts import ItemUpserted
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

CHUNK = 5000
_COLUMNS = (
    "sku text, name text, unit_of_measure text, unit_cost numeric, currency text,"
    " valuation_method text, lot_tracked boolean, expiry_managed boolean, active boolean,"
    " category text"
)
_NAMES = [column.split()[0] for column in _COLUMNS.split(",")]
UPSERT_ITEMS = text(
    f"INSERT INTO items ({', '.join(_NAMES)}) SELECT {', '.join(_NAMES)}"
    f" FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r({_COLUMNS})"
    " ON CONFLICT (sku) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _NAMES[1:])
    + ", updated_at = now()"
)


async def upsert_items(session: AsyncSession, batch: Sequence[ItemUpserted]) -> None:
    """The items (a SKU given twice: its last state), one statement per `CHUNK`."""
    latest = list(
        {item.sku: item.model_dump(mode="json", include=set(_NAMES)) for item in batch}.values()
    )
    for start in range(0, len(latest), CHUNK):
        await session.execute(UPSERT_ITEMS, {"rows": json.dumps(latest[start : start + CHUNK])})
