"""Cycle counting over HTTP: ABC classes, count schedules, count tasks, counting a task.

ABC classes and count schedules are configuration (``forms:admin``, the ledger's
administration permission; audited with before and after). Opening due tasks and counting
need ``stock:write``; the counter is the caller, who can never approve the count's variance
(`handlers.counting`). Reads need ``stock:read``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from inventory_contracts.events.base import NonNegativeQuantity, Sku
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.clock import utc_now
from inventory_runtime.errors import error_response
from pydantic import Field

from stock_ledger import handlers
from stock_ledger.adapters import LedgerUnitOfWork
from stock_ledger.api import Uow
from stock_ledger.api.common import run_posting, variance_threshold
from stock_ledger.api.schemas import Strict

router = secured_router(prefix="/v1", tags=["cycle counting"])
Admin = Annotated[Principal, require("forms:admin")]
Writer = Annotated[Principal, require("stock:write")]
READ = [require("stock:read")]
AbcClass = Literal["A", "B", "C"]


class AbcIn(Strict):
    abc_class: AbcClass


@router.put("/items/{sku}/abc-class", response_model=dict[str, str])
async def put_abc_class(sku: Sku, body: AbcIn, actor: Admin, uow: Uow) -> Any:
    """Set an item's ABC class (ABC 分类), which decides how often it is counted."""
    async with uow:
        known, earlier = await uow.counting.abc_class_of(sku)
        if not known:
            return error_response(404, "not_found", f"unknown SKU {sku!r} (未知物料编码)")
        await uow.counting.set_abc_class(sku, body.abc_class)
        uow.audit(
            actor,
            "update",
            "abc_class",
            sku,
            before={"sku": sku, "abc_class": earlier},
            after={"sku": sku, "abc_class": body.abc_class},
        )
        await uow.commit()
    return {"sku": sku, "abc_class": body.abc_class}


class ScheduleIn(Strict):
    interval_days: int = Field(gt=0, le=3650, description="count every this many days")


@router.get("/count-schedules", response_model=dict[str, int], dependencies=READ)
async def get_schedules(uow: Uow) -> Any:
    """Days between counts per ABC class (default A 30, B 90, C 365)."""
    async with uow:
        return await uow.counting.schedules()


@router.put("/count-schedules/{abc_class}", response_model=dict[str, int])
async def put_schedule(abc_class: AbcClass, body: ScheduleIn, actor: Admin, uow: Uow) -> Any:
    """Count the class every `interval_days` days."""
    async with uow:
        earlier = await uow.counting.schedule_of(abc_class)
        await uow.counting.set_schedule(abc_class, body.interval_days)
        uow.audit(
            actor,
            "create" if earlier is None else "update",
            "count_schedule",
            abc_class,
            before=None if earlier is None else {"abc_class": abc_class, "interval_days": earlier},
            after={"abc_class": abc_class, "interval_days": body.interval_days},
        )
        await uow.commit()
        return await uow.counting.schedules()


@router.post(
    "/count-tasks/generate",
    response_model=dict[str, list[str]],
    dependencies=[require("stock:write")],
)
async def generate_tasks(uow: Uow, today: Annotated[date | None, Query()] = None) -> Any:
    """Open a count task (盘点任务) for every stock point its ABC class says is due."""
    async with uow:
        created = await uow.counting.generate_tasks(today or utc_now().date())
        await uow.commit()
    return {"created": created}


@router.get("/count-tasks", dependencies=READ)
async def list_tasks(
    uow: Uow,
    status: Annotated[
        Literal["open", "awaiting_approval", "done", "rejected"] | None, Query()
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Any:
    async with uow:
        found = await uow.counting.tasks(status, limit)
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in t.items()} for t in found
    ]


class CountIn(Strict):
    counted_quantity: NonNegativeQuantity
    lot: str | None = Field(None, min_length=1, max_length=100)


@router.post(
    "/count-tasks/{task_id}/count",
    status_code=201,
    responses={202: {"description": "the variance waits for approval"}},
)
async def count_task(
    task_id: str,
    body: CountIn,
    actor: Writer,
    uow: Uow,
    threshold: Annotated[Decimal, Depends(variance_threshold)],
) -> Any:
    """Count a task: a stock count document (盘点单) posts the variance at once, or, when the
    variance is worth more than the configured amount, waits for approval (202)."""
    outcome: dict[str, handlers.Counted] = {}

    async def action(uow: LedgerUnitOfWork) -> handlers.Posted:
        counted = await handlers.count(
            task_id, body.counted_quantity, body.lot, actor.id, threshold, uow, utc_now()
        )
        outcome["counted"] = counted
        return handlers.Posted(counted.document, created=True)

    response = await run_posting(uow, action)
    counted = outcome.get("counted")
    if counted is None or response.status_code >= 300:
        return response
    if counted.approval_request_id is not None:
        response.status_code = 202
    return response
