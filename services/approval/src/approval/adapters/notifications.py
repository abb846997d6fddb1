"""The notifications of approval on PostgreSQL: the messages planned in a change's own
transaction (so a rolled-back change tells nobody and a committed one is never forgotten), the
task links they carry, and the admin's list.

A notice to a role is sent to the role's holders for the request's department, less those who
may not decide (`Notice.excluded`). A person is reached on the channel `choose_channel` picks
among those configured, in their language; one with no usable address gets a ``failed`` row
whose `last_error` says so, for an administrator to see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote
from uuid import uuid4

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from approval.adapters import tables
from approval.adapters.approvers import ApproverRepository
from approval.adapters.delegations import DelegationRepository
from approval.domain.links import LinkClaim, LinkRow, sign
from approval.domain.messages import choose_channel, language_of, render
from approval.domain.notices import TASK_KINDS, Notice
from approval.domain.people import Person

DEV_LINK_SECRET = "development-approval-link-secret"
LIST_LIMIT = 100


@dataclass(frozen=True)
class NoticeConfig:
    """How messages are addressed: the channel kinds configured, where links point, how links
    are signed and how long they work."""

    channels: tuple[str, ...] = ()
    public_url: str = "http://127.0.0.1:8004"
    link_secret: str = DEV_LINK_SECRET
    link_ttl: timedelta = timedelta(hours=72)


class NotificationRepository:
    """Plans messages for notices, keeps the task links, lists the messages."""

    def __init__(
        self,
        session: AsyncSession,
        approvers: ApproverRepository,
        delegations: DelegationRepository,
        config: NoticeConfig,
    ) -> None:
        self._session = session
        self._approvers = approvers
        self._delegations = delegations
        self._config = config

    async def plan(self, notices: list[Notice], now: datetime) -> int:
        """Write one message per recipient of each notice; return how many."""
        rows: list[dict[str, Any]] = []
        for notice in notices:
            recipients = await self._recipients(notice, now)
            people = await self._people(recipients)
            for login in recipients:
                person = people.get(login)
                if notice.kind == "decision" and person is None:
                    continue  # a requesting service (replenishment), not a person
                rows.append(await self._message(notice, login, person, now))
        if rows:
            await self._session.execute(insert(tables.approval_notifications), rows)
        return len(rows)

    async def _recipients(self, notice: Notice, now: datetime) -> list[str]:
        named = list(notice.to)
        if not named and notice.to_role is not None:
            named = await self._approvers.holders(notice.to_role, notice.department)
        if notice.kind in TASK_KINDS and named:  # their running delegates may act too
            delegations = await self._delegations.from_(named)
            named += [d.delegate for d in delegations if d.covers(notice.flow_id, now)]
        return sorted({login for login in named if login not in notice.excluded})

    async def _people(self, logins: list[str]) -> dict[str, Person]:
        if not logins:
            return {}
        t = tables.people
        rows = await self._session.execute(select(t).where(t.c.login.in_(logins)))
        return {row.login: Person(**row._asdict()) for row in rows}

    async def _message(
        self, notice: Notice, login: str, person: Person | None, now: datetime
    ) -> dict[str, Any]:
        locale = person.locale if person is not None else "zh-CN"
        link_id = url = None
        if notice.kind in TASK_KINDS and notice.step_no is not None:
            link_id, url = await self._link(notice.request_id, notice.step_no, login, now)
        hours = int(self._config.link_ttl.total_seconds() // 3600)
        message = render(notice.kind, notice.facts, language_of(locale), url, hours)
        channel = choose_channel(person, self._config.channels)
        row: dict[str, Any] = {
            "request_id": notice.request_id,
            "step_no": notice.step_no,
            "kind": notice.kind,
            "recipient": login,
            "locale": locale,
            "title": message.title,
            "body": message.body,
            "link_id": link_id,
            "next_attempt_at": now,
            "channel": None,
            "address": None,
        }
        if channel is None:
            configured = ", ".join(self._config.channels) or "none"
            row |= {
                "status": "failed",
                "last_error": f"no address of {login} on a configured channel ({configured})",
            }
        else:
            row["channel"], row["address"] = channel
        return row

    async def _link(
        self, request_id: str, step_no: int, login: str, now: datetime
    ) -> tuple[str, str]:
        claim = LinkClaim(str(uuid4()), request_id, step_no, login, now + self._config.link_ttl)
        await self._session.execute(
            insert(tables.approval_links).values(
                link_id=claim.link_id,
                request_id=request_id,
                step_no=step_no,
                login=login,
                expires_at=claim.expires_at,
                created_at=now,
            )
        )
        token = sign(claim, self._config.link_secret)
        base = self._config.public_url.rstrip("/")
        return claim.link_id, f"{base}/inbox/{quote(request_id, safe='')}?link={token}"

    async def link(self, link_id: str, *, for_update: bool = False) -> LinkRow | None:
        """The stored link `link_id`, if any."""
        t = tables.approval_links
        query = select(t).where(t.c.link_id == link_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        return LinkRow(**{k: row._mapping[k] for k in LinkRow.__dataclass_fields__})

    async def use_link(self, link_id: str, now: datetime) -> bool:
        """Mark the link used; False if it was used already (one use, even when raced)."""
        t = tables.approval_links
        used = await self._session.scalar(
            update(t)
            .where(t.c.link_id == link_id, t.c.used_at.is_(None))
            .values(used_at=now)
            .returning(t.c.link_id)
        )
        return used is not None

    async def find(
        self,
        *,
        status: str | None = None,
        request_id: str | None = None,
        recipient: str | None = None,
        limit: int = LIST_LIMIT,
    ) -> list[Row[Any]]:
        """Messages, newest first, by status, request and recipient."""
        t = tables.approval_notifications
        query = select(t).order_by(t.c.id.desc()).limit(limit)
        for column, value in (("status", status), ("request_id", request_id),
                              ("recipient", recipient)):  # fmt: skip
            if value is not None:
                query = query.where(t.c[column] == value)
        return list((await self._session.execute(query)).all())
