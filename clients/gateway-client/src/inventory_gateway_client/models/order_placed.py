from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.order_line import OrderLine


T = TypeVar("T", bound="OrderPlaced")


@_attrs_define
class OrderPlaced:
    """A customer placed an order; stock should be reserved for it.

    Published by integration-gateway (from CRM/ERP, or by hand with kcat). The reservation
    service answers with exactly one StockReserved or ReservationRejected for the same order_id.

        Attributes:
            order_id (str): Order id in the CRM/ERP that placed it.
            lines (list[OrderLine]):
            customer_id (None | str | Unset):
            priority (int | Unset): Higher is more urgent. Default: 0.
            reservation_ttl_seconds (int | None | Unset): How long the reservation holds; the service default when absent.
            allow_partial (bool | Unset): Reserve what is available and backorder the rest, not reject. Default: False.
            quote_id (None | str | Unset): The quote this order converts: it takes over what the quote holds.
    """

    order_id: str
    lines: list[OrderLine]
    customer_id: None | str | Unset = UNSET
    priority: int | Unset = 0
    reservation_ttl_seconds: int | None | Unset = UNSET
    allow_partial: bool | Unset = False
    quote_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        customer_id: None | str | Unset
        if isinstance(self.customer_id, Unset):
            customer_id = UNSET
        else:
            customer_id = self.customer_id

        priority = self.priority

        reservation_ttl_seconds: int | None | Unset
        if isinstance(self.reservation_ttl_seconds, Unset):
            reservation_ttl_seconds = UNSET
        else:
            reservation_ttl_seconds = self.reservation_ttl_seconds

        allow_partial = self.allow_partial

        quote_id: None | str | Unset
        if isinstance(self.quote_id, Unset):
            quote_id = UNSET
        else:
            quote_id = self.quote_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "order_id": order_id,
                "lines": lines,
            }
        )
        if customer_id is not UNSET:
            field_dict["customer_id"] = customer_id
        if priority is not UNSET:
            field_dict["priority"] = priority
        if reservation_ttl_seconds is not UNSET:
            field_dict["reservation_ttl_seconds"] = reservation_ttl_seconds
        if allow_partial is not UNSET:
            field_dict["allow_partial"] = allow_partial
        if quote_id is not UNSET:
            field_dict["quote_id"] = quote_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_line import OrderLine  # noqa: PLC0415

        d = dict(src_dict)
        order_id = d.pop("order_id")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = OrderLine.from_dict(lines_item_data)

            lines.append(lines_item)

        def _parse_customer_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_id = _parse_customer_id(d.pop("customer_id", UNSET))

        priority = d.pop("priority", UNSET)

        def _parse_reservation_ttl_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reservation_ttl_seconds = _parse_reservation_ttl_seconds(
            d.pop("reservation_ttl_seconds", UNSET)
        )

        allow_partial = d.pop("allow_partial", UNSET)

        def _parse_quote_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        quote_id = _parse_quote_id(d.pop("quote_id", UNSET))

        order_placed = cls(
            order_id=order_id,
            lines=lines,
            customer_id=customer_id,
            priority=priority,
            reservation_ttl_seconds=reservation_ttl_seconds,
            allow_partial=allow_partial,
            quote_id=quote_id,
        )

        return order_placed
