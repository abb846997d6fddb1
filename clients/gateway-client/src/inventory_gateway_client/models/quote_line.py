from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="QuoteLine")


@_attrs_define
class QuoteLine:
    """
    Attributes:
        line_no (int):
        sku (str):
        location (str):
        quantity (str):
        held (str): Units the quote's soft hold keeps.
    """

    line_no: int
    sku: str
    location: str
    quantity: str
    held: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        line_no = self.line_no

        sku = self.sku

        location = self.location

        quantity = self.quantity

        held = self.held

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "line_no": line_no,
                "sku": sku,
                "location": location,
                "quantity": quantity,
                "held": held,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        line_no = d.pop("line_no")

        sku = d.pop("sku")

        location = d.pop("location")

        quantity = d.pop("quantity")

        held = d.pop("held")

        quote_line = cls(
            line_no=line_no,
            sku=sku,
            location=location,
            quantity=quantity,
            held=held,
        )

        quote_line.additional_properties = d
        return quote_line

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
