from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SignInBody")


@_attrs_define
class SignInBody:
    """
    Attributes:
        login (str):
        password (str):
        csrf (str):
        client_id (str):
        redirect_uri (str):
        response_type (str | Unset):
        code_challenge (str | Unset):
        code_challenge_method (str | Unset):
        scope (str | Unset):
        state (str | Unset):
        nonce (str | Unset):
        ui_locales (str | Unset):
    """

    login: str
    password: str
    csrf: str
    client_id: str
    redirect_uri: str
    response_type: str | Unset = UNSET
    code_challenge: str | Unset = UNSET
    code_challenge_method: str | Unset = UNSET
    scope: str | Unset = UNSET
    state: str | Unset = UNSET
    nonce: str | Unset = UNSET
    ui_locales: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        login = self.login

        password = self.password

        csrf = self.csrf

        client_id = self.client_id

        redirect_uri = self.redirect_uri

        response_type = self.response_type

        code_challenge = self.code_challenge

        code_challenge_method = self.code_challenge_method

        scope = self.scope

        state = self.state

        nonce = self.nonce

        ui_locales = self.ui_locales

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "login": login,
                "password": password,
                "csrf": csrf,
                "client_id": client_id,
                "redirect_uri": redirect_uri,
            }
        )
        if response_type is not UNSET:
            field_dict["response_type"] = response_type
        if code_challenge is not UNSET:
            field_dict["code_challenge"] = code_challenge
        if code_challenge_method is not UNSET:
            field_dict["code_challenge_method"] = code_challenge_method
        if scope is not UNSET:
            field_dict["scope"] = scope
        if state is not UNSET:
            field_dict["state"] = state
        if nonce is not UNSET:
            field_dict["nonce"] = nonce
        if ui_locales is not UNSET:
            field_dict["ui_locales"] = ui_locales

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        login = d.pop("login")

        password = d.pop("password")

        csrf = d.pop("csrf")

        client_id = d.pop("client_id")

        redirect_uri = d.pop("redirect_uri")

        response_type = d.pop("response_type", UNSET)

        code_challenge = d.pop("code_challenge", UNSET)

        code_challenge_method = d.pop("code_challenge_method", UNSET)

        scope = d.pop("scope", UNSET)

        state = d.pop("state", UNSET)

        nonce = d.pop("nonce", UNSET)

        ui_locales = d.pop("ui_locales", UNSET)

        sign_in_body = cls(
            login=login,
            password=password,
            csrf=csrf,
            client_id=client_id,
            redirect_uri=redirect_uri,
            response_type=response_type,
            code_challenge=code_challenge,
            code_challenge_method=code_challenge_method,
            scope=scope,
            state=state,
            nonce=nonce,
            ui_locales=ui_locales,
        )

        sign_in_body.additional_properties = d
        return sign_in_body

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
