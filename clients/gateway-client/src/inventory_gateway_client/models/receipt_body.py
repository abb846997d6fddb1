from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.receipt_line import ReceiptLine


T = TypeVar("T", bound="ReceiptBody")


@_attrs_define
class ReceiptBody:
    """A goods receipt from the ERP, usually against a purchase order.

    Attributes:
        receipt_id (str):
        lines (list[ReceiptLine]):
        purchase_order_id (None | str | Unset):
        currency (str | Unset): ISO 4217 currency code of the money fields next to it. Default: 'CNY'.
        received_at (datetime.datetime | None | Unset): Defaults to the time of arrival.
    """

    receipt_id: str
    lines: list[ReceiptLine]
    purchase_order_id: None | str | Unset = UNSET
    currency: str | Unset = "CNY"
    received_at: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        receipt_id = self.receipt_id

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        purchase_order_id: None | str | Unset
        if isinstance(self.purchase_order_id, Unset):
            purchase_order_id = UNSET
        else:
            purchase_order_id = self.purchase_order_id

        currency = self.currency

        received_at: None | str | Unset
        if isinstance(self.received_at, Unset):
            received_at = UNSET
        elif isinstance(self.received_at, datetime.datetime):
            received_at = self.received_at.isoformat()
        else:
            received_at = self.received_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "receipt_id": receipt_id,
                "lines": lines,
            }
        )
        if purchase_order_id is not UNSET:
            field_dict["purchase_order_id"] = purchase_order_id
        if currency is not UNSET:
            field_dict["currency"] = currency
        if received_at is not UNSET:
            field_dict["received_at"] = received_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.receipt_line import ReceiptLine  # noqa: PLC0415

        d = dict(src_dict)
        receipt_id = d.pop("receipt_id")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = ReceiptLine.from_dict(lines_item_data)

            lines.append(lines_item)

        def _parse_purchase_order_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        purchase_order_id = _parse_purchase_order_id(d.pop("purchase_order_id", UNSET))

        currency = d.pop("currency", UNSET)

        def _parse_received_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                received_at_type_0 = datetime.datetime.fromisoformat(data)

                return received_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        received_at = _parse_received_at(d.pop("received_at", UNSET))

        receipt_body = cls(
            receipt_id=receipt_id,
            lines=lines,
            purchase_order_id=purchase_order_id,
            currency=currency,
            received_at=received_at,
        )

        return receipt_body
