"""People of the directory, as approval needs them: who manages whom, and how to reach them
(from `PersonChanged`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Person:
    """A person's login, manager and department; an inactive person is nobody's escalation.
    The addresses and locale say where and in which language they are notified."""

    login: str
    manager_login: str | None
    department: str | None
    active: bool
    changed_at: datetime
    email: str | None = None
    locale: str = "zh-CN"
    dingtalk_user_id: str | None = None
    wecom_user_id: str | None = None
    feishu_user_id: str | None = None
    slack_user_id: str | None = None
