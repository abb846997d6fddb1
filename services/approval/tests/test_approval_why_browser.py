"""The detail page's "why" panel in headless Chromium, the app served in-process on a free
port over the test database, replenishment, reservation and the issuer as stand-ins
(`WhyServices` in conftest): on a phone (390x844, zh) and a desktop (1200x900, en) the panel
shows its facts without a horizontal scroll, names from master data carrying markup stay text,
no dialog opens and the CSP is never broken; with replenishment down, the phone page says
which parts are unavailable and still offers the decision. Screenshots in
`.local/screenshots` (or `SCREENSHOT_DIR`); needs Debian's chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.api import get_uow
from approval.api.why import get_why_reader
from approval.config import ApprovalSettings
from approval.main import create_app
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.auth.routes import SESSION_COOKIE
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_testkit.browser import CHROMIUM, CHROMIUM_MISSING, SCREENSHOTS, chromium, serving

HOSTILE = "<img src=x onerror=alert(1)>"
Start = Callable[[ApprovalRequested], Awaitable[None]]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.usefixtures("clean"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
]


@pytest.fixture
async def base_url(
    client: httpx.AsyncClient, make_uow: Callable[[], ApprovalUnitOfWork], why_services: Any
) -> AsyncIterator[str]:
    """The app on a free port (no lifespan), its why read from the stand-ins."""
    app = create_app(ApprovalSettings())
    app.dependency_overrides[get_uow] = make_uow
    reader = why_services.reader()
    app.dependency_overrides[get_why_reader] = lambda: reader
    async with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Any]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with chromium() as launched:
        yield launched


def requisition(request_id: str) -> ApprovalRequested:
    return ApprovalRequested(
        request_id=request_id,
        subject_type="purchase_requisition",
        subject_id=f"REQ-{request_id}",
        amount=D("14760.00"),
        department="purchasing",
        requested_by="system:replenishment",
        summary=f"采购申请 / Purchase requisition: restock 1200 of BOLT-M8 at WH-1 ({request_id})",
        details={
            "sku": "BOLT-M8", "location": "WH-1", "supplier_id": f"SUP-ACME {HOSTILE}",
            "quantity": "1200", "unit_cost": "12.30", "on_hand": "1250", "on_order": "300",
            "inventory_position": "350", "reorder_point": "420",
        },
    )  # fmt: skip


async def open_detail(browser: Any, url: str, width: int, height: int, shot: str) -> Any:
    """The page at `url` as wang.manager; asserts no dialog and no CSP violation."""
    context = await browser.new_context(viewport={"width": width, "height": height})
    session = TEST_ISSUER.token("approver", login="wang.manager", claims={"name": "王经理 Wang"})
    base = url.split("/inbox")[0]
    await context.add_cookies([{"name": SESSION_COOKIE, "value": session, "url": base}])
    page = await context.new_page()
    dialogs: list[str] = []
    violations: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    await page.goto(url)
    await page.wait_for_selector("#why")
    await page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
    overflow = await page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert (dialogs, violations, overflow) == ([], [], 0)
    return page, context


@pytest.mark.parametrize(
    ("lang", "width", "height", "title"),
    [("zh", 390, 844, "为什么要采购"), ("en", 1200, 900, "Why this purchase")],
)
async def test_the_why_panel_on_a_phone_and_a_desktop(
    browser: Any, base_url: str, start: Start, lang: str, width: int, height: int, title: str
) -> None:
    request_id = f"WB-{lang}"
    await start(requisition(request_id))
    url = f"{base_url}/inbox/{request_id}?lang={lang}"
    page, context = await open_detail(browser, url, width, height, f"approval-why-{lang}-{width}")
    assert (await page.inner_text("#why-title")).strip() == title
    assert HOSTILE in await page.inner_text('[data-fact="why_supplier"]')
    assert await page.locator("#why img").count() == 0
    assert (await page.inner_text('[data-fact="why_safety_stock"]')).strip() == "80"
    assert (await page.inner_text('[data-fact="why_trigger"]')).strip() == "350 ≤ 420"
    assert await page.locator("#why-periods tr.forecast").count() == 4
    assert await page.locator("#decide").is_visible()
    await context.close()


async def test_with_replenishment_down_the_phone_page_says_what_is_missing(
    browser: Any, base_url: str, start: Start, why_services: Any
) -> None:
    await start(requisition("WB-DOWN"))
    why_services.down.add("replenishment.test")
    url = f"{base_url}/inbox/WB-DOWN?lang=zh"
    page, context = await open_detail(browser, url, 390, 844, "approval-why-zh-390-unavailable")
    assert "暂时无法获取" in await page.inner_text('[data-fact="why_forecast"]')
    assert (await page.inner_text('[data-fact="why_on_hand"]')).strip() == "1,250"
    assert await page.locator("#approve").is_visible()
    await context.close()


async def test_a_work_order_proposal_shows_why_to_make_without_a_supplier_part(
    browser: Any, base_url: str, start: Start
) -> None:
    details = {
        "procurement_type": "make", "sku": "BOLT-M8", "location": "WH-1", "quantity": "1200",
        "unit_cost": "12.30", "production_lead_time_days": 3, "due_date": "2026-12-04",
        "inventory_position": "350", "reorder_point": "420",
    }  # fmt: skip
    await start(
        ApprovalRequested(
            request_id="WB-WO",
            subject_type="production_work_order",
            subject_id="WOP-WB-WO",
            amount=D("14760.00"),
            department="production",
            requested_by="replenishment",
            summary="生产工单申请 / Production work order proposal",
            details=details,
        )
    )
    url = f"{base_url}/inbox/WB-WO?lang=zh"
    page, context = await open_detail(browser, url, 390, 844, "approval-why-work-order-zh-390")
    assert (await page.inner_text("#why-title")).strip() == "为什么要生产"
    assert (await page.inner_text('[data-fact="why_production_lead_time"]')).strip() == "3"
    assert (await page.inner_text('[data-fact="why_safety_stock"]')).strip() == "80"
    assert await page.locator("#why-supplier").count() == 0
    assert await page.locator("#why-prices").count() == 0
    await context.close()
