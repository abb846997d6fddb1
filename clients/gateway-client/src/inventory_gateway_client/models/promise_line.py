from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.promise_step import PromiseStep


T = TypeVar("T", bound="PromiseLine")


@_attrs_define
class PromiseLine:
    """
    Attributes:
        sku (str):
        location (str):
        requested (str):
        available_now (str): Units free to ship now.
        steps (list[PromiseStep]): Later dates, from open purchase orders after the backorders ahead.
        unscheduled (str): Units no open purchase order covers yet.
        complete_on (datetime.date | None): When the line is complete; null: not yet known.
    """

    sku: str
    location: str
    requested: str
    available_now: str
    steps: list[PromiseStep]
    unscheduled: str
    complete_on: datetime.date | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        location = self.location

        requested = self.requested

        available_now = self.available_now

        steps = []
        for steps_item_data in self.steps:
            steps_item = steps_item_data.to_dict()
            steps.append(steps_item)

        unscheduled = self.unscheduled

        complete_on: None | str
        if isinstance(self.complete_on, datetime.date):
            complete_on = self.complete_on.isoformat()
        else:
            complete_on = self.complete_on

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sku": sku,
                "location": location,
                "requested": requested,
                "available_now": available_now,
                "steps": steps,
                "unscheduled": unscheduled,
                "complete_on": complete_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.promise_step import PromiseStep  # noqa: PLC0415

        d = dict(src_dict)
        sku = d.pop("sku")

        location = d.pop("location")

        requested = d.pop("requested")

        available_now = d.pop("available_now")

        steps = []
        _steps = d.pop("steps")
        for steps_item_data in _steps:
            steps_item = PromiseStep.from_dict(steps_item_data)

            steps.append(steps_item)

        unscheduled = d.pop("unscheduled")

        def _parse_complete_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                complete_on_type_0 = datetime.date.fromisoformat(data)

                return complete_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        complete_on = _parse_complete_on(d.pop("complete_on"))

        promise_line = cls(
            sku=sku,
            location=location,
            requested=requested,
            available_now=available_now,
            steps=steps,
            unscheduled=unscheduled,
            complete_on=complete_on,
        )

        promise_line.additional_properties = d
        return promise_line

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
