"""What the pages' form routes share: the posted form read with its CSRF token checked, and the
answer that sends the browser back to a page with a one-time flash of the outcome.

The pages' script posts a form with ``Accept: application/json`` and is answered the address to
load (so the flash is shown by the page it loads, not spent on a redirect `fetch` would
follow); a plain form post gets a 303 to the same address.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs, quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from inventory_runtime.auth.routes import CSRF_FIELD

from approval.api.page_text import PAGE_HEADERS, TEXT

FLASH_COOKIE = "approval_flash"
MAX_FIELDS = 10


async def read_form(
    request: Request, max_fields: int = MAX_FIELDS
) -> dict[str, list[str]] | HTMLResponse:
    """The posted fields (every value of each), or a 403 page when the session's CSRF token is
    missing or wrong (a bearer-token caller has none to check), or a 400 one for more than
    `max_fields` fields."""
    body = (await request.body()).decode("utf-8", "replace")
    try:
        form = parse_qs(body, max_num_fields=max_fields)
    except ValueError:
        return HTMLResponse("too many form fields", status_code=400, headers=PAGE_HEADERS)
    expected = getattr(request.state, "csrf_token", None)
    sent = first(form, CSRF_FIELD)
    if expected is not None and not hmac.compare_digest(sent, expected):
        return HTMLResponse("missing or wrong CSRF token", status_code=403, headers=PAGE_HEADERS)
    return form


def first(form: dict[str, list[str]], name: str) -> str:
    """The first value of field `name`, stripped ("" when absent)."""
    return (form.get(name) or [""])[0].strip()


def back_to(
    request: Request, path: str, form: dict[str, list[str]], flash: str, cookie_path: str
) -> Response:
    """Back to `path` (in the form's language) with `flash` shown once there."""
    lang = first(form, "lang")
    target = path + (f"?lang={lang}" if lang in TEXT else "")
    response: Response = RedirectResponse(target, status_code=303, headers=PAGE_HEADERS)
    if "application/json" in request.headers.get("accept", ""):  # the page's script
        response = JSONResponse({"location": target}, headers=PAGE_HEADERS)
    response.set_cookie(
        FLASH_COOKIE, quote(flash[:500], safe=""), max_age=60, path=cookie_path,
        httponly=True, samesite="strict",
    )  # fmt: skip
    return response


def take_flash(request: Request) -> dict[str, str] | None:
    """The flash a form route left for this page, if any (the page then deletes the cookie)."""
    kind, _, message = unquote(request.cookies.get(FLASH_COOKIE, "")).partition(":")
    return {"kind": kind, "message": message} if kind else None
