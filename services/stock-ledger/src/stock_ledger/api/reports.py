"""Reports (报表) as JSON, or CSV with `?format=csv` or `Accept: text/csv` (``stock:read``)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from fastapi.responses import Response
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.clock import utc_now
from inventory_runtime.errors import validation_error

from stock_ledger.adapters import aging as aging_table
from stock_ledger.adapters import reports
from stock_ledger.api import Uow

router = secured_router(
    prefix="/v1/reports", tags=["reports"], dependencies=[require("stock:read")]
)
Format = Annotated[Literal["json", "csv"] | None, Query(description="or Accept: text/csv")]
Filter = Annotated[str | None, Query(min_length=1)]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def respond(request: Request, rows: list[dict[str, Any]], fmt: str | None, name: str) -> Response:
    """Rows as a JSON array (decimals as strings) or as CSV with a header line."""
    wants_csv = fmt == "csv" or (fmt is None and "text/csv" in request.headers.get("accept", ""))
    if wants_csv:
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows({k: _plain(v) for k, v in row.items()} for row in rows)
        return Response(
            buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    body = json.dumps([{k: _plain(v) for k, v in row.items()} for row in rows], ensure_ascii=False)
    return Response(body, media_type="application/json")


async def respond_query(
    request: Request, uow: Uow, query: reports.Query, fmt: str | None, name: str
) -> Response:
    """A report built in SQL: JSON text straight from PostgreSQL, or CSV from its rows."""
    wants_csv = fmt == "csv" or (fmt is None and "text/csv" in request.headers.get("accept", ""))
    async with uow:
        if not wants_csv:
            return Response(await query.json(uow.session), media_type="application/json")
        rows = await query.rows(uow.session)
    return respond(request, rows, "csv", name)


def _today() -> date:
    return utc_now().date()


@router.get("/on-hand")
async def on_hand(
    request: Request,
    uow: Uow,
    sku: Filter = None,
    location: Filter = None,
    by: Annotated[Literal["location", "lot"], Query()] = "location",
    format: Format = None,
) -> Response:
    """On hand and value by SKU x location, or by lot (批次) with its expiry."""
    query = reports.on_hand(sku, location, by == "lot")
    return await respond_query(request, uow, query, format, "on-hand")


@router.get("/valuation")
async def valuation(
    request: Request,
    uow: Uow,
    group: Annotated[Literal["item", "category", "location"], Query()] = "item",
    format: Format = None,
) -> Response:
    """Inventory value (库存金额) per item, category or location."""
    return await respond_query(request, uow, reports.valuation(group), format, "valuation")


@router.get("/aging")
async def aging(
    request: Request, uow: Uow, sku: Filter = None, location: Filter = None, format: Format = None
) -> Response:
    """Stock aging (库龄): quantity and value in 0-30, 31-90, 91-180, 181-365, >365 days."""
    async with uow:
        await aging_table.ensure_current(uow.session, _today())
        await uow.commit()
    return await respond_query(request, uow, reports.aging(sku, location), format, "aging")


@router.get("/turnover")
async def turnover(
    request: Request,
    uow: Uow,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    group: Annotated[Literal["item", "category"], Query()] = "item",
    format: Format = None,
) -> Response:
    """Inventory turnover (周转率) = cost of goods issued / average inventory value."""
    if start > end:
        return validation_error([("from", "is after to")], prefix="query.")
    async with uow:
        rows = await reports.turnover(uow.session, group, start, end)
    return respond(request, rows, format, "turnover")


@router.get("/days-of-supply")
async def days_of_supply(
    request: Request,
    uow: Uow,
    sku: Filter = None,
    location: Filter = None,
    window_days: Annotated[int, Query(ge=1, le=3650)] = 30,
    format: Format = None,
) -> Response:
    """Days of supply (可供天数): on hand / average daily issues over the window."""
    async with uow:
        rows = await reports.days_of_supply(uow.session, sku, location, window_days, _today())
    return respond(request, rows, format, "days-of-supply")


@router.get("/slow-moving")
async def slow_moving(
    request: Request,
    uow: Uow,
    days: Annotated[int, Query(ge=1, le=3650, description="no issue for this many days")] = 90,
    format: Format = None,
) -> Response:
    """Slow-moving and dead stock (呆滞库存): no issue in `days` days, with its value."""
    async with uow:
        rows = await reports.slow_moving(uow.session, days, _today())
    return respond(request, rows, format, "slow-moving")


@router.get("/movements")
async def movements(
    request: Request,
    uow: Uow,
    sku: Annotated[str, Query(min_length=1)],
    location: Filter = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    format: Format = None,
) -> Response:
    """Movement history (出入库明细) of a SKU by business date."""
    async with uow:
        rows = await reports.movements(uow.session, sku, location, start, end, limit)
    return respond(request, rows, format, "movements")
