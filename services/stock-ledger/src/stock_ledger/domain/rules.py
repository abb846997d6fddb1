"""What makes a document postable, independent of stock: master data and per-type fields."""

from __future__ import annotations

from collections.abc import Mapping

from stock_ledger.domain.errors import InvalidDocument, Problem
from stock_ledger.domain.model import ADJUSTMENT_REASONS, Document, Item, Location, PointKey


def check_master_data(
    document: Document, items: Mapping[str, Item], locations: Mapping[str, Location]
) -> None:
    """Raise `InvalidDocument` naming each field that is unknown or missing for the type."""
    problems = []
    missing_skus, missing_locations = [], []
    kind = document.document_type
    for index, line in enumerate(document.lines):
        at = f"lines.{index}"
        if line.sku not in items:
            problems.append(Problem(f"{at}.sku", f"unknown SKU {line.sku!r} (未知物料编码)"))
            missing_skus.append(line.sku)
        for name, code in (("location", line.location), ("to_location", line.to_location)):
            if code is not None and code not in locations:
                problems.append(Problem(f"{at}.{name}", f"unknown location {code!r} (未知库位)"))
                missing_locations.append(code)
        if kind == "receipt" and line.unit_cost is None:
            problems.append(Problem(f"{at}.unit_cost", "a receipt line needs a unit cost"))
        if kind == "transfer" and line.to_location is None:
            problems.append(Problem(f"{at}.to_location", "a transfer line needs a destination"))
        if kind == "transfer" and line.to_location == line.location:
            problems.append(Problem(f"{at}.to_location", "destination equals the source"))
        if kind == "adjustment" and line.reason_code not in ADJUSTMENT_REASONS:
            known = ", ".join(ADJUSTMENT_REASONS)
            problems.append(Problem(f"{at}.reason_code", f"needs one of: {known}"))
        if kind != "stock_count" and line.quantity <= 0:
            problems.append(Problem(f"{at}.quantity", "must be greater than 0"))
        if kind == "stock_count" and line.quantity < 0:
            problems.append(Problem(f"{at}.quantity", "a counted quantity cannot be negative"))
        item = items.get(line.sku)
        if item is not None and item.lot_tracked and not line.lot and kind in ("receipt",):
            problems.append(Problem(f"{at}.lot", "the item is lot-tracked: a lot is required"))
        if item is not None and item.expiry_managed and kind == "receipt" and not line.expiry_date:
            problems.append(Problem(f"{at}.expiry_date", "the item is expiry-managed"))
    if problems:
        raise InvalidDocument(
            problems, missing_skus=missing_skus, missing_locations=missing_locations
        )


def consuming_points(document: Document) -> set[PointKey]:
    """Stock points whose open layers posting needs: where stock leaves or is counted.

    Receipts only add layers, so a receipt-only posting never reads the (many) open layers.
    """
    kind = document.document_type
    points = set()
    for line in document.lines:
        inbound = kind == "receipt" or (
            kind == "adjustment" and ADJUSTMENT_REASONS.get(line.reason_code or "", 0) > 0
        )
        if not inbound:
            points.add(line.key)
    return points
