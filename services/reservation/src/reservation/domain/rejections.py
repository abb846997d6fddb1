"""Why an order cannot be reserved, in words for the CRM user (English and Simplified Chinese).

Used by `placing` when it decides an order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Literal

from inventory_contracts import ShortLine
from inventory_contracts.events.reservations import RejectionReason

from reservation.domain.model import ZERO, MasterData, PointKey, ReservationLine, StockPoint


def show(quantity: Decimal) -> str:
    """A quantity as people write it: 12, 2.5 (never 1E+1 or 12.000)."""
    return format(quantity.normalize(), "f")


def short_line(line: ReservationLine, points: Mapping[PointKey, StockPoint]) -> ShortLine:
    point = points.get(line.key)
    available = point.available_to_promise if point else ZERO
    return ShortLine(
        sku=line.sku, location=line.location, requested=line.requested, available=available
    )


def _names(lines: Sequence[ReservationLine], what: Literal["sku", "location", "point"]) -> str:
    if what == "sku":
        names = [line.sku for line in lines]
    elif what == "location":
        names = [line.location for line in lines]
    else:
        names = [f"{line.sku}@{line.location}" for line in lines]
    return ", ".join(dict.fromkeys(names))


def validation_problem(
    lines: Sequence[ReservationLine], master: MasterData
) -> tuple[RejectionReason, str, list[ReservationLine]] | None:
    """The first reason the order cannot be reserved at all, whatever the stock."""
    duplicated: list[ReservationLine] = []
    if len({line.key for line in lines}) != len(lines):  # rare: count only then
        counts = Counter(line.key for line in lines)
        duplicated = [line for line in lines if counts[line.key] > 1]
    if duplicated:
        names = _names(duplicated, "point")
        message = (
            f"The same SKU and location appear on more than one line: {names}. "
            f"同一物料和库位在多行出现：{names}。"
        )
        return "duplicate_line", message, duplicated
    unknown_skus = [line for line in lines if line.sku not in master.items]
    if unknown_skus:
        names = _names(unknown_skus, "sku")
        return "unknown_sku", f"Unknown SKU: {names}. 未知物料编码：{names}。", unknown_skus
    unknown_locations = [line for line in lines if line.location not in master.locations]
    if unknown_locations:
        names = _names(unknown_locations, "location")
        message = f"Unknown location: {names}. 未知库位：{names}。"
        return "unknown_location", message, unknown_locations
    inactive_skus = [line for line in lines if not master.items[line.sku]]
    if inactive_skus:
        names = _names(inactive_skus, "sku")
        message = f"SKU is inactive: {names}. 物料已停用：{names}。"
        return "inactive_sku", message, inactive_skus
    # The contract has no reason of its own for a closed location; to an order it is unknown.
    inactive_locations = [line for line in lines if not master.locations[line.location]]
    if inactive_locations:
        names = _names(inactive_locations, "location")
        message = f"Location is inactive: {names}. 库位已停用：{names}。"
        return "unknown_location", message, inactive_locations
    return None


def shortage_message(short: Sequence[ShortLine]) -> str:
    english = "; ".join(
        f"{s.sku}@{s.location} requested {show(s.requested)}, available {show(s.available)}"
        for s in short
    )
    chinese = "；".join(
        f"{s.sku}@{s.location} 需求 {show(s.requested)}，可用 {show(s.available)}" for s in short
    )
    return f"Not enough stock: {english}. 库存不足：{chinese}。"
