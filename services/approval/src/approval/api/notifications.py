"""The messages approval sent or will send (administrators): whom, on which channel, in which
language, with what outcome. The task link in a body is shown as ``link=***``: it is a
credential of its recipient (bound to them, single-use, expiring)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from fastapi import Query
from inventory_runtime.auth.routes import require, secured_router
from pydantic import BaseModel

from approval.api import Limit, Uow

router = secured_router(prefix="/v1", tags=["notifications"])
LINK_TOKEN = re.compile(r"([?&]link=)[^\s&]+")


class NotificationView(BaseModel):
    id: int
    request_id: str
    step_no: int | None
    kind: str
    recipient: str
    channel: str | None
    address: str | None
    locale: str
    title: str
    body: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


@router.get(
    "/notifications",
    response_model=list[NotificationView],
    dependencies=[require("approval:admin")],
)
async def list_notifications(
    uow: Uow,
    status: Literal["pending", "sent", "failed"] | None = None,
    request_id: Annotated[str | None, Query(max_length=100)] = None,
    recipient: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 100,
) -> list[NotificationView]:
    """Messages, newest first (`?status=failed` shows what did not reach its person, with the
    last error)."""
    async with uow:
        rows = await uow.notifications.find(
            status=status, request_id=request_id, recipient=recipient, limit=limit
        )
    views = []
    for row in rows:
        values = {name: row._mapping[name] for name in NotificationView.model_fields}
        values["body"] = LINK_TOKEN.sub(r"\1***", row.body)
        views.append(NotificationView(**values))
    return views
