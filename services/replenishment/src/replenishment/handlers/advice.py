"""Suggestions (what to order, how much, from whom, by when and why) and exception lists over
every stock point with a usable policy, read in bulk; and snoozing a suggestion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from inventory_runtime.auth.principal import Principal

from replenishment import domain
from replenishment.domain import StockPointKey
from replenishment.domain import suggestions as advice_rules
from replenishment.domain.demand import DAYS_PER_PERIOD
from replenishment.domain.stock_exceptions import ExceptionKind, StockException, exceptions
from replenishment.domain.suggestions import StockPoint, Suggestion
from replenishment.ports import PlanningUoW


@dataclass(frozen=True)
class AdviceSettings:
    """How suggestions and exceptions judge stock points (from the service settings)."""

    review_days: int = 7
    excess_tolerance: Decimal = Decimal("0.2")
    dead_stock_days: int = 90
    large_lot_days: int = 365


async def suggestions(
    uow: PlanningUoW, today: date, settings: AdviceSettings, *, include_snoozed: bool
) -> list[Suggestion]:
    """Suggestions, riskiest and most valuable first."""
    async with uow:
        points = await stock_points(uow)
    return advice_rules.suggestions(
        points, today, settings.review_days, include_snoozed=include_snoozed
    )


async def stock_exceptions(
    uow: PlanningUoW, kind: ExceptionKind, today: date, settings: AdviceSettings
) -> list[StockException]:
    """Stock points with the exception `kind`, largest value first."""
    async with uow:
        points = await stock_points(uow)
    return exceptions(
        points,
        kind,
        today,
        excess_tolerance=settings.excess_tolerance,
        dead_after_days=settings.dead_stock_days,
        large_lot_days=settings.large_lot_days,
    )


async def snooze(
    uow: PlanningUoW, key: StockPointKey, until: date, comment: str | None, actor: Principal
) -> bool:
    """`actor` hides the stock point's suggestion up to and including `until` (a decision on
    the suggestion, audited); False if it has no policy (so no suggestion)."""
    async with uow:
        if await uow.policies.get(*key) is None:
            return False
        before = await uow.planning.snooze(key[0], key[1], until, comment, actor.id)
        after = {"snoozed_until": until, "comment": comment, "snoozed_by": actor.id}
        suggestion_id = f"{key[0]}@{key[1]}"
        uow.audit(actor, "snooze", "suggestion", suggestion_id, before=before, after=after)
        await uow.commit()
    return True


async def stock_points(uow: PlanningUoW) -> list[StockPoint]:
    """Every stock point with a usable policy (its terms resolve), with position and planning."""
    repo = uow.planning
    policies = await repo.policies()
    items = await repo.items()
    suppliers = await repo.suppliers()
    positions = await repo.positions()
    planned = await repo.results()
    arrivals = await repo.next_arrivals()
    requisitions = await repo.open_requisitions()
    snoozes = await repo.snoozes()
    last_demand = {key: span[1] for key, span in (await repo.demand_span()).items()}
    points = []
    for key, policy in sorted(policies.items()):
        try:
            terms = domain.resolve_terms(
                policy, items.get(policy.sku), suppliers.get(policy.supplier_id)
            )
        except domain.PolicyError:
            continue
        if terms.supplier_id is None:
            continue  # a make item is made (work order proposals), not bought from a supplier
        position = positions.get(key) or domain.Position(*key)
        plan = planned.get(key)
        daily = (
            None
            if plan is None
            else float(plan.forecast_per_period) / DAYS_PER_PERIOD.get(plan.period, 7.0)
        )
        planned_up_to = plan.order_up_to if plan is not None and plan.applied else None
        points.append(
            StockPoint(
                sku=policy.sku,
                location=policy.location,
                supplier_id=terms.supplier_id,
                unit_cost=terms.unit_cost,
                currency=terms.currency,
                lead_time_days=terms.lead_time_days,
                on_hand=position.on_hand,
                reserved=position.reserved,
                on_order=position.on_order,
                reorder_point=policy.reorder_point,
                order_quantity=policy.order_quantity,
                order_up_to=planned_up_to,
                safety_stock=None if plan is None else plan.safety_stock,
                daily_demand=daily,
                moq=policy.moq,
                pack_size=policy.pack_size,
                next_arrival=arrivals.get(key),
                last_demand_on=last_demand.get(key),
                open_requisition_id=requisitions.get(key),
                snoozed_until=snoozes.get(key),
            )
        )
    return points
