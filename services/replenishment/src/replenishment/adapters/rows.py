"""Rows to domain records, and stock points to the parallel arrays of `statements`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Final, TypeVar

from sqlalchemy import RowMapping

from replenishment.domain.stock import StockPointKey

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")

NOT_STORED: Final = frozenset({"events"})
"""Fields of domain records that are not columns (what an aggregate recorded)."""


def build(cls: type[T], row: RowMapping) -> T:
    """An instance of the dataclass `cls` from the row's columns of the same names."""
    values = {f.name: row[f.name] for f in fields(cls) if f.name not in NOT_STORED}
    return cls(**values)


def stock_point_arrays(stock_points: Collection[StockPointKey]) -> dict[str, list[str]]:
    """The `:skus` and `:locations` arrays of the `statements`."""
    return {
        "skus": [sku for sku, _ in stock_points],
        "locations": [location for _, location in stock_points],
    }


def columns_of(record: DataclassInstance) -> dict[str, Any]:
    """The stored fields of a dataclass instance, by column name."""
    return {f.name: getattr(record, f.name) for f in fields(record) if f.name not in NOT_STORED}
