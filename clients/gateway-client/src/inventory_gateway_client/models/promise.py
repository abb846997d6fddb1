from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.promise_line import PromiseLine


T = TypeVar("T", bound="Promise")


@_attrs_define
class Promise:
    """
    Attributes:
        as_of (datetime.date):
        lines (list[PromiseLine]):
        complete_now (bool):
        ships_complete_on (datetime.date | None): When every line can ship in full; null when some quantity has no open
            purchase order.
    """

    as_of: datetime.date
    lines: list[PromiseLine]
    complete_now: bool
    ships_complete_on: datetime.date | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_of = self.as_of.isoformat()

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        complete_now = self.complete_now

        ships_complete_on: None | str
        if isinstance(self.ships_complete_on, datetime.date):
            ships_complete_on = self.ships_complete_on.isoformat()
        else:
            ships_complete_on = self.ships_complete_on

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of": as_of,
                "lines": lines,
                "complete_now": complete_now,
                "ships_complete_on": ships_complete_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.promise_line import PromiseLine  # noqa: PLC0415

        d = dict(src_dict)
        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = PromiseLine.from_dict(lines_item_data)

            lines.append(lines_item)

        complete_now = d.pop("complete_now")

        def _parse_ships_complete_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ships_complete_on_type_0 = datetime.date.fromisoformat(data)

                return ships_complete_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        ships_complete_on = _parse_ships_complete_on(d.pop("ships_complete_on"))

        promise = cls(
            as_of=as_of,
            lines=lines,
            complete_now=complete_now,
            ships_complete_on=ships_complete_on,
        )

        promise.additional_properties = d
        return promise

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
