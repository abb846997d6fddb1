from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.service_account_body_roles_item import (
    ServiceAccountBodyRolesItem,
    check_service_account_body_roles_item,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="ServiceAccountBody")


@_attrs_define
class ServiceAccountBody:
    """
    Attributes:
        client_id (str):
        name (str):
        roles (list[ServiceAccountBodyRolesItem] | Unset):
    """

    client_id: str
    name: str
    roles: list[ServiceAccountBodyRolesItem] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        client_id = self.client_id

        name = self.name

        roles: list[str] | Unset = UNSET
        if not isinstance(self.roles, Unset):
            roles = []
            for roles_item_data in self.roles:
                roles_item: str = roles_item_data
                roles.append(roles_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "client_id": client_id,
                "name": name,
            }
        )
        if roles is not UNSET:
            field_dict["roles"] = roles

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        client_id = d.pop("client_id")

        name = d.pop("name")

        _roles = d.pop("roles", UNSET)
        roles: list[ServiceAccountBodyRolesItem] | Unset = UNSET
        if _roles is not UNSET:
            roles = []
            for roles_item_data in _roles:
                roles_item = check_service_account_body_roles_item(roles_item_data)

                roles.append(roles_item)

        service_account_body = cls(
            client_id=client_id,
            name=name,
            roles=roles,
        )

        return service_account_body
