"""Bodies of the identity admin API. No schema has a field that returns a password or hash."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from inventory_runtime.auth.permissions import Role
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from integration_gateway.api.examples import examples_of
from integration_gateway.api.examples_identity import (
    OWN_PASSWORD,
    PASSWORD,
    PERSON_BODY,
    PERSON_PATCH,
    PERSON_VIEW,
    SERVICE_ACCOUNT_BODY,
    SERVICE_ACCOUNT_CREATED,
    SERVICE_ACCOUNT_PATCH,
    SERVICE_ACCOUNT_VIEW,
)
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

    model_config = ConfigDict(extra="forbid", json_schema_extra=examples_of(PERSON_BODY))

    login: Login
    display_name: Text
    roles: list[Role] = Field(default_factory=list)
    locale: Locale = "zh-CN"
    active: bool = True
    password: Password | None = None


class PersonPatch(ProfileFields):
    """The fields to change; a field sent as null is cleared (display name, roles, locale and
    active cannot be null)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=examples_of(PERSON_PATCH))


class PersonView(BaseModel):
    model_config = ConfigDict(json_schema_extra=examples_of(PERSON_VIEW))
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
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples_of(PASSWORD))
    password: Password


class OwnPasswordBody(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples_of(OWN_PASSWORD))
    old_password: Password
    new_password: Password


class ServiceAccountBody(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples_of(SERVICE_ACCOUNT_BODY))
    client_id: Login
    name: Text
    roles: list[Role] = Field(default_factory=list)


class ServiceAccountPatch(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples_of(SERVICE_ACCOUNT_PATCH))
    name: Text | None = None
    roles: list[Role] | None = None
    active: bool | None = None


class ServiceAccountView(BaseModel):
    model_config = ConfigDict(json_schema_extra=examples_of(SERVICE_ACCOUNT_VIEW))
    client_id: str
    name: str
    roles: list[str]
    active: bool
    created_at: datetime | None


class ServiceAccountCreated(ServiceAccountView):
    model_config = ConfigDict(json_schema_extra=examples_of(SERVICE_ACCOUNT_CREATED))
    client_secret: str = Field(description="Shown once; only its hash is stored.")
