"""Alert rules: what each kind makes of the event it watches, and what resolves its alerts.

Texts are bilingual, Simplified Chinese first, with the glossary's terms (库存净额 inventory
position, 再订货点 reorder point, 现存量 on hand, 预占量 reserved, 在途量 on order, 可用量
available to promise).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from inventory_contracts.events.replenishment import StockBelowThreshold
from inventory_contracts.events.reservations import ReservationRejected

Severity = Literal["info", "warning", "critical"]
LOW_STOCK = "low_stock"
RESERVATION_REJECTED = "reservation_rejected"

REJECTION_REASONS = {
    "insufficient_stock": ("库存不足", "insufficient stock"),
    "unknown_sku": ("未知物料编码", "unknown SKU"),
    "unknown_location": ("未知库位", "unknown location"),
    "inactive_sku": ("物料已停用", "inactive SKU"),
    "invalid_order": ("订单无效", "invalid order"),
    "duplicate_line": ("订单行重复", "duplicate order line"),
}


@dataclass(frozen=True)
class Rule:
    """An alert rule: what it watches (`kind`), how serious, whom it tells."""

    id: str
    kind: str
    severity: Severity
    enabled: bool
    channel_ids: tuple[str, ...] = ()

    def targets(self, enabled_channels: list[str]) -> list[str]:
        """The channels to notify: the rule's own (if enabled), or every enabled channel."""
        if not self.channel_ids:
            return list(enabled_channels)
        return [channel for channel in self.channel_ids if channel in enabled_channels]


@dataclass(frozen=True)
class AlertDraft:
    """An alert a rule wants raised; the subject names the condition (one open alert each)."""

    rule_id: str
    subject: str
    severity: Severity
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """Chinese, then English."""
        return f"{self.title_zh} / {self.title_en}"

    @property
    def message(self) -> str:
        """Chinese, then English, one per line."""
        return f"{self.message_zh}\n{self.message_en}"


def firing(rules: Sequence[Rule], kind: str) -> list[Rule]:
    """The enabled rules of `kind`: those that raise an alert when their event comes."""
    return [rule for rule in rules if rule.kind == kind and rule.enabled]


def quantity(value: Decimal | str | int) -> str:
    """A quantity as people write it: ``3``, ``2.5`` (no trailing zeros, no exponent)."""
    try:
        number = Decimal(value).normalize()
    except InvalidOperation:
        return str(value)
    return format(number, "f")


def low_stock_alert(rule: Rule, event: StockBelowThreshold, observed_at: datetime) -> AlertDraft:
    """The alert for an inventory position at or below the reorder point."""
    where = f"{event.sku} @ {event.location}"
    position, reorder_point = quantity(event.inventory_position), quantity(event.reorder_point)
    on_hand, reserved, on_order = (
        quantity(event.on_hand),
        quantity(event.reserved),
        quantity(event.on_order),
    )
    return AlertDraft(
        rule_id=rule.id,
        subject=f"{event.sku}@{event.location}",
        severity=rule.severity,
        title_zh="库存低于再订货点",
        title_en="Stock below reorder point",
        message_zh=(
            f"{where}：库存净额 {position} ≤ 再订货点 {reorder_point}"
            f"（现存量 {on_hand}，预占量 {reserved}，在途量 {on_order}）"
        ),
        message_en=(
            f"{where}, inventory position {position} ≤ reorder point {reorder_point} "
            f"(on hand {on_hand}, reserved {reserved}, on order {on_order})"
        ),
        details={
            "sku": event.sku,
            "location": event.location,
            "inventory_position": str(event.inventory_position),
            "reorder_point": str(event.reorder_point),
            "on_hand": str(event.on_hand),
            "reserved": str(event.reserved),
            "on_order": str(event.on_order),
            "observed_at": observed_at.isoformat(),
        },
    )


def reservation_rejected_alert(
    rule: Rule, event: ReservationRejected, observed_at: datetime
) -> AlertDraft:
    """The alert for an order whose reservation was rejected."""
    reason_zh, reason_en = REJECTION_REASONS.get(event.reason, (event.reason, event.reason))
    short_zh = "；".join(
        f"{line.sku} @ {line.location} 需求 {quantity(line.requested)}，"
        f"可用量 {quantity(line.available)}"
        for line in event.short_lines
    )
    short_en = "; ".join(
        f"{line.sku} @ {line.location} requested {quantity(line.requested)}, "
        f"available {quantity(line.available)}"
        for line in event.short_lines
    )
    # Orders turned away for lack of stock are one condition per stock point, not one per
    # order: a flood of rejected orders raises one alert, and it resolves when stock is back.
    shortage = (
        event.short_lines[0] if event.reason == "insufficient_stock" and event.short_lines else None
    )
    subject = f"{shortage.sku}@{shortage.location}" if shortage else event.order_id
    return AlertDraft(
        rule_id=rule.id,
        subject=subject,
        severity=rule.severity,
        title_zh="订单预占被拒绝",
        title_en="Reservation rejected",
        message_zh=f"订单 {event.order_id}：{reason_zh}" + (f"（{short_zh}）" if short_zh else ""),
        message_en=f"Order {event.order_id}: {reason_en}" + (f" ({short_en})" if short_en else ""),
        details={
            "order_id": event.order_id,
            "reason": event.reason,
            "reason_message": event.message,
            "short_lines": [line.model_dump(mode="json") for line in event.short_lines],
            **(
                {"requested": str(shortage.requested), "observed_at": observed_at.isoformat()}
                if shortage
                else {}
            ),
        },
    )


def resolves_low_stock(
    details: dict[str, Any], available_to_promise: Decimal, as_of: datetime
) -> bool:
    """True when availability rose above the reorder point recorded in a low-stock alert.

    Only availability newer than the breach counts: an older figure consumed late (topics are
    read independently) must not close the alert it predates.
    """
    try:
        reorder_point = Decimal(str(details["reorder_point"]))
        observed_at = datetime.fromisoformat(str(details["observed_at"]))
    except (KeyError, ValueError, InvalidOperation):
        return False
    return as_of > observed_at and available_to_promise > reorder_point


def resolves_shortage(
    details: dict[str, Any], available_to_promise: Decimal, as_of: datetime
) -> bool:
    """True when a stock point that turned orders away can now serve what was asked for.

    Like `resolves_low_stock`, only availability newer than the rejection counts.
    """
    try:
        requested = Decimal(str(details["requested"]))
        observed_at = datetime.fromisoformat(str(details["observed_at"]))
    except (KeyError, ValueError, InvalidOperation):
        return False
    return as_of > observed_at and available_to_promise >= requested


RECOVERY: dict[str, Callable[[dict[str, Any], Decimal, datetime], bool]] = {
    LOW_STOCK: resolves_low_stock,
    RESERVATION_REJECTED: resolves_shortage,
}
"""The kinds whose alerts availability resolves, in the order they are checked."""


def watching_availability(rules: Sequence[Rule]) -> list[Rule]:
    """The rules (enabled or not) whose open alerts availability can resolve, kind by kind."""
    return [rule for kind in RECOVERY for rule in rules if rule.kind == kind]
