"""Scanning: a GS1 barcode (GTIN, batch/lot, expiry, quantity) becomes a document line.

Parsed with `biip` (GS1 General Specifications, symbology identifiers, GS separators).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from biip import ParseError, parse

from stock_ledger.domain.errors import InvalidDocument, Problem

QUANTITY_AIS = ("30", "37")
"""Variable count of items (30) and count of trade items (37)."""


@dataclass(frozen=True)
class Scan:
    gtin: str
    lot: str | None
    expiry_date: date | None
    quantity: Decimal | None


def read_scan(barcode: str, field: str = "barcode") -> Scan:
    """What a scanned GS1 string says; `InvalidDocument` naming `field` when it says nothing."""
    try:
        result = parse(barcode.strip())
    except ParseError as exc:
        raise InvalidDocument([Problem(field, f"not a GS1 barcode (条码无法识别): {exc}")]) from exc
    message = result.gs1_message
    if message is None:
        if result.gtin is not None:
            return Scan(result.gtin.value.zfill(14), None, None, None)
        raise InvalidDocument([Problem(field, "the barcode carries no GTIN (条码不含商品编码)")])
    found = {element.ai.ai: element for element in message.element_strings}
    gtin = found.get("01") or found.get("02")
    if gtin is None:
        raise InvalidDocument([Problem(field, "the barcode carries no GTIN (条码不含商品编码)")])
    lot = found.get("10")
    expiry = found.get("17")
    quantity = next((found[ai] for ai in QUANTITY_AIS if ai in found), None)
    return Scan(
        gtin=gtin.value.zfill(14),
        lot=lot.value if lot else None,
        expiry_date=expiry.date if expiry else None,
        quantity=Decimal(quantity.value) if quantity else None,
    )


def normalize_gtin(gtin: str) -> str:
    """GTIN-8/12/13/14 as the 14 digits GS1 AI (01) carries."""
    return gtin.strip().zfill(14)
