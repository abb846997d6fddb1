"""The approval inbox in the browser (zh-CN / English), signed in through the session cookie.

`GET /inbox` lists the signed-in person's pending tasks (the rules of `GET /v1/tasks`) by due
time; `GET /inbox/{request_id}` shows a request with its details, steps and timeline and, to
whoever may decide its active step, forms to approve, reject or transfer. The forms post to
`POST /inbox/{request_id}/{approve|reject|transfer}` through the page's script, which sends the
session's CSRF token as ``X-CSRF-Token`` (the runtime refuses a cookie write without it); the
route also compares the form's ``csrf_token`` field. They call the same handlers as the API and
redirect back to the detail with the outcome, or the refusal's reason, as a one-time flash
(the script asks for JSON and is answered the detail's address, so that the flash is shown by
the page it loads, not spent on a redirect `fetch` would follow).

Templates autoescape, the script and styles are files served here, and every page sends a CSP
without 'unsafe-inline' (`PAGE_HEADERS`). Who acts is the signed-in person, never a field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import CSRF_FIELD, require, secured_router
from inventory_runtime.clock import utc_now
from jinja2 import Environment, FileSystemLoader

from approval import domain, handlers
from approval.adapters.task_list import TaskRow
from approval.api import Uow, links
from approval.api.delegated import INBOX_LIMIT, delegated_tasks
from approval.api.page_forms import FLASH_COOKIE, back_to, first, read_form, take_flash
from approval.api.page_text import PAGE_HEADERS, TEXT, Lang, choose_lang, shown, when
from approval.api.why import WhyReaderDep, why_of
from approval.api.why_text import WHY_TEXT
from approval.domain import (
    AlreadyDecided,
    InvalidInput,
    NotAuthorized,
    ReasonRequired,
    UnknownRequest,
    WrongStatus,
)

router = secured_router(tags=["web"], include_in_schema=False)
HERE = Path(__file__).resolve().parent
templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
templates.filters["when"] = when
templates.filters["shown"] = shown
STATIC_FILES = {
    "inbox.js": "text/javascript; charset=utf-8",
    "inbox.css": "text/css; charset=utf-8",
}
Action = Literal["approve", "reject", "transfer", "comment", "withdraw", "resubmit"]
LangQuery = Annotated[str | None, Query(max_length=5)]
REFUSALS = (NotAuthorized, AlreadyDecided, WrongStatus, ReasonRequired, InvalidInput)


def by_due(rows: list[TaskRow], *, descending: bool) -> list[TaskRow]:
    """`rows` by due time, soonest (or, `descending`, latest) first; no due time last."""
    dated = [(r.due_at, r) for r in rows if r.due_at is not None]
    dated.sort(key=lambda pair: pair[0], reverse=descending)
    return [r for _, r in dated] + [r for r in rows if r.due_at is None]


def render_page(name: str, request: Request, actor: Principal, lang: Lang, **values: Any) -> str:
    return templates.get_template(name).render(
        lang=lang,
        text=TEXT[lang],
        other_lang="en" if lang == "zh" else "zh",
        person=actor.display_name,
        csrf_token=getattr(request.state, "csrf_token", ""),  # none with a bearer token
        csrf_field=CSRF_FIELD,
        **values,
    )


def lang_of(request: Request, actor: Principal, lang: str | None) -> Lang:
    return choose_lang(lang, actor, request.headers.get("accept-language", ""))


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(
    request: Request,
    actor: Annotated[Principal, require("approval:read")],
    uow: Uow,
    sort: Literal["due", "-due"] = "due",
    lang: LangQuery = None,
) -> Any:
    """The signed-in person's pending tasks, by due time (no due time last)."""
    now = utc_now()
    async with uow:
        rows = await uow.task_list.find(approver=actor.id, status="pending", limit=INBOX_LIMIT)
        delegated = await delegated_tasks(uow, actor.id, {r.request_id for r in rows}, now)
    rows = by_due(rows + list(delegated), descending=sort == "-due")
    chosen = lang_of(request, actor, lang)
    page = render_page(
        "inbox.html", request, actor, chosen, rows=rows, sort=sort, now=now, delegated=delegated
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


@router.get("/inbox/{request_id}", response_class=HTMLResponse)
async def request_detail(
    request: Request,
    request_id: str,
    actor: Annotated[Principal, require("approval:read")],
    uow: Uow,
    why_reader: WhyReaderDep,
    lang: LangQuery = None,
    link: Annotated[str | None, Query(max_length=2000)] = None,
) -> Any:
    """One request: details, the why of a purchase requisition (read live), steps, timeline,
    and the decision forms when the person may. With `link`, a task link from a message
    (`api.links`)."""
    if link is not None:
        return await links.from_link(
            request, request_id, link, actor, uow, lang_of(request, actor, lang)
        )
    now = utc_now()
    async with uow:
        instance = await uow.instances.get(request_id)
        if instance is None:
            return HTMLResponse("not found", status_code=404, headers=PAGE_HEADERS)
        audit = await uow.instances.audit(request_id)
        may = actor.may("approval:decide") and await handlers.may_decide(
            uow, instance, actor.id, now
        )
    why = await why_of(instance, why_reader)  # after the transaction: no connection held
    requester = actor.id == instance.requested_by
    chosen = lang_of(request, actor, lang)
    page = render_page(
        "detail.html",
        request,
        actor,
        chosen,
        item=instance,
        why=why,
        why_text=WHY_TEXT[chosen],
        audit=audit,
        may_decide=may,
        may_comment=may or actor.id in domain.participants(instance),
        may_withdraw=requester and instance.status == "pending",
        may_resubmit=requester and instance.status == "rejected",
        now=now,
        flash=take_flash(request),
    )
    response = HTMLResponse(page, headers=PAGE_HEADERS)
    response.delete_cookie(FLASH_COOKIE, path="/inbox")
    return response


async def _apply(action: Action, request_id: str, form: dict[str, list[str]], actor: Principal,
                 uow: Uow) -> Any:  # fmt: skip
    comment = first(form, "comment") or None
    if action == "comment":
        return await handlers.comment(request_id, actor, comment, uow)
    if action == "withdraw":
        return await handlers.withdraw(request_id, actor, comment, uow)
    if action == "resubmit":
        return await handlers.resubmit(request_id, actor, None, comment, uow)
    if not actor.may("approval:decide"):  # what the API's decide and transfer require
        raise NotAuthorized(f"{actor.id} may not decide approvals (approval:decide)")
    if action == "transfer":
        to = first(form, "to")
        if not to:
            raise InvalidInput("to", "name the login to transfer the step to")
        return await handlers.transfer(request_id, actor, to, comment, uow)
    return await handlers.decide(request_id, action, actor, comment, uow)


@router.post("/inbox/{request_id}/{action}", response_class=HTMLResponse)
async def act(
    request: Request,
    request_id: str,
    action: Action,
    actor: Annotated[Principal, require("approval:read")],
    uow: Uow,
) -> Response:
    """A decision, transfer, comment, withdrawal or resubmission from the detail page; back to
    the detail with its outcome. Whether the person may is the handlers' rule, as in the API."""
    form = await read_form(request)
    if isinstance(form, HTMLResponse):
        return form
    try:
        await _apply(action, request_id, form, actor, uow)
        flash = f"done:{action}"
    except UnknownRequest:
        return HTMLResponse("not found", status_code=404, headers=PAGE_HEADERS)
    except REFUSALS as exc:
        flash = f"refused:{exc}"
    return back_to(request, f"/inbox/{quote(request_id, safe='')}", form, flash, "/inbox")


@router.get("/inbox-static/{name}", dependencies=[require("approval:read")])
async def static_file(name: str) -> Any:
    """The pages' script and styles (only the files listed in `STATIC_FILES`)."""
    if name not in STATIC_FILES:
        return HTMLResponse("not found", status_code=404, headers=PAGE_HEADERS)
    return FileResponse(HERE / "static" / name, media_type=STATIC_FILES[name], headers=PAGE_HEADERS)
