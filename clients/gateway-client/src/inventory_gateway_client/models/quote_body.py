from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.line_body import LineBody


T = TypeVar("T", bound="QuoteBody")


@_attrs_define
class QuoteBody:
    """A quote to keep; ``hold: true`` soft-reserves what is free now for ``hold_seconds``.

    Attributes:
        lines (list[LineBody]):
        quote_id (str):
        customer_id (None | str | Unset):
        hold (bool | Unset):  Default: False.
        hold_seconds (int | None | Unset):
    """

    lines: list[LineBody]
    quote_id: str
    customer_id: None | str | Unset = UNSET
    hold: bool | Unset = False
    hold_seconds: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        quote_id = self.quote_id

        customer_id: None | str | Unset
        if isinstance(self.customer_id, Unset):
            customer_id = UNSET
        else:
            customer_id = self.customer_id

        hold = self.hold

        hold_seconds: int | None | Unset
        if isinstance(self.hold_seconds, Unset):
            hold_seconds = UNSET
        else:
            hold_seconds = self.hold_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "lines": lines,
                "quote_id": quote_id,
            }
        )
        if customer_id is not UNSET:
            field_dict["customer_id"] = customer_id
        if hold is not UNSET:
            field_dict["hold"] = hold
        if hold_seconds is not UNSET:
            field_dict["hold_seconds"] = hold_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.line_body import LineBody  # noqa: PLC0415

        d = dict(src_dict)
        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = LineBody.from_dict(lines_item_data)

            lines.append(lines_item)

        quote_id = d.pop("quote_id")

        def _parse_customer_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_id = _parse_customer_id(d.pop("customer_id", UNSET))

        hold = d.pop("hold", UNSET)

        def _parse_hold_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        hold_seconds = _parse_hold_seconds(d.pop("hold_seconds", UNSET))

        quote_body = cls(
            lines=lines,
            quote_id=quote_id,
            customer_id=customer_id,
            hold=hold,
            hold_seconds=hold_seconds,
        )

        return quote_body
