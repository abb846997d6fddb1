"""Identity context: the people directory of the integration gateway."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from inventory_contracts.events.base import Event, Identifier
from inventory_contracts.topics import Topics

PersonChange = Literal["created", "updated"]
Locale = Literal["zh-CN", "en"]


class PersonChanged(Event):
    """A person of the directory was created or changed (profile, roles, addresses or active
    flag); the event carries the whole current profile, never a password.

    Published by integration-gateway; approval and alerting resolve assignees and notification
    addresses with it. Keyed by `person_id`, so one person's changes keep their order.
    """

    event_type = "inventory.person.changed.v1"
    topic = Topics.PEOPLE

    person_id: Identifier = Field(description="The person's uuid (the `sub` of their tokens).")
    login: str = Field(pattern=r"^[a-z0-9._-]{2,64}$")
    change: PersonChange
    changed_fields: tuple[str, ...] = Field(
        (), description="The fields that changed (empty for a created person)."
    )
    display_name: str = Field(min_length=1)
    department: str | None = None
    manager_login: str | None = None
    roles: tuple[str, ...] = ()
    email: str | None = None
    locale: Locale = "zh-CN"
    dingtalk_user_id: str | None = None
    wecom_user_id: str | None = None
    feishu_user_id: str | None = None
    slack_user_id: str | None = None
    active: bool = True
    changed_at: AwareDatetime

    def key(self) -> str:
        """The `person_id`."""
        return self.person_id
