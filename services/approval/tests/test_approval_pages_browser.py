"""The inbox in headless Chromium, against the app served in-process on a free port over the
test database: an approver opens their inbox on a phone (390x844, zh) and on a desktop
(1200x900, en), opens a request whose details and comment carry a script payload, and approves
it with a comment from the detail page. No dialog opens and the page breaks no rule of its
Content-Security-Policy. Needs Debian's chromium (`bash scripts/chromium.sh`); the screenshots
go to `.local/screenshots` (or `SCREENSHOT_DIR`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import httpx
import pytest
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.api import get_uow
from approval.config import ApprovalSettings
from approval.main import create_app
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.auth.routes import SESSION_COOKIE
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_testkit.browser import CHROMIUM, CHROMIUM_MISSING, SCREENSHOTS, chromium, serving

PAYLOAD = "</script><script>window.pwned=true;alert(1)</script>"
Start = Callable[[ApprovalRequested], Awaitable[None]]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.usefixtures("clean"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
]


@pytest.fixture
async def base_url(
    client: httpx.AsyncClient, make_uow: Callable[[], ApprovalUnitOfWork]
) -> AsyncIterator[str]:
    """The app on a free port (no lifespan: no consumer, relay or timer job runs)."""
    app = create_app(ApprovalSettings())
    app.dependency_overrides[get_uow] = make_uow
    async with serving(app) as url:
        yield url


@pytest.fixture(scope="module", autouse=True)
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Any]:
    async with chromium() as launched:
        yield launched


def requested(request_id: str) -> ApprovalRequested:
    return ApprovalRequested(
        request_id=request_id,
        subject_type="purchase_requisition",
        subject_id=f"REQ-{request_id}",
        amount=D("1280.50"),
        department="purchasing",
        requested_by="chen.planner",
        summary=f"补货 / restock M8 bolts ({request_id})",
        details={
            "sku": "BOLT-M8",
            "quantity": "400",
            "supplier_id": "SUP-ACME",
            "unit_cost": "3.20",
            "note": PAYLOAD,
        },
    )


async def approve_in_browser(
    browser: Any, base_url: str, request_id: str, lang: str, width: int, height: int
) -> str:
    """As wang.manager: the inbox, the request's page, approve with a comment."""
    context = await browser.new_context(viewport={"width": width, "height": height})
    session = TEST_ISSUER.token("approver", login="wang.manager", claims={"name": "王经理 Wang"})
    await context.add_cookies([{"name": SESSION_COOKIE, "value": session, "url": base_url}])
    page = await context.new_page()
    dialogs: list[str] = []
    violations: list[str] = []

    async def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", dismiss)
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    shot = f"approval-inbox-{lang}-{width}"
    await page.goto(f"{base_url}/inbox?lang={lang}")
    await page.screenshot(path=str(SCREENSHOTS / f"{shot}-list.png"), full_page=True)
    await page.click(f'li[data-request="{request_id}"] a')
    await page.wait_for_selector("#decide")
    assert PAYLOAD in await page.inner_text("#details")
    await page.fill("#comment", f"同意 OK {PAYLOAD}")
    await page.screenshot(path=str(SCREENSHOTS / f"{shot}-detail.png"), full_page=True)
    await page.click("#approve")
    flash = (await page.inner_text("#flash", timeout=10_000)).strip()
    assert await page.locator("#decide").count() == 0
    assert PAYLOAD in await page.inner_text("#timeline")
    await page.screenshot(path=str(SCREENSHOTS / f"{shot}-approved.png"), full_page=True)
    assert await page.evaluate("() => window.pwned === true") is False
    assert (dialogs, violations) == ([], [])
    await context.close()
    return str(flash)


@pytest.mark.parametrize(
    ("lang", "width", "height", "approved_text"),
    [("zh", 390, 844, "已同意"), ("en", 1200, 900, "Approved")],
)
async def test_an_approver_approves_with_a_comment_from_the_detail_page(
    browser: Any,
    base_url: str,
    start: Start,
    client: httpx.AsyncClient,
    lang: str,
    width: int,
    height: int,
    approved_text: str,
) -> None:
    request_id = f"BR-{lang}"
    await start(requested(request_id))
    flash = await approve_in_browser(browser, base_url, request_id, lang, width, height)
    assert flash == approved_text
    state = (await client.get(f"/v1/approvals/{request_id}")).json()
    assert state["steps"][0]["status"] == "approved"
    assert state["steps"][0]["approver"] == "wang.manager"
    assert state["steps"][0]["comment"] == f"同意 OK {PAYLOAD}"
