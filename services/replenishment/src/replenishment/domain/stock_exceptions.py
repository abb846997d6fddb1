"""Exception lists over stock points (pure): stockout risk, excess, dead stock, too much on order,
and lots too large for the demand.

Each list names the quantity concerned (units short, in excess, dead, on order beyond need, or
of the lot beyond the cover limit) and its value, with the reason in English and Chinese; the
largest value comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final, Literal, get_args

from replenishment.domain.suggestions import Reason, StockPoint, fmt

ExceptionKind = Literal["stockout_risk", "excess", "dead", "too_much_on_order", "large_lot"]
EXCEPTION_KINDS: Final = get_args(ExceptionKind)


@dataclass(frozen=True)
class StockException:
    kind: ExceptionKind
    sku: str
    location: str
    quantity: Decimal  # units short, in excess, dead, or on order beyond need
    value: Decimal
    reason: Reason


@dataclass(frozen=True)
class _Judging:
    """What the exception rules compare a stock point with."""

    today: date
    tolerance: Decimal
    dead_days: int
    lot_days: int


_Finding = tuple[Decimal, Reason] | None
"""The quantity concerned and why, or None when the stock point is not an exception."""


def exceptions(
    points: Iterable[StockPoint],
    kind: ExceptionKind,
    today: date,
    *,
    excess_tolerance: Decimal,
    dead_after_days: int,
    large_lot_days: int = 365,
) -> list[StockException]:
    """Stock points with the exception `kind`, largest value first. `large_lot_days`: a lot
    (the order quantity) covering more days of demand than this is a `large_lot`."""
    judging = _Judging(today, excess_tolerance, dead_after_days, large_lot_days)
    rule = _RULES[kind]
    found = []
    for p in points:
        finding = rule(p, judging)
        if finding is not None:
            quantity, reason = finding
            value = (quantity * p.unit_cost).quantize(Decimal("0.01"))
            found.append(StockException(kind, p.sku, p.location, quantity, value, reason))
    return sorted(found, key=lambda e: (-e.value, e.sku, e.location))


def _stockout_risk(p: StockPoint, judging: _Judging) -> _Finding:
    today = judging.today
    cover = p.cover_days
    arrival = p.next_arrival or today + timedelta(days=p.lead_time_days)
    wait = max(0, (arrival - today).days)
    if cover is None or cover >= wait or p.daily_demand is None:
        return None
    quantity = Decimal(str(round(p.daily_demand * wait - max(float(p.available), 0), 2)))
    return quantity, Reason(
        "stockout_risk",
        f"available stock lasts {cover:.1f} days; replenishment arrives in {wait} days",
        f"可用量仅够 {cover:.1f} 天，补货需 {wait} 天后到达",
    )


def _excess(p: StockPoint, judging: _Judging) -> _Finding:
    tolerance = judging.tolerance
    if p.available <= p.target_level * (1 + tolerance):
        return None
    return p.available - p.target_level, Reason(
        "excess",
        f"available {fmt(p.available)} exceeds the order-up-to level "
        f"{fmt(p.target_level)} by more than {fmt(tolerance * 100)}%",
        f"可用量 {fmt(p.available)} 超出最高库存 {fmt(p.target_level)} 的 "
        f"{fmt(tolerance * 100)}% 以上",
    )


def _dead(p: StockPoint, judging: _Judging) -> _Finding:
    dead_days = judging.dead_days
    last = p.last_demand_on
    silent = last is None or (judging.today - last).days >= dead_days
    if p.on_hand <= 0 or not silent:
        return None
    since = "ever" if last is None else f"since {last.isoformat()}"
    since_zh = "从未有需求" if last is None else f"自 {last} 起无需求"
    return p.on_hand, Reason(
        "dead",
        f"no demand {since} (dead after {dead_days} days); {fmt(p.on_hand)} on hand",
        f"呆滞料：{since_zh}（{dead_days} 天无需求即呆滞），现存量 {fmt(p.on_hand)}",
    )


def _too_much_on_order(p: StockPoint, judging: _Judging) -> _Finding:
    beyond = p.inventory_position - p.target_level * (1 + judging.tolerance)
    if p.on_order <= 0 or beyond <= 0:
        return None
    return min(p.on_order, p.inventory_position - p.target_level), Reason(
        "too_much_on_order",
        f"on order {fmt(p.on_order)} lifts the position to {fmt(p.inventory_position)}, "
        f"beyond the order-up-to level {fmt(p.target_level)}",
        f"在途量 {fmt(p.on_order)} 使库存净额达 {fmt(p.inventory_position)}，"
        f"超过最高库存 {fmt(p.target_level)}",
    )


def _large_lot(p: StockPoint, judging: _Judging) -> _Finding:
    daily = p.daily_demand
    if not daily or daily <= 0 or p.order_quantity <= 0:
        return None
    days = float(p.order_quantity) / daily
    if days <= judging.lot_days:
        return None
    beyond = Decimal(str(round(float(p.order_quantity) - daily * judging.lot_days, 2)))
    terms = f"MOQ {fmt(p.moq or Decimal(0))}, pack {fmt(p.pack_size or Decimal(1))}"
    if p.reorder_point <= 0:
        what, what_zh = "planned as non-stock (ordered against demand)", "按需订货（不备库存）"
    else:
        what, what_zh = "stocked at one lot", "只备一个订货批量"
    return beyond, Reason(
        "large_lot",
        f"the lot of {fmt(p.order_quantity)} ({terms}) covers {days:.0f} days of demand, over "
        f"the limit of {judging.lot_days} days; {what}; ask the supplier for a smaller pack",
        f"订货批量 {fmt(p.order_quantity)}（最小起订量 {fmt(p.moq or Decimal(0))}，包装 "
        f"{fmt(p.pack_size or Decimal(1))}）可覆盖 {days:.0f} 天需求，超过上限 "
        f"{judging.lot_days} 天；{what_zh}；请向供应商争取更小的包装",
    )


_RULES: Final[dict[str, Callable[[StockPoint, _Judging], _Finding]]] = {
    "stockout_risk": _stockout_risk,
    "excess": _excess,
    "dead": _dead,
    "too_much_on_order": _too_much_on_order,
    "large_lot": _large_lot,
}
