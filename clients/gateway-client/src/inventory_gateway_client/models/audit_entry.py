from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AuditEntry")


@_attrs_define
class AuditEntry:
    """One recorded change or decision.

    Attributes:
        id (int):
        at (datetime.datetime):
        actor (str):
        actor_kind (str):
        action (str):
        entity_type (str):
        entity_id (str):
        before (Any | None):
        after (Any | None):
        correlation_id (None | str):
    """

    id: int
    at: datetime.datetime
    actor: str
    actor_kind: str
    action: str
    entity_type: str
    entity_id: str
    before: Any | None
    after: Any | None
    correlation_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        at = self.at.isoformat()

        actor = self.actor

        actor_kind = self.actor_kind

        action = self.action

        entity_type = self.entity_type

        entity_id = self.entity_id

        before: Any | None
        before = self.before

        after: Any | None
        after = self.after

        correlation_id: None | str
        correlation_id = self.correlation_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "at": at,
                "actor": actor,
                "actor_kind": actor_kind,
                "action": action,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "before": before,
                "after": after,
                "correlation_id": correlation_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        actor = d.pop("actor")

        actor_kind = d.pop("actor_kind")

        action = d.pop("action")

        entity_type = d.pop("entity_type")

        entity_id = d.pop("entity_id")

        def _parse_before(data: object) -> Any | None:
            if data is None:
                return data
            return cast(Any | None, data)

        before = _parse_before(d.pop("before"))

        def _parse_after(data: object) -> Any | None:
            if data is None:
                return data
            return cast(Any | None, data)

        after = _parse_after(d.pop("after"))

        def _parse_correlation_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        correlation_id = _parse_correlation_id(d.pop("correlation_id"))

        audit_entry = cls(
            id=id,
            at=at,
            actor=actor,
            actor_kind=actor_kind,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=before,
            after=after,
            correlation_id=correlation_id,
        )

        audit_entry.additional_properties = d
        return audit_entry

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
