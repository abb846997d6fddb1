"""Rows to domain records, and stock points to the parallel arrays of `statements`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import fields
from typing import Any, Final, TypeVar

from sqlalchemy import RowMapping

from replenishment.domain import StockPointKey

T = TypeVar("T")

NOT_STORED: Final = frozenset({"events"})
"""Fields of domain records that are not columns (what an aggregate recorded)."""


def build(cls: type[T], row: RowMapping) -> T:
    """An instance of the dataclass `cls` from the row's columns of the same names."""
    values: dict[str, Any] = {
        f.name: row[f.name]
        for f in fields(cls)  # type: ignore[arg-type]
        if f.name not in NOT_STORED
    }
    return cls(**values)


def stock_point_arrays(stock_points: Collection[StockPointKey]) -> dict[str, list[str]]:
    """The `:skus` and `:locations` arrays of the `statements`."""
    return {
        "skus": [sku for sku, _ in stock_points],
        "locations": [location for _, location in stock_points],
    }


def columns_of(record: Any) -> dict[str, Any]:
    """The stored fields of a dataclass instance, by column name."""
    return {f.name: getattr(record, f.name) for f in fields(record) if f.name not in NOT_STORED}
