"""Opening a task link from a message: ``GET /inbox/{request_id}?link=TOKEN``.

A signed-out browser is first sent to the sign-in (the inbox's routes do that) and comes back
to the link. The signed-in person the link was sent to uses it up and is redirected to the
task, where they approve or reject (two taps: open, then decide). Anyone else, a link already
used or expired, or a link that is not ours gets a page saying so (zh-CN / English), and the
link stays as it was.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import CSRF_FIELD
from inventory_runtime.clock import utc_now
from jinja2 import Environment, FileSystemLoader

from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.api.page_text import PAGE_HEADERS, TEXT, Lang
from approval.domain.links import LinkVerdict
from approval.handlers.links import open_link

templates = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"), autoescape=True
)
STATUS: dict[LinkVerdict, int] = {"not_yours": 403, "used": 410, "expired": 410, "invalid": 404}
LINK_TEXT: dict[Lang, dict[LinkVerdict, tuple[str, str]]] = {
    "zh": {
        "not_yours": (
            "这不是您的审批链接",
            "该链接是发给另一位审批人的，不是发给 {viewer} 的。请用收到该消息的账号登录后再打开。",
        ),
        "used": ("链接已使用", "该链接只能使用一次，已经打开过。请从“我的待办审批”进入该任务。"),
        "expired": ("链接已过期", "该链接已于 {expires} 过期。请从“我的待办审批”进入该任务。"),
        "invalid": ("链接无效", "该链接不完整或不属于此审批。请从“我的待办审批”进入该任务。"),
    },
    "en": {
        "not_yours": (
            "This link is not yours",
            "The link was sent to another approver, not to {viewer}. Sign in as the person "
            "who received the message to open it.",
        ),
        "used": (
            "This link was used already",
            "A task link works once and this one was opened before. Open the task from your inbox.",
        ),
        "expired": (
            "This link has expired",
            "The link expired at {expires}. Open the task from your inbox.",
        ),
        "invalid": (
            "This link is not valid",
            "The link is damaged or not one for this request. Open the task from your inbox.",
        ),
    },
}


async def from_link(
    request: Request,
    request_id: str,
    token: str,
    actor: Principal,
    uow: ApprovalUnitOfWork,
    lang: Lang,
) -> Response:
    """Use the link and go to the task, or say why not."""
    config = uow.notice_config
    verdict, claim = await open_link(token, request_id, actor, config.link_secret, uow, utc_now())
    if verdict == "open":
        target = f"/inbox/{quote(request_id, safe='')}?lang={lang}"
        return RedirectResponse(target, status_code=303, headers=PAGE_HEADERS)
    title, reason = LINK_TEXT[lang][verdict]
    expires = claim.expires_at.strftime("%Y-%m-%d %H:%M UTC") if claim is not None else ""
    page = templates.get_template("link.html").render(
        lang=lang,
        text=TEXT[lang],
        other_lang="en" if lang == "zh" else "zh",
        person=actor.display_name,
        csrf_token=getattr(request.state, "csrf_token", ""),
        csrf_field=CSRF_FIELD,
        link={"title": title, "reason": reason.format(viewer=actor.id, expires=expires)},
    )
    return HTMLResponse(page, status_code=STATUS[verdict], headers=PAGE_HEADERS)
