from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.person_patch_locale_type_0 import (
    PersonPatchLocaleType0,
    check_person_patch_locale_type_0,
)
from ..models.person_patch_roles_type_0_item import (
    PersonPatchRolesType0Item,
    check_person_patch_roles_type_0_item,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="PersonPatch")


@_attrs_define
class PersonPatch:
    """The fields to change; a field sent as null is cleared (display name, roles, locale and
    active cannot be null).

        Attributes:
            display_name (None | str | Unset):
            department (None | str | Unset):
            manager_login (None | str | Unset):
            roles (list[PersonPatchRolesType0Item] | None | Unset):
            email (None | str | Unset):
            locale (None | PersonPatchLocaleType0 | Unset):
            dingtalk_user_id (None | str | Unset):
            wecom_user_id (None | str | Unset):
            feishu_user_id (None | str | Unset):
            slack_user_id (None | str | Unset):
            active (bool | None | Unset):
    """

    display_name: None | str | Unset = UNSET
    department: None | str | Unset = UNSET
    manager_login: None | str | Unset = UNSET
    roles: list[PersonPatchRolesType0Item] | None | Unset = UNSET
    email: None | str | Unset = UNSET
    locale: None | PersonPatchLocaleType0 | Unset = UNSET
    dingtalk_user_id: None | str | Unset = UNSET
    wecom_user_id: None | str | Unset = UNSET
    feishu_user_id: None | str | Unset = UNSET
    slack_user_id: None | str | Unset = UNSET
    active: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        department: None | str | Unset
        if isinstance(self.department, Unset):
            department = UNSET
        else:
            department = self.department

        manager_login: None | str | Unset
        if isinstance(self.manager_login, Unset):
            manager_login = UNSET
        else:
            manager_login = self.manager_login

        roles: list[str] | None | Unset
        if isinstance(self.roles, Unset):
            roles = UNSET
        elif isinstance(self.roles, list):
            roles = []
            for roles_type_0_item_data in self.roles:
                roles_type_0_item: str = roles_type_0_item_data
                roles.append(roles_type_0_item)

        else:
            roles = self.roles

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        locale: None | str | Unset
        if isinstance(self.locale, Unset):
            locale = UNSET
        elif isinstance(self.locale, str):
            locale = self.locale
        else:
            locale = self.locale

        dingtalk_user_id: None | str | Unset
        if isinstance(self.dingtalk_user_id, Unset):
            dingtalk_user_id = UNSET
        else:
            dingtalk_user_id = self.dingtalk_user_id

        wecom_user_id: None | str | Unset
        if isinstance(self.wecom_user_id, Unset):
            wecom_user_id = UNSET
        else:
            wecom_user_id = self.wecom_user_id

        feishu_user_id: None | str | Unset
        if isinstance(self.feishu_user_id, Unset):
            feishu_user_id = UNSET
        else:
            feishu_user_id = self.feishu_user_id

        slack_user_id: None | str | Unset
        if isinstance(self.slack_user_id, Unset):
            slack_user_id = UNSET
        else:
            slack_user_id = self.slack_user_id

        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if department is not UNSET:
            field_dict["department"] = department
        if manager_login is not UNSET:
            field_dict["manager_login"] = manager_login
        if roles is not UNSET:
            field_dict["roles"] = roles
        if email is not UNSET:
            field_dict["email"] = email
        if locale is not UNSET:
            field_dict["locale"] = locale
        if dingtalk_user_id is not UNSET:
            field_dict["dingtalk_user_id"] = dingtalk_user_id
        if wecom_user_id is not UNSET:
            field_dict["wecom_user_id"] = wecom_user_id
        if feishu_user_id is not UNSET:
            field_dict["feishu_user_id"] = feishu_user_id
        if slack_user_id is not UNSET:
            field_dict["slack_user_id"] = slack_user_id
        if active is not UNSET:
            field_dict["active"] = active

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        def _parse_department(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        department = _parse_department(d.pop("department", UNSET))

        def _parse_manager_login(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        manager_login = _parse_manager_login(d.pop("manager_login", UNSET))

        def _parse_roles(data: object) -> list[PersonPatchRolesType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                roles_type_0 = []
                _roles_type_0 = data
                for roles_type_0_item_data in _roles_type_0:
                    roles_type_0_item = check_person_patch_roles_type_0_item(roles_type_0_item_data)

                    roles_type_0.append(roles_type_0_item)

                return roles_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PersonPatchRolesType0Item] | None | Unset, data)

        roles = _parse_roles(d.pop("roles", UNSET))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_locale(data: object) -> None | PersonPatchLocaleType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                locale_type_0 = check_person_patch_locale_type_0(data)

                return locale_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonPatchLocaleType0 | Unset, data)

        locale = _parse_locale(d.pop("locale", UNSET))

        def _parse_dingtalk_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dingtalk_user_id = _parse_dingtalk_user_id(d.pop("dingtalk_user_id", UNSET))

        def _parse_wecom_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        wecom_user_id = _parse_wecom_user_id(d.pop("wecom_user_id", UNSET))

        def _parse_feishu_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        feishu_user_id = _parse_feishu_user_id(d.pop("feishu_user_id", UNSET))

        def _parse_slack_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        slack_user_id = _parse_slack_user_id(d.pop("slack_user_id", UNSET))

        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("active", UNSET))

        person_patch = cls(
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
        )

        return person_patch
