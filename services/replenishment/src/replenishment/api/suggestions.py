"""Suggestions (what to order, how much, from whom, by when and why), snoozing them, and the
exception lists. Reasons come in English (`en`) and Simplified Chinese (`zh`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.responses import JSONResponse
from inventory_runtime.auth.routes import secured_router
from inventory_runtime.errors import ApiError, validation_error
from pydantic import BaseModel, ConfigDict, Field

from replenishment.api import NOT_FOUND, READ, Limit, PlanningWriter, Today, Uow
from replenishment.domain.stock_exceptions import ExceptionKind
from replenishment.domain.suggestions import parse_suggestion_id
from replenishment.handlers import advice
from replenishment.handlers.advice import AdviceSettings

router = secured_router(prefix="/v1", tags=["suggestions"])


def get_advice_settings(request: Request) -> AdviceSettings:
    found = getattr(request.app.state, "advice_settings", None)
    return found if isinstance(found, AdviceSettings) else AdviceSettings()


AdviceDep = Annotated[AdviceSettings, Depends(get_advice_settings)]


class ReasonView(BaseModel):
    code: str
    en: str
    zh: str


class SuggestionView(BaseModel):
    suggestion_id: str
    sku: str
    location: str
    supplier_id: str
    quantity: Decimal
    unit_cost: Decimal
    value: Decimal
    currency: str
    order_by: date
    expected_arrival: date
    cover_days: float | None = Field(description="days the available stock lasts")
    lead_time_days: int
    risk_ratio: float | None = Field(description="cover / lead time; < 1: stockout first")
    inventory_position: Decimal
    reorder_point: Decimal
    order_up_to: Decimal | None
    safety_stock: Decimal | None
    daily_demand: float | None
    open_requisition_id: str | None
    snoozed_until: date | None
    reasons: list[ReasonView]


@router.get("/suggestions", dependencies=READ, response_model=list[SuggestionView])
async def list_suggestions(
    uow: Uow,
    advice_settings: AdviceDep,
    today: Today,
    include_snoozed: bool = False,
    limit: Limit = 100,
) -> list[SuggestionView]:
    """What to order, how much, from whom, by when and why; riskiest and most valuable first."""
    found = await advice.suggestions(uow, today, advice_settings, include_snoozed=include_snoozed)
    return [SuggestionView(**_plain(s)) for s in found[:limit]]


def _plain(value: Any) -> dict[str, Any]:
    return {k: [r.__dict__ for r in v] if k == "reasons" else v for k, v in value.__dict__.items()}


class SnoozeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    until: date = Field(description="Hidden from the suggestions up to and including this day.")
    comment: str | None = Field(None, max_length=500)


class SnoozeView(BaseModel):
    suggestion_id: str
    snoozed_until: date
    comment: str | None
    snoozed_by: str = Field(description="The caller's login (from the token).")


@router.post(
    "/suggestions/{suggestion_id}/snooze",
    response_model=SnoozeView,
    responses={**NOT_FOUND, 422: {"description": "bad date"}},
)
async def snooze_suggestion(
    suggestion_id: Annotated[str, Path(min_length=3, max_length=201)],
    body: SnoozeRequest,
    actor: PlanningWriter,
    uow: Uow,
    today: Today,
) -> SnoozeView | JSONResponse:
    """Hide a suggestion until a date (ids are ``sku@location``); recorded and audited under
    the caller's login."""
    key = parse_suggestion_id(suggestion_id)
    if body.until < today:
        return validation_error([("until", "must be today or later")])
    if key is None or not await advice.snooze(uow, key, body.until, body.comment, actor):
        raise ApiError(404, "not_found", f"suggestion {suggestion_id} not found")
    return SnoozeView(
        suggestion_id=suggestion_id,
        snoozed_until=body.until,
        comment=body.comment,
        snoozed_by=actor.id,
    )


class StockExceptionView(BaseModel):
    kind: str
    sku: str
    location: str
    quantity: Decimal
    value: Decimal
    reason: ReasonView


@router.get("/exceptions", dependencies=READ, response_model=list[StockExceptionView])
async def list_exceptions(
    uow: Uow,
    settings: AdviceDep,
    kind: ExceptionKind,
    today: Today,
    limit: Limit = 100,
) -> list[StockExceptionView]:
    """Stock points that will stock out before replenishment arrives, hold excess or dead stock,
    have more on order than they need, or buy lots covering more than `large_lot_days` of
    demand (ask for smaller packs); largest value first."""
    found = await advice.stock_exceptions(uow, kind, today, settings)
    return [
        StockExceptionView(**{**e.__dict__, "reason": ReasonView(**e.reason.__dict__)})
        for e in found[:limit]
    ]
