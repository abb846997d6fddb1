"""My delegations in the browser: the ones I gave (with a button to end each early) and the ones
I was given, and a form to let someone decide my tasks for an absence window, for every flow or
the ones ticked. The same handlers as `POST/GET/DELETE /v1/delegations`; each form goes through
the pages' script with the CSRF token and comes back here with the outcome.

The window's times are typed in the device's time zone: the page's script puts the device's
offset from UTC in the hidden field `tz_offset` (minutes; without it, UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.clock import utc_now

from approval import handlers
from approval.api import Uow
from approval.api.page_forms import FLASH_COOKIE, back_to, first, read_form, take_flash
from approval.api.page_text import PAGE_HEADERS
from approval.api.pages import REFUSALS, lang_of, render_page
from approval.domain import Delegation, InvalidInput, UnknownDelegation

router = secured_router(tags=["web"], include_in_schema=False)
PATH = "/delegations"
MAX_OFFSET_MINUTES = 14 * 60
MAX_FORM_FIELDS = 80  # the window, the comment and a box per flow


def state_of(delegation: Delegation, now: datetime) -> str:
    """running, upcoming, ended or cancelled, as the page shows it."""
    if delegation.cancelled_at is not None:
        return "cancelled"
    if now < delegation.starts_at:
        return "upcoming"
    return "running" if now < delegation.ends_at else "ended"


def moment(form: dict[str, list[str]], field: str) -> datetime:
    """A ``datetime-local`` field read in the device's zone (``tz_offset``), as an aware time."""
    try:
        offset = int(first(form, "tz_offset") or 0)
        local = datetime.fromisoformat(first(form, field))
    except ValueError:
        raise InvalidInput(field, "give a date and time, e.g. 2026-12-24T09:00") from None
    if abs(offset) > MAX_OFFSET_MINUTES:
        raise InvalidInput("tz_offset", "the time zone's offset is out of range")
    if local.tzinfo is None:
        local = local.replace(tzinfo=timezone(timedelta(minutes=offset)))
    return local.astimezone(UTC)


@router.get(PATH, response_class=HTMLResponse)
async def delegations_page(
    request: Request,
    actor: Annotated[Principal, require("approval:decide")],
    uow: Uow,
    lang: Annotated[str | None, Query(max_length=5)] = None,
) -> Any:
    """The delegations I gave and was given, and the form to give one."""
    now = utc_now()
    mine = await handlers.delegations_of(actor, uow)
    async with uow:
        flows = await uow.flows.find()
    page = render_page(
        "delegations.html", request, actor, lang_of(request, actor, lang),
        given=[d for d in mine if d.delegator == actor.id],
        received=[d for d in mine if d.delegate == actor.id],
        state_of=lambda d: state_of(d, now), flows=flows, flash=take_flash(request),
    )  # fmt: skip
    response = HTMLResponse(page, headers=PAGE_HEADERS)
    response.delete_cookie(FLASH_COOKIE, path=PATH)
    return response


@router.post(PATH, response_class=HTMLResponse)
async def give(
    request: Request, actor: Annotated[Principal, require("approval:decide")], uow: Uow
) -> Response:
    """Give a delegation from the form; back to the page with the outcome."""
    form = await read_form(request, max_fields=MAX_FORM_FIELDS)
    if isinstance(form, HTMLResponse):
        return form
    flow_ids = tuple(f for f in form.get("flow_id", []) if f)
    try:
        to = first(form, "to")
        if not to:
            raise InvalidInput("to", "name the login who decides for you")
        starts_at, ends_at = moment(form, "starts_at"), moment(form, "ends_at")
        comment = first(form, "comment") or None
        await handlers.delegate(actor, to, starts_at, ends_at, flow_ids, comment, uow)
        flash = "done:delegate"
    except REFUSALS as exc:
        flash = f"refused:{exc}"
    return back_to(request, PATH, form, flash, PATH)


@router.post(PATH + "/{delegation_id}/cancel", response_class=HTMLResponse)
async def cancel(
    request: Request,
    delegation_id: str,
    actor: Annotated[Principal, require("approval:read")],
    uow: Uow,
) -> Response:
    """End one of my delegations now; back to the page with the outcome."""
    form = await read_form(request)
    if isinstance(form, HTMLResponse):
        return form
    try:
        await handlers.cancel_delegation(delegation_id, actor, uow)
        flash = "done:cancel"
    except UnknownDelegation:
        return HTMLResponse("not found", status_code=404, headers=PAGE_HEADERS)
    except REFUSALS as exc:
        flash = f"refused:{exc}"
    return back_to(request, PATH, form, flash, PATH)
