"""Opening a signed task link: who may, and its single use (audited)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from inventory_runtime.auth.principal import Principal
from inventory_runtime.uow import UnitOfWorkProtocol

from approval.domain.links import BadLink, LinkClaim, LinkRow, LinkVerdict, judge, read


class LinkStore(Protocol):
    async def link(self, link_id: str, *, for_update: bool = False) -> LinkRow | None: ...

    async def use_link(self, link_id: str, now: datetime) -> bool: ...


class LinkUoW(UnitOfWorkProtocol, Protocol):
    @property
    def notifications(self) -> LinkStore: ...


async def open_link(
    token: str,
    request_id: str,
    viewer: Principal,
    secret: str,
    uow: LinkUoW,
    now: datetime,
) -> tuple[LinkVerdict, LinkClaim | None]:
    """What opening `token` at `/inbox/<request_id>` as `viewer` gives, and the link's claim
    (None when it is not one of ours). An open link is used up in the same transaction, and
    its use is in the audit log; a refused one stays as it was."""
    try:
        claim = read(token, secret)
    except BadLink:
        return "invalid", None
    async with uow:
        row = await uow.notifications.link(claim.link_id, for_update=True)
        known = row is not None and (row.request_id, row.step_no, row.login) == (
            claim.request_id,
            claim.step_no,
            claim.login,
        )
        used_at = row.used_at if row is not None else None
        verdict = judge(claim, request_id, viewer.id, used_at, known, now)
        if verdict == "open" and await uow.notifications.use_link(claim.link_id, now):
            uow.audit(
                viewer,
                "use",
                "approval_link",
                claim.link_id,
                after={
                    "request_id": request_id,
                    "step_no": claim.step_no,
                    "used_at": now.isoformat(),
                },
            )
            await uow.commit()
    return verdict, claim
