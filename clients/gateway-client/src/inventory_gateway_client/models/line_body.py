from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="LineBody")


@_attrs_define
class LineBody:
    """
    Attributes:
        sku (str):
        location (str):
        quantity (float | str):
    """

    sku: str
    location: str
    quantity: float | str

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        location = self.location

        quantity: float | str
        quantity = self.quantity

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sku": sku,
                "location": location,
                "quantity": quantity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sku = d.pop("sku")

        location = d.pop("location")

        def _parse_quantity(data: object) -> float | str:
            return cast(float | str, data)

        quantity = _parse_quantity(d.pop("quantity"))

        line_body = cls(
            sku=sku,
            location=location,
            quantity=quantity,
        )

        return line_body
