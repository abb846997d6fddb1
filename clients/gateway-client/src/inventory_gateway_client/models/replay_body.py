from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.replay_body_statuses_item import (
    ReplayBodyStatusesItem,
    check_replay_body_statuses_item,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReplayBody")


@_attrs_define
class ReplayBody:
    """Which of a subscription's deliveries to send again (by delivery id, inclusive).

    Attributes:
        subscription_id (str):
        from_id (int | None | Unset):
        to_id (int | None | Unset):
        statuses (list[ReplayBodyStatusesItem] | Unset):
    """

    subscription_id: str
    from_id: int | None | Unset = UNSET
    to_id: int | None | Unset = UNSET
    statuses: list[ReplayBodyStatusesItem] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        subscription_id = self.subscription_id

        from_id: int | None | Unset
        if isinstance(self.from_id, Unset):
            from_id = UNSET
        else:
            from_id = self.from_id

        to_id: int | None | Unset
        if isinstance(self.to_id, Unset):
            to_id = UNSET
        else:
            to_id = self.to_id

        statuses: list[str] | Unset = UNSET
        if not isinstance(self.statuses, Unset):
            statuses = []
            for statuses_item_data in self.statuses:
                statuses_item: str = statuses_item_data
                statuses.append(statuses_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "subscription_id": subscription_id,
            }
        )
        if from_id is not UNSET:
            field_dict["from_id"] = from_id
        if to_id is not UNSET:
            field_dict["to_id"] = to_id
        if statuses is not UNSET:
            field_dict["statuses"] = statuses

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subscription_id = d.pop("subscription_id")

        def _parse_from_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        from_id = _parse_from_id(d.pop("from_id", UNSET))

        def _parse_to_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        to_id = _parse_to_id(d.pop("to_id", UNSET))

        _statuses = d.pop("statuses", UNSET)
        statuses: list[ReplayBodyStatusesItem] | Unset = UNSET
        if _statuses is not UNSET:
            statuses = []
            for statuses_item_data in _statuses:
                statuses_item = check_replay_body_statuses_item(statuses_item_data)

                statuses.append(statuses_item)

        replay_body = cls(
            subscription_id=subscription_id,
            from_id=from_id,
            to_id=to_id,
            statuses=statuses,
        )

        return replay_body
