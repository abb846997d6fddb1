from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ApiKeyIssued")


@_attrs_define
class ApiKeyIssued:
    """The key is in this answer only; store it now.

    Attributes:
        id (str):
        name (str):
        scopes (list[str]):
        active (bool):
        created_at (datetime.datetime):
        key_hint (None | str):
        last_used_at (datetime.datetime | None):
        previous_key_valid_until (datetime.datetime | None):
        rate_per_second (float | None):
        burst (int | None):
        key (str):
    """

    id: str
    name: str
    scopes: list[str]
    active: bool
    created_at: datetime.datetime
    key_hint: None | str
    last_used_at: datetime.datetime | None
    previous_key_valid_until: datetime.datetime | None
    rate_per_second: float | None
    burst: int | None
    key: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        scopes = self.scopes

        active = self.active

        created_at = self.created_at.isoformat()

        key_hint: None | str
        key_hint = self.key_hint

        last_used_at: None | str
        if isinstance(self.last_used_at, datetime.datetime):
            last_used_at = self.last_used_at.isoformat()
        else:
            last_used_at = self.last_used_at

        previous_key_valid_until: None | str
        if isinstance(self.previous_key_valid_until, datetime.datetime):
            previous_key_valid_until = self.previous_key_valid_until.isoformat()
        else:
            previous_key_valid_until = self.previous_key_valid_until

        rate_per_second: float | None
        rate_per_second = self.rate_per_second

        burst: int | None
        burst = self.burst

        key = self.key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "scopes": scopes,
                "active": active,
                "created_at": created_at,
                "key_hint": key_hint,
                "last_used_at": last_used_at,
                "previous_key_valid_until": previous_key_valid_until,
                "rate_per_second": rate_per_second,
                "burst": burst,
                "key": key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        scopes = cast(list[str], d.pop("scopes"))

        active = d.pop("active")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_key_hint(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key_hint = _parse_key_hint(d.pop("key_hint"))

        def _parse_last_used_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_used_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_used_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_used_at = _parse_last_used_at(d.pop("last_used_at"))

        def _parse_previous_key_valid_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                previous_key_valid_until_type_0 = datetime.datetime.fromisoformat(data)

                return previous_key_valid_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        previous_key_valid_until = _parse_previous_key_valid_until(
            d.pop("previous_key_valid_until")
        )

        def _parse_rate_per_second(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate_per_second = _parse_rate_per_second(d.pop("rate_per_second"))

        def _parse_burst(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        burst = _parse_burst(d.pop("burst"))

        key = d.pop("key")

        api_key_issued = cls(
            id=id,
            name=name,
            scopes=scopes,
            active=active,
            created_at=created_at,
            key_hint=key_hint,
            last_used_at=last_used_at,
            previous_key_valid_until=previous_key_valid_until,
            rate_per_second=rate_per_second,
            burst=burst,
            key=key,
        )

        api_key_issued.additional_properties = d
        return api_key_issued

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
