"""Reading and checking the simulator's CSV files; every problem names the file and row.

Demand: ``item_id,period,quantity``. Periods sort numerically when they are all integers,
otherwise as text (so ``YYYY-MM`` and ISO dates sort in time order). An item's periods before
its first row are "not listed yet"; a missing period after that counts as zero demand.

Items (optional): ``item_id`` plus any of ``lead_time_periods, unit_cost, order_cost, moq,
pack_size``. Defaults: lead time 2 periods, order cost 0 (order what is needed every review),
MOQ 0, pack size 1, and a unit cost from `default_unit_cost` (deterministic per item id).
"""

from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TextIO

import numpy as np

from replenishment.planning.classes import FloatArray

DEMAND_COLUMNS: Final = ("item_id", "period", "quantity")
ITEM_COLUMNS: Final = (
    "item_id",
    "lead_time_periods",
    "unit_cost",
    "order_cost",
    "moq",
    "pack_size",
)
DEFAULT_LEAD_TIME: Final = 2.0
DEFAULT_ORDER_COST: Final = 0.0
DEFAULT_MOQ: Final = 0.0
DEFAULT_PACK_SIZE: Final = 1.0


class SimulationInputError(ValueError):
    """Bad input for the simulator; the message names the file, row and field."""


@dataclass(frozen=True)
class Demand:
    item_ids: list[str]
    periods: list[str]
    matrix: FloatArray  # items x periods, NaN before an item's first row


@dataclass(frozen=True)
class Items:
    lead_time: FloatArray
    unit_cost: FloatArray
    order_cost: FloatArray
    moq: FloatArray
    pack_size: FloatArray


def default_unit_cost(item_id: str) -> float:
    """Log-uniform between 10 and 1000, from the SHA-256 of the item id (same id, same cost)."""
    u = int(hashlib.sha256(item_id.encode()).hexdigest()[:8], 16) / 2**32
    return round(10 ** (1 + 2 * u), 2)


def _number(text: str, where: str, field: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SimulationInputError(f"{where}: {field} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise SimulationInputError(f"{where}: {field} {text!r} is not a finite number")
    if value < 0:
        raise SimulationInputError(f"{where}: {field} {text} is negative")
    return value


def _rows(
    path: Path, handle: TextIO, allowed: tuple[str, ...], required: tuple[str, ...]
) -> tuple[list[str], csv.DictReader[str]]:
    reader = csv.DictReader(handle)
    header = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in allowed]
    if unknown:
        raise SimulationInputError(
            f"{path.name} row 1 (header): unknown column(s) {', '.join(unknown)}; "
            f"expected {', '.join(allowed)}"
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise SimulationInputError(
            f"{path.name} row 1 (header): missing column(s) {', '.join(missing)}"
        )
    reader.fieldnames = header
    return header, reader


def read_demand(path: Path) -> Demand:
    if not path.is_file():
        raise SimulationInputError(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8") as handle:
        records = _demand_records(path, handle)
    if not records:
        raise SimulationInputError(f"{path.name}: no demand rows")
    labels = sorted({p for _, p in records})
    if all(p.lstrip("-").isdigit() for p in labels):
        labels.sort(key=int)
    column = {p: j for j, p in enumerate(labels)}
    item_ids = sorted({i for i, _ in records})
    row_of = {i: k for k, i in enumerate(item_ids)}
    matrix = np.full((len(item_ids), len(labels)), np.nan)
    for (item, period), quantity in records.items():
        matrix[row_of[item], column[period]] = quantity
    first = np.argmax(~np.isnan(matrix), axis=1)
    after_first = np.arange(len(labels))[None, :] >= first[:, None]
    matrix = np.where(after_first & np.isnan(matrix), 0.0, matrix)
    return Demand(item_ids, labels, matrix)


def _demand_records(path: Path, handle: TextIO) -> dict[tuple[str, str], float]:
    _, reader = _rows(path, handle, DEMAND_COLUMNS, DEMAND_COLUMNS)
    records: dict[tuple[str, str], float] = {}
    for number, row in enumerate(reader, start=2):
        where = f"{path.name} row {number}"
        item, period = (row["item_id"] or "").strip(), (row["period"] or "").strip()
        if not item or not period:
            raise SimulationInputError(f"{where}: item_id and period are required")
        quantity = _number((row["quantity"] or "").strip(), where, "quantity")
        if (item, period) in records:
            raise SimulationInputError(f"{where}: item {item} period {period} appears twice")
        records[(item, period)] = quantity
    return records


def read_items(path: Path | None, item_ids: list[str]) -> Items:
    n = len(item_ids)
    lead = np.full(n, DEFAULT_LEAD_TIME)
    cost = np.array([default_unit_cost(i) for i in item_ids])
    order_cost = np.full(n, DEFAULT_ORDER_COST)
    moq = np.full(n, DEFAULT_MOQ)
    pack = np.full(n, DEFAULT_PACK_SIZE)
    if path is None:
        return Items(lead, cost, order_cost, moq, pack)
    if not path.is_file():
        raise SimulationInputError(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8") as handle:
        _apply_items(path, handle, item_ids, lead, cost, order_cost, moq, pack)
    return Items(lead, cost, order_cost, moq, pack)


def _apply_items(
    path: Path,
    handle: TextIO,
    item_ids: list[str],
    lead: FloatArray,
    cost: FloatArray,
    order_cost: FloatArray,
    moq: FloatArray,
    pack: FloatArray,
) -> None:
    header, reader = _rows(path, handle, ITEM_COLUMNS, ("item_id",))
    row_of = {i: k for k, i in enumerate(item_ids)}
    targets = {
        "lead_time_periods": lead,
        "unit_cost": cost,
        "order_cost": order_cost,
        "moq": moq,
        "pack_size": pack,
    }
    for number, row in enumerate(reader, start=2):
        where = f"{path.name} row {number}"
        item = (row["item_id"] or "").strip()
        if item not in row_of:
            raise SimulationInputError(f"{where}: item {item!r} has no demand history")
        for field, values in targets.items():
            text = (row.get(field) or "").strip() if field in header else ""
            if text:
                values[row_of[item]] = _number(text, where, field)
        k = row_of[item]
        if lead[k] != int(lead[k]):
            raise SimulationInputError(f"{where}: lead_time_periods must be a whole number")
        if pack[k] == 0:
            raise SimulationInputError(f"{where}: pack_size must be positive")
