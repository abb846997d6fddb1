"""Read models for the API (no locks): balances and the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stock_ledger.adapters.rows import entry as _entry
from stock_ledger.adapters.rows import n as _n
from stock_ledger.adapters.tables import balances, ledger_entries
from stock_ledger.domain import LedgerEntry


@dataclass(frozen=True)
class BalanceRow:
    sku: str
    location: str
    on_hand: Decimal
    value: Decimal
    average_cost: Decimal
    updated_at: datetime


@dataclass(frozen=True)
class LedgerRow:
    seq: int
    document_id: str
    posted_at: datetime
    posted_by: str
    order_id: str | None
    purchase_order_id: str | None
    entry: LedgerEntry


async def balances_of(
    session: AsyncSession, sku: str | None, location: str | None, limit: int
) -> list[BalanceRow]:
    query = select(balances).order_by(balances.c.sku, balances.c.location).limit(limit)
    if sku is not None:
        query = query.where(balances.c.sku == sku)
    if location is not None:
        query = query.where(balances.c.location == location)
    rows = await session.execute(query)
    return [
        BalanceRow(r.sku, r.location, _n(r.on_hand), _n(r.value), _n(r.average_cost), r.updated_at)
        for r in rows
    ]


async def ledger_of(
    session: AsyncSession, sku: str | None, location: str | None, limit: int
) -> Sequence[LedgerRow]:
    query = select(ledger_entries).order_by(ledger_entries.c.seq.desc()).limit(limit)
    if sku is not None:
        query = query.where(ledger_entries.c.sku == sku)
    if location is not None:
        query = query.where(ledger_entries.c.location == location)
    rows = await session.execute(query)
    return [
        LedgerRow(
            r.seq,
            r.document_id,
            r.posted_at,
            r.posted_by,
            r.order_id,
            r.purchase_order_id,
            _entry(r),
        )
        for r in reversed(rows.all())
    ]
