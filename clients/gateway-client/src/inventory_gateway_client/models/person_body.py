from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.person_body_locale import PersonBodyLocale, check_person_body_locale
from ..models.person_body_roles_item import PersonBodyRolesItem, check_person_body_roles_item
from ..types import UNSET, Unset

T = TypeVar("T", bound="PersonBody")


@_attrs_define
class PersonBody:
    """A new person; without `password` they cannot sign in until one is set.

    Attributes:
        display_name (str):
        login (str):
        department (None | str | Unset):
        manager_login (None | str | Unset):
        roles (list[PersonBodyRolesItem] | Unset):
        email (None | str | Unset):
        locale (PersonBodyLocale | Unset):  Default: 'zh-CN'.
        dingtalk_user_id (None | str | Unset):
        wecom_user_id (None | str | Unset):
        feishu_user_id (None | str | Unset):
        slack_user_id (None | str | Unset):
        active (bool | Unset):  Default: True.
        password (None | str | Unset):
    """

    display_name: str
    login: str
    department: None | str | Unset = UNSET
    manager_login: None | str | Unset = UNSET
    roles: list[PersonBodyRolesItem] | Unset = UNSET
    email: None | str | Unset = UNSET
    locale: PersonBodyLocale | Unset = "zh-CN"
    dingtalk_user_id: None | str | Unset = UNSET
    wecom_user_id: None | str | Unset = UNSET
    feishu_user_id: None | str | Unset = UNSET
    slack_user_id: None | str | Unset = UNSET
    active: bool | Unset = True
    password: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        login = self.login

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

        roles: list[str] | Unset = UNSET
        if not isinstance(self.roles, Unset):
            roles = []
            for roles_item_data in self.roles:
                roles_item: str = roles_item_data
                roles.append(roles_item)

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        locale: str | Unset = UNSET
        if not isinstance(self.locale, Unset):
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

        active = self.active

        password: None | str | Unset
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "display_name": display_name,
                "login": login,
            }
        )
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
        if password is not UNSET:
            field_dict["password"] = password

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("display_name")

        login = d.pop("login")

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

        _roles = d.pop("roles", UNSET)
        roles: list[PersonBodyRolesItem] | Unset = UNSET
        if _roles is not UNSET:
            roles = []
            for roles_item_data in _roles:
                roles_item = check_person_body_roles_item(roles_item_data)

                roles.append(roles_item)

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        _locale = d.pop("locale", UNSET)
        locale: PersonBodyLocale | Unset
        if isinstance(_locale, Unset):
            locale = UNSET
        else:
            locale = check_person_body_locale(_locale)

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

        active = d.pop("active", UNSET)

        def _parse_password(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password = _parse_password(d.pop("password", UNSET))

        person_body = cls(
            display_name=display_name,
            login=login,
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
            password=password,
        )

        return person_body
