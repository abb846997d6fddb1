from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PersonView")


@_attrs_define
class PersonView:
    """
    Attributes:
        id (UUID):
        login (str):
        display_name (str):
        department (None | str):
        manager_login (None | str):
        roles (list[str]):
        email (None | str):
        locale (str):
        dingtalk_user_id (None | str):
        wecom_user_id (None | str):
        feishu_user_id (None | str):
        slack_user_id (None | str):
        active (bool):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    login: str
    display_name: str
    department: None | str
    manager_login: None | str
    roles: list[str]
    email: None | str
    locale: str
    dingtalk_user_id: None | str
    wecom_user_id: None | str
    feishu_user_id: None | str
    slack_user_id: None | str
    active: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        login = self.login

        display_name = self.display_name

        department: None | str
        department = self.department

        manager_login: None | str
        manager_login = self.manager_login

        roles = self.roles

        email: None | str
        email = self.email

        locale = self.locale

        dingtalk_user_id: None | str
        dingtalk_user_id = self.dingtalk_user_id

        wecom_user_id: None | str
        wecom_user_id = self.wecom_user_id

        feishu_user_id: None | str
        feishu_user_id = self.feishu_user_id

        slack_user_id: None | str
        slack_user_id = self.slack_user_id

        active = self.active

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "login": login,
                "display_name": display_name,
                "department": department,
                "manager_login": manager_login,
                "roles": roles,
                "email": email,
                "locale": locale,
                "dingtalk_user_id": dingtalk_user_id,
                "wecom_user_id": wecom_user_id,
                "feishu_user_id": feishu_user_id,
                "slack_user_id": slack_user_id,
                "active": active,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        login = d.pop("login")

        display_name = d.pop("display_name")

        def _parse_department(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        department = _parse_department(d.pop("department"))

        def _parse_manager_login(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        manager_login = _parse_manager_login(d.pop("manager_login"))

        roles = cast(list[str], d.pop("roles"))

        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))

        locale = d.pop("locale")

        def _parse_dingtalk_user_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        dingtalk_user_id = _parse_dingtalk_user_id(d.pop("dingtalk_user_id"))

        def _parse_wecom_user_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        wecom_user_id = _parse_wecom_user_id(d.pop("wecom_user_id"))

        def _parse_feishu_user_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        feishu_user_id = _parse_feishu_user_id(d.pop("feishu_user_id"))

        def _parse_slack_user_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        slack_user_id = _parse_slack_user_id(d.pop("slack_user_id"))

        active = d.pop("active")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        person_view = cls(
            id=id,
            login=login,
            display_name=display_name,
            department=department,
            manager_login=manager_login,
            roles=roles,
            email=email,
            locale=locale,
            dingtalk_user_id=dingtalk_user_id,
            wecom_user_id=wecom_user_id,
            feishu_user_id=feishu_user_id,
            slack_user_id=slack_user_id,
            active=active,
            created_at=created_at,
            updated_at=updated_at,
        )

        person_view.additional_properties = d
        return person_view

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
