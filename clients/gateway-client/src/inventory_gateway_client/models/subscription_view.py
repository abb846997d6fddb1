from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SubscriptionView")


@_attrs_define
class SubscriptionView:
    """A subscription as the API shows it (the secret is never shown).

    Attributes:
        id (str):
        url (str):
        event_types (list[str]):
        active (bool):
        origin (str):
        created_at (datetime.datetime | None):
        locations (list[str] | None | Unset):
        consecutive_failures (int | Unset):  Default: 0.
        paused_until (datetime.datetime | None | Unset): The circuit breaker paused the receiver until then (deliveries
            wait).
    """

    id: str
    url: str
    event_types: list[str]
    active: bool
    origin: str
    created_at: datetime.datetime | None
    locations: list[str] | None | Unset = UNSET
    consecutive_failures: int | Unset = 0
    paused_until: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        url = self.url

        event_types = self.event_types

        active = self.active

        origin = self.origin

        created_at: None | str
        if isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        locations: list[str] | None | Unset
        if isinstance(self.locations, Unset):
            locations = UNSET
        elif isinstance(self.locations, list):
            locations = self.locations

        else:
            locations = self.locations

        consecutive_failures = self.consecutive_failures

        paused_until: None | str | Unset
        if isinstance(self.paused_until, Unset):
            paused_until = UNSET
        elif isinstance(self.paused_until, datetime.datetime):
            paused_until = self.paused_until.isoformat()
        else:
            paused_until = self.paused_until

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "event_types": event_types,
                "active": active,
                "origin": origin,
                "created_at": created_at,
            }
        )
        if locations is not UNSET:
            field_dict["locations"] = locations
        if consecutive_failures is not UNSET:
            field_dict["consecutive_failures"] = consecutive_failures
        if paused_until is not UNSET:
            field_dict["paused_until"] = paused_until

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        url = d.pop("url")

        event_types = cast(list[str], d.pop("event_types"))

        active = d.pop("active")

        origin = d.pop("origin")

        def _parse_created_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        created_at = _parse_created_at(d.pop("created_at"))

        def _parse_locations(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                locations_type_0 = cast(list[str], data)

                return locations_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        locations = _parse_locations(d.pop("locations", UNSET))

        consecutive_failures = d.pop("consecutive_failures", UNSET)

        def _parse_paused_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paused_until_type_0 = datetime.datetime.fromisoformat(data)

                return paused_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        paused_until = _parse_paused_until(d.pop("paused_until", UNSET))

        subscription_view = cls(
            id=id,
            url=url,
            event_types=event_types,
            active=active,
            origin=origin,
            created_at=created_at,
            locations=locations,
            consecutive_failures=consecutive_failures,
            paused_until=paused_until,
        )

        subscription_view.additional_properties = d
        return subscription_view

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
