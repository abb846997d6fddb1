from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LocationBody")


@_attrs_define
class LocationBody:
    """A location's full current state (the code is in the path).

    Attributes:
        name (str):
        location (None | str | Unset): If given, must equal the code in the path.
        allow_negative_stock (bool | Unset):  Default: False.
        active (bool | Unset):  Default: True.
    """

    name: str
    location: None | str | Unset = UNSET
    allow_negative_stock: bool | Unset = False
    active: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        allow_negative_stock = self.allow_negative_stock

        active = self.active

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if location is not UNSET:
            field_dict["location"] = location
        if allow_negative_stock is not UNSET:
            field_dict["allow_negative_stock"] = allow_negative_stock
        if active is not UNSET:
            field_dict["active"] = active

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        allow_negative_stock = d.pop("allow_negative_stock", UNSET)

        active = d.pop("active", UNSET)

        location_body = cls(
            name=name,
            location=location,
            allow_negative_stock=allow_negative_stock,
            active=active,
        )

        return location_body
