from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ConvertBody")


@_attrs_define
class ConvertBody:
    """The order the quote becomes (its lines are the quote's).

    Attributes:
        order_id (str):
        priority (int | Unset):  Default: 0.
        allow_partial (bool | Unset):  Default: False.
        reservation_ttl_seconds (int | None | Unset):
    """

    order_id: str
    priority: int | Unset = 0
    allow_partial: bool | Unset = False
    reservation_ttl_seconds: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        priority = self.priority

        allow_partial = self.allow_partial

        reservation_ttl_seconds: int | None | Unset
        if isinstance(self.reservation_ttl_seconds, Unset):
            reservation_ttl_seconds = UNSET
        else:
            reservation_ttl_seconds = self.reservation_ttl_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "order_id": order_id,
            }
        )
        if priority is not UNSET:
            field_dict["priority"] = priority
        if allow_partial is not UNSET:
            field_dict["allow_partial"] = allow_partial
        if reservation_ttl_seconds is not UNSET:
            field_dict["reservation_ttl_seconds"] = reservation_ttl_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        order_id = d.pop("order_id")

        priority = d.pop("priority", UNSET)

        allow_partial = d.pop("allow_partial", UNSET)

        def _parse_reservation_ttl_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reservation_ttl_seconds = _parse_reservation_ttl_seconds(
            d.pop("reservation_ttl_seconds", UNSET)
        )

        convert_body = cls(
            order_id=order_id,
            priority=priority,
            allow_partial=allow_partial,
            reservation_ttl_seconds=reservation_ttl_seconds,
        )

        return convert_body
