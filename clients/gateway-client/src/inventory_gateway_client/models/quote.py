from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.quote_status import QuoteStatus, check_quote_status

if TYPE_CHECKING:
    from ..models.promise import Promise
    from ..models.quote_line import QuoteLine


T = TypeVar("T", bound="Quote")


@_attrs_define
class Quote:
    """
    Attributes:
        quote_id (str):
        status (QuoteStatus):
        customer_id (None | str):
        expires_at (datetime.datetime | None): When the hold ends by itself.
        order_id (None | str): The order it became, once converted.
        lines (list[QuoteLine]):
        promise (None | Promise): The promise now (what the quote holds counts as its own); null once closed.
    """

    quote_id: str
    status: QuoteStatus
    customer_id: None | str
    expires_at: datetime.datetime | None
    order_id: None | str
    lines: list[QuoteLine]
    promise: None | Promise
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.promise import Promise  # noqa: PLC0415

        quote_id = self.quote_id

        status: str = self.status

        customer_id: None | str
        customer_id = self.customer_id

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        order_id: None | str
        order_id = self.order_id

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        promise: dict[str, Any] | None
        if isinstance(self.promise, Promise):
            promise = self.promise.to_dict()
        else:
            promise = self.promise

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "quote_id": quote_id,
                "status": status,
                "customer_id": customer_id,
                "expires_at": expires_at,
                "order_id": order_id,
                "lines": lines,
                "promise": promise,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.promise import Promise  # noqa: PLC0415
        from ..models.quote_line import QuoteLine  # noqa: PLC0415

        d = dict(src_dict)
        quote_id = d.pop("quote_id")

        status = check_quote_status(d.pop("status"))

        def _parse_customer_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        customer_id = _parse_customer_id(d.pop("customer_id"))

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        def _parse_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_id = _parse_order_id(d.pop("order_id"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = QuoteLine.from_dict(lines_item_data)

            lines.append(lines_item)

        def _parse_promise(data: object) -> None | Promise:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                promise_type_0 = Promise.from_dict(data)

                return promise_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Promise, data)

        promise = _parse_promise(d.pop("promise"))

        quote = cls(
            quote_id=quote_id,
            status=status,
            customer_id=customer_id,
            expires_at=expires_at,
            order_id=order_id,
            lines=lines,
            promise=promise,
        )

        quote.additional_properties = d
        return quote

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
