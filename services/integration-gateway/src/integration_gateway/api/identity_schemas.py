"""Bodies of the identity admin API. No schema has a field that returns a password or hash."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from inventory_runtime.auth.permissions import Role
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from integration_gateway.domain.people import Locale

Login = Annotated[str, StringConstraints(pattern=r"^[a-z0-9._-]{2,64}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
ImId = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)]
Password = Annotated[str, StringConstraints(max_length=1024)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProfileFields(_Strict):
    display_name: Text | None = None
    department: Text | None = None
    manager_login: Login | None = None
    roles: list[Role] | None = None
    email: Email | None = None
    locale: Locale | None = None
    dingtalk_user_id: ImId | None = None
    wecom_user_id: ImId | None = None
    feishu_user_id: ImId | None = None
    slack_user_id: ImId | None = None
    active: bool | None = None


class PersonBody(ProfileFields):
    """A new person; without `password` they cannot sign in until one is set."""

    login: Login
    display_name: Text
    roles: list[Role] = Field(default_factory=list)
    locale: Locale = "zh-CN"
    active: bool = True
    password: Password | None = None


class PersonPatch(ProfileFields):
    """The fields to change; a field sent as null is cleared (display name, roles, locale and
    active cannot be null)."""


class PersonView(BaseModel):
    id: UUID
    login: str
    display_name: str
    department: str | None
    manager_login: str | None
    roles: list[str]
    email: str | None
    locale: str
    dingtalk_user_id: str | None
    wecom_user_id: str | None
    feishu_user_id: str | None
    slack_user_id: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


class PasswordBody(_Strict):
    password: Password


class OwnPasswordBody(_Strict):
    old_password: Password
    new_password: Password


class ServiceAccountBody(_Strict):
    client_id: Login
    name: Text
    roles: list[Role] = Field(default_factory=list)


class ServiceAccountPatch(_Strict):
    name: Text | None = None
    roles: list[Role] | None = None
    active: bool | None = None


class ServiceAccountView(BaseModel):
    client_id: str
    name: str
    roles: list[str]
    active: bool
    created_at: datetime | None


class ServiceAccountCreated(ServiceAccountView):
    client_secret: str = Field(description="Shown once; only its hash is stored.")
