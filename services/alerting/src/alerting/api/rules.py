"""Alert rules over HTTP: list and read them; create, replace, enable, disable and delete KPI
rules (each change a new version); change severity or channels of any rule; back-test a rule
on history before switching it on."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Query, Response
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.clock import utc_now
from inventory_runtime.errors import ApiError, field_problems
from pydantic import BaseModel, Field

from alerting.api import Uow
from alerting.api.schemas import RuleChanges, RuleView
from alerting.domain.language import KPI, RuleDefinition, definition_of
from alerting.handlers import rule_changes
from alerting.handlers.rule_changes import RuleConflict, RuleInvalid, RuleNotFound
from alerting.handlers.rules import backtest_rule

router = secured_router(prefix="/v1", tags=["rules"])
RuleEditor = Annotated[Principal, require("alerts:write")]
Reader = [require("alerts:read")]
Tester = [require("alerts:write")]
"""Back-tests are for who writes rules: they read weeks of history (not for every reader)."""
Weeks = Annotated[int, Query(ge=1, le=104, description="How many weeks of history.")]
T = TypeVar("T")


class RuleBody(RuleDefinition):
    """A KPI rule to create; `id` (a-z, 0-9, ``_.-``) is generated when absent."""

    id: str | None = Field(None, min_length=2, max_length=64)


class RuleVersion(BaseModel):
    rule_id: str
    version: int
    definition: dict[str, Any]
    changed_by: str | None
    changed_at: datetime


class BacktestAlert(BaseModel):
    on: str
    action: str
    subject: str
    items: list[str]
    messages: int


class BacktestView(BaseModel):
    weeks: int
    evaluated_on: list[str]
    alerts: int = Field(description="Alerts the rule would have raised.")
    messages: int = Field(description="Messages those alerts would have sent.")
    happenings: list[BacktestAlert]


async def _answer(command: Awaitable[T]) -> T:
    """The command's result, its refusals as the API's errors."""
    try:
        return await command
    except RuleNotFound as exc:
        raise ApiError(404, "not_found", f"no rule {exc.args[0]!r}") from None
    except RuleConflict as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    except RuleInvalid as exc:
        raise ApiError(422, "validation_error", field_problems(exc.problems)) from None


@router.get("/rules", response_model=list[RuleView], dependencies=Reader)
async def list_rules(uow: Uow) -> list[RuleView]:
    """The alert rules, built-in and KPI rules (their definition in ``params``)."""
    async with uow:
        return [RuleView.model_validate(row) for row in await uow.rules.all_rows()]


@router.get("/rules/{rule_id}", response_model=RuleView, dependencies=Reader)
async def get_rule(rule_id: str, uow: Uow) -> RuleView:
    async with uow:
        row = await uow.rule_book.row(rule_id)
    if row is None:
        raise ApiError(404, "not_found", f"no rule {rule_id!r}")
    return RuleView.model_validate(row)


@router.get("/rules/{rule_id}/versions", response_model=list[RuleVersion], dependencies=Reader)
async def rule_versions(rule_id: str, uow: Uow) -> list[RuleVersion]:
    """Every version of the rule, oldest first, with who saved it."""
    async with uow:
        found = await uow.rule_book.versions(rule_id)
    if not found:
        raise ApiError(404, "not_found", f"no rule {rule_id!r}")
    return [RuleVersion.model_validate(row) for row in found]


@router.post("/rules", status_code=201, response_model=RuleView)
async def create_rule(body: RuleBody, actor: RuleEditor, uow: Uow) -> RuleView:
    """Create a KPI rule (disabled unless ``"enabled": true``)."""
    definition = RuleDefinition.model_validate(body.model_dump(exclude={"id"}))
    row = await _answer(rule_changes.create(definition, body.id, actor, uow))
    return RuleView.model_validate(row)


@router.put("/rules/{rule_id}/definition", response_model=RuleView)
async def replace_rule(rule_id: str, body: RuleDefinition, actor: RuleEditor, uow: Uow) -> RuleView:
    """Replace a KPI rule as a whole (its next version)."""
    return RuleView.model_validate(await _answer(rule_changes.replace(rule_id, body, actor, uow)))


@router.put("/rules/{rule_id}", response_model=RuleView)
async def change_rule(rule_id: str, changes: RuleChanges, actor: RuleEditor, uow: Uow) -> RuleView:
    """Enable or disable a rule, change its severity or its channels."""
    values = changes.model_dump(exclude_none=True)
    if not values:
        return await get_rule(rule_id, uow)
    row = await _answer(rule_changes.change(rule_id, values, actor, uow))
    return RuleView.model_validate(row)


@router.post("/rules/{rule_id}/enable", response_model=RuleView)
async def enable_rule(rule_id: str, actor: RuleEditor, uow: Uow) -> RuleView:
    row = await _answer(rule_changes.change(rule_id, {"enabled": True}, actor, uow))
    return RuleView.model_validate(row)


@router.post("/rules/{rule_id}/disable", response_model=RuleView)
async def disable_rule(rule_id: str, actor: RuleEditor, uow: Uow) -> RuleView:
    row = await _answer(rule_changes.change(rule_id, {"enabled": False}, actor, uow))
    return RuleView.model_validate(row)


@router.delete("/rules/{rule_id}", status_code=204)
async def delete_rule(rule_id: str, actor: RuleEditor, uow: Uow) -> Response:
    """Delete a KPI rule that never raised an alert (409: disable it instead)."""
    await _answer(rule_changes.delete(rule_id, actor, uow))
    return Response(status_code=204)


def _backtest_view(result: Any) -> BacktestView:
    return BacktestView(
        weeks=result.weeks,
        evaluated_on=[day.isoformat() for day in result.evaluated_on],
        alerts=result.alerts,
        messages=result.messages,
        happenings=[
            BacktestAlert(on=h.on.isoformat(), action=h.action, subject=h.subject,
                          items=list(h.items), messages=h.messages)
            for h in result.happenings
        ],
    )  # fmt: skip


@router.post("/rules/backtest", response_model=BacktestView, dependencies=Tester)
async def backtest_body(body: RuleDefinition, uow: Uow, weeks: Weeks = 8) -> BacktestView:
    """Run an unsaved rule over the last `weeks` weeks: which alerts it would have raised and
    resolved on which Monday, and how many messages it would have sent."""
    return _backtest_view(await backtest_rule(body, weeks, uow, utc_now()))


@router.post("/rules/{rule_id}/backtest", response_model=BacktestView, dependencies=Tester)
async def backtest_saved(rule_id: str, uow: Uow, weeks: Weeks = 8) -> BacktestView:
    """Run a saved KPI rule (enabled or not) over the last `weeks` weeks."""
    async with uow:
        row = await uow.rule_book.row(rule_id)
    if row is None or row["kind"] != KPI:
        raise ApiError(404, "not_found", f"no KPI rule {rule_id!r}")
    return _backtest_view(await backtest_rule(definition_of(row), weeks, uow, utc_now()))
