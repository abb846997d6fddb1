from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SubscriptionBody")


@_attrs_define
class SubscriptionBody:
    """Where to POST which events, and the secret they are signed with.

    Attributes:
        url (str):
        secret (str):
        event_types (list[str]):
        locations (list[str] | None | Unset): Only events at these locations; absent: all.
    """

    url: str
    secret: str
    event_types: list[str]
    locations: list[str] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        secret = self.secret

        event_types = self.event_types

        locations: list[str] | None | Unset
        if isinstance(self.locations, Unset):
            locations = UNSET
        elif isinstance(self.locations, list):
            locations = self.locations

        else:
            locations = self.locations

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
                "secret": secret,
                "event_types": event_types,
            }
        )
        if locations is not UNSET:
            field_dict["locations"] = locations

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        secret = d.pop("secret")

        event_types = cast(list[str], d.pop("event_types"))

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

        subscription_body = cls(
            url=url,
            secret=secret,
            event_types=event_types,
            locations=locations,
        )

        return subscription_body
