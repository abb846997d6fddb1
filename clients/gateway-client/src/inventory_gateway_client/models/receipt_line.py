from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReceiptLine")


@_attrs_define
class ReceiptLine:
    """A quantity of one SKU received at one location, with its cost and lot.

    Attributes:
        sku (str): Item code (SKU).
        location (str): Stock location (warehouse) code.
        quantity (float | str):
        unit_cost (float | str):
        lot (None | str | Unset):
        expiry_date (datetime.date | None | Unset):
    """

    sku: str
    location: str
    quantity: float | str
    unit_cost: float | str
    lot: None | str | Unset = UNSET
    expiry_date: datetime.date | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        location = self.location

        quantity: float | str
        quantity = self.quantity

        unit_cost: float | str
        unit_cost = self.unit_cost

        lot: None | str | Unset
        if isinstance(self.lot, Unset):
            lot = UNSET
        else:
            lot = self.lot

        expiry_date: None | str | Unset
        if isinstance(self.expiry_date, Unset):
            expiry_date = UNSET
        elif isinstance(self.expiry_date, datetime.date):
            expiry_date = self.expiry_date.isoformat()
        else:
            expiry_date = self.expiry_date

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sku": sku,
                "location": location,
                "quantity": quantity,
                "unit_cost": unit_cost,
            }
        )
        if lot is not UNSET:
            field_dict["lot"] = lot
        if expiry_date is not UNSET:
            field_dict["expiry_date"] = expiry_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sku = d.pop("sku")

        location = d.pop("location")

        def _parse_quantity(data: object) -> float | str:
            return cast(float | str, data)

        quantity = _parse_quantity(d.pop("quantity"))

        def _parse_unit_cost(data: object) -> float | str:
            return cast(float | str, data)

        unit_cost = _parse_unit_cost(d.pop("unit_cost"))

        def _parse_lot(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lot = _parse_lot(d.pop("lot", UNSET))

        def _parse_expiry_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expiry_date_type_0 = datetime.date.fromisoformat(data)

                return expiry_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        expiry_date = _parse_expiry_date(d.pop("expiry_date", UNSET))

        receipt_line = cls(
            sku=sku,
            location=location,
            quantity=quantity,
            unit_cost=unit_cost,
            lot=lot,
            expiry_date=expiry_date,
        )

        return receipt_line
