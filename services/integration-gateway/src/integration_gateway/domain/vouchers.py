"""Financial write-back: each posted ledger movement (`StockMoved`) as a voucher the ERP can
book: document reference, posting date, item, quantities in stock and ERP units, value at the
ledger's cost, and the accounts' roles (debit and credit) configured per movement type.

Pure. The roles are those of a positive value (stock value going up); a movement whose value
goes down books the same roles the other way round (a reversal of a receipt credits inventory
and debits GR/IR).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal

from inventory_contracts.events.stock import StockMoved

VOUCHER_TYPE: Final = "inventory.stock.voucher.v1"
"""The event type a subscription asks for to receive vouchers (built by the gateway from
``inventory.stock.moved.v1``)."""
AccountRole = Literal["inventory", "gr_ir", "cogs", "inventory_difference"]
ACCOUNT_ROLES: Final[tuple[AccountRole, ...]] = (
    "inventory",
    "gr_ir",
    "cogs",
    "inventory_difference",
)


@dataclass(frozen=True)
class Posting:
    """The roles debited and credited by a movement whose stock value goes up."""

    debit: AccountRole
    credit: AccountRole


DEFAULT_POSTINGS: Final[Mapping[str, Posting]] = {
    "receipt": Posting("inventory", "gr_ir"),
    "issue": Posting("cogs", "inventory"),  # value goes down: cogs debited, inventory credited
    "transfer_in": Posting("inventory", "inventory"),
    "transfer_out": Posting("inventory", "inventory"),
    "count_adjustment": Posting("inventory", "inventory_difference"),
    "adjustment": Posting("inventory", "inventory_difference"),  # back-dated cost adjustments
    "reversal": Posting("inventory", "gr_ir"),
}
"""Account roles per movement type (setting VOUCHER_ACCOUNT_ROLES overrides any of them)."""


@dataclass(frozen=True)
class ErpUnit:
    """The item's unit in the ERP: `unit` holds `factor` stock units (a case of 12 pieces)."""

    unit: str
    factor: Decimal


def _postings(configured: Mapping[str, Posting], movement_type: str) -> Posting:
    return configured.get(movement_type) or DEFAULT_POSTINGS[movement_type]


def voucher_lines(moved: StockMoved, posting: Posting) -> list[dict[str, Any]]:
    """Two lines of the same amount: the debit and the credit role. For a movement of
    negative value the roles swap, except for an issue, whose roles already book a decrease."""
    amount = abs(moved.value)
    debit, credit = posting.debit, posting.credit
    increases = moved.value >= 0
    if moved.movement_type == "issue":
        increases = not increases
    if not increases:
        debit, credit = credit, debit
    return [
        {"side": "debit", "role": debit, "amount": str(amount), "currency": moved.currency},
        {"side": "credit", "role": credit, "amount": str(amount), "currency": moved.currency},
    ]


def voucher(
    moved: StockMoved,
    stock_unit: str | None,
    erp_unit: ErpUnit | None,
    configured: Mapping[str, Posting] | None = None,
) -> dict[str, Any]:
    """The voucher of one ledger movement (the `data` of a ``inventory.stock.voucher.v1``)."""
    posting = _postings(configured or {}, moved.movement_type)
    quantity = moved.quantity_delta
    erp = erp_unit or (ErpUnit(stock_unit, Decimal(1)) if stock_unit else None)
    return {
        "voucher_id": moved.movement_id,
        "document_reference": f"{moved.document_type}/{moved.document_id}",
        "document_type": moved.document_type,
        "document_id": moved.document_id,
        "posting_date": moved.posted_at.date().isoformat(),
        "posted_at": moved.posted_at.isoformat(),
        "posted_by": moved.posted_by,
        "movement_type": moved.movement_type,
        "sku": moved.sku,
        "location": moved.location,
        "lot": moved.lot,
        "quantity": {"stock": str(quantity), "stock_unit": stock_unit},
        "quantity_erp": None
        if erp is None
        else {"quantity": str(_normal(quantity / erp.factor)), "unit": erp.unit},
        "unit_cost": str(moved.unit_cost),
        "value": str(moved.value),
        "currency": moved.currency,
        "lines": voucher_lines(moved, posting),
        "order_id": moved.order_id,
        "purchase_order_id": moved.purchase_order_id,
    }


def _normal(value: Decimal) -> Decimal:
    """Up to 6 decimal places, without trailing zeros (12 pieces = 1 case, not 1.000000)."""
    rounded = value.quantize(Decimal("0.000001"))
    return rounded.normalize() if rounded != rounded.to_integral() else rounded.to_integral()


def parse_postings(raw: Mapping[str, Mapping[str, str]]) -> dict[str, Posting]:
    """VOUCHER_ACCOUNT_ROLES (``{"receipt": {"debit": "inventory", "credit": "gr_ir"}}``) as
    postings; raises ValueError naming a bad movement type or role."""
    postings: dict[str, Posting] = {}
    for movement_type, roles in raw.items():
        if movement_type not in DEFAULT_POSTINGS:
            raise ValueError(f"unknown movement type {movement_type!r}")
        debit, credit = roles.get("debit"), roles.get("credit")
        for role in (debit, credit):
            if role not in ACCOUNT_ROLES:
                raise ValueError(f"{movement_type}: unknown account role {role!r}")
        postings[movement_type] = Posting(debit, credit)  # type: ignore[arg-type]
    return postings
