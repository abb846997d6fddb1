"""The "why" panel of a purchase requisition, or of a production work order proposal (no
supplier part), from its ask and the readings (`domain.why`)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from approval.domain.why import (
    BAR_STEPS,
    HISTORY_PERIODS,
    NEXT_PERIODS,
    RECENT_PRICES,
    Demand,
    Fact,
    Order,
    PeriodRow,
    Planning,
    Price,
    Readings,
    Requested,
    Unavailable,
    WhyPanel,
    change,
    next_starts,
    number,
    percent,
)


def _missing(reading: object, key: str) -> Fact | None:
    return Fact(key, None, reading.reason) if isinstance(reading, Unavailable) else None


def request_facts(ask: Requested) -> list[Fact]:
    price = f"{number(ask.unit_cost)} {ask.currency}" if ask.unit_cost is not None else "—"
    facts = [
        Fact("why_item", f"{ask.sku} @ {ask.location}"),
        Fact("why_quantity", number(ask.quantity) if ask.quantity is not None else "—"),
    ]
    if ask.made:
        lead_time = "—" if ask.lead_time_days is None else number(ask.lead_time_days)
        facts += [
            Fact("why_standard_cost", price),
            Fact("why_amount", f"{number(ask.amount)} {ask.currency}"),
            Fact("why_production_lead_time", lead_time),
            Fact("why_due_date", ask.due_date or "—"),
        ]
    else:
        facts += [
            Fact("why_supplier", ask.supplier_id or "—"),
            Fact("why_unit_price", price),
            Fact("why_amount", f"{number(ask.amount)} {ask.currency}"),
        ]
    if ask.position_then is not None and ask.reorder_point_then is not None:
        sign = "≤" if ask.position_then <= ask.reorder_point_then else ">"
        trigger = f"{number(ask.position_then)} {sign} {number(ask.reorder_point_then)}"
        facts.append(Fact("why_trigger", trigger))
    return facts


def plan_facts(readings: Readings) -> list[Fact]:
    """Forecast, safety stock and reorder point from the last planning run, else the policy."""
    plan = readings.planning
    if isinstance(plan, Planning):
        return [
            Fact(f"why_forecast_{plan.period}", number(plan.forecast_per_period),
                 note=plan.forecast_model),
            Fact("why_safety_stock", number(plan.safety_stock)),
            Fact("why_reorder_point", number(plan.reorder_point)),
            Fact("why_order_quantity", number(plan.order_quantity)),
            Fact("why_lead_time", number(plan.lead_time_mean_days.quantize(Decimal("0.1")))),
            Fact("why_service_target", percent(plan.service_target), note=plan.abc_class),
        ]  # fmt: skip
    policy = readings.policy
    facts = [Fact("why_forecast", None, plan.reason)]
    if isinstance(policy, Unavailable):
        return [*facts, Fact("why_reorder_point", None, policy.reason)]
    return [
        *facts,
        Fact("why_reorder_point", number(policy.reorder_point), note="policy"),
        Fact("why_order_quantity", number(policy.order_quantity), note="policy"),
    ]


def period_rows(planning: Planning | Unavailable, demand: Demand | Unavailable) -> list[PeriodRow]:
    """The last periods of demand and the forecast for the next ones, with relative bars."""
    actual = [] if isinstance(demand, Unavailable) else demand.buckets[-HISTORY_PERIODS:]
    rows: list[tuple[date, Decimal, bool]] = [(b.period_start, b.quantity, False) for b in actual]
    if isinstance(planning, Planning) and actual:
        ahead = next_starts(actual[-1].period_start, planning.period, NEXT_PERIODS)
        rows += [(start, planning.forecast_per_period, True) for start in ahead]
    top = max((quantity for _, quantity, _ in rows), default=Decimal(0))

    def bar(quantity: Decimal) -> int:
        if top <= 0:
            return 0
        return int((quantity / top * BAR_STEPS).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    return [
        PeriodRow(start, number(q), "forecast" if ahead else "actual", bar(q))
        for start, q, ahead in rows
    ]


def stock_facts(readings: Readings) -> list[Fact]:
    facts: list[Fact] = []
    available, position, backorders = readings.availability, readings.position, readings.backorders
    if isinstance(available, Unavailable):
        facts += [Fact("why_on_hand", None, available.reason)]
    else:
        facts += [
            Fact("why_on_hand", number(available.on_hand)),
            Fact("why_reserved", number(available.reserved)),
            Fact("why_available", number(available.available_to_promise)),
        ]
    if isinstance(position, Unavailable):
        facts.append(Fact("why_on_order", None, position.reason))
    else:
        facts.append(Fact("why_on_order", number(position.on_order)))
    facts.append(
        _missing(backorders, "why_backordered")
        or Fact("why_backordered", number(getattr(backorders, "backordered", 0)))
    )
    if not isinstance(position, Unavailable):
        facts.append(Fact("why_inventory_position", number(position.inventory_position)))
    return facts


def supplier_facts(readings: Readings, ask: Requested) -> list[Fact]:
    found = readings.supplier
    if isinstance(found, Unavailable):
        return [Fact("why_on_time", None, found.reason)]
    decided = found.on_time + found.late + found.overdue
    rate = "—" if found.on_time_rate is None else percent(found.on_time_rate)
    facts = [Fact("why_on_time", rate, note=f"{found.on_time}/{decided}")]
    if found.lead_time is not None:
        lead = found.lead_time
        facts.append(Fact("why_lead_time_seen", f"{lead.p50_days} / {lead.p90_days}"))
    orders = readings.orders
    if not isinstance(orders, Unavailable) and orders and ask.unit_cost is not None:
        last = orders[0].unit_cost
        facts.append(Fact("why_price_change", change(ask.unit_cost, last) or "—"))
    return facts


def prices(orders: list[Order] | Unavailable) -> list[Price]:
    if isinstance(orders, Unavailable):
        return []
    return [
        Price(o.purchase_order_id, o.released_at.date(), f"{number(o.unit_cost)} {o.currency}",
              number(o.quantity))
        for o in orders[:RECENT_PRICES]
    ]  # fmt: skip


def why_panel(ask: Requested, readings: Readings) -> WhyPanel:
    """Everything the page shows about why the purchase (or the production) is proposed; a
    work order proposal has no supplier part and no purchase prices."""
    planning = readings.planning
    period = planning.period if isinstance(planning, Planning) else None
    if period is None and not isinstance(readings.demand, Unavailable):
        period = readings.demand.period
    orders = readings.orders
    return WhyPanel(
        request=request_facts(ask),
        plan=plan_facts(readings),
        periods=period_rows(planning, readings.demand),
        period=period,
        stock=stock_facts(readings),
        supplier=[] if ask.made else supplier_facts(readings, ask),
        prices=[] if ask.made else prices(orders),
        prices_reason=orders.reason if isinstance(orders, Unavailable) and not ask.made else None,
        made=ask.made,
    )
