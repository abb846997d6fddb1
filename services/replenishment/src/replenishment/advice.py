"""Stock points as the suggestions and exceptions see them, read in bulk from the database."""

from __future__ import annotations

from replenishment import domain
from replenishment.domain.demand import DAYS_PER_PERIOD
from replenishment.domain.suggestions import StockPoint
from replenishment.repository import ReplenishmentUnitOfWork


async def stock_points(uow: ReplenishmentUnitOfWork) -> list[StockPoint]:
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
