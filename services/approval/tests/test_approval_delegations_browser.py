"""My delegations and the requester's forms in headless Chromium (the app served in-process,
as in test_approval_pages_browser): wang.manager, on a phone in Beijing time (zh) and on a
desktop in Berlin time (en), delegates to zhou.deputy for a window typed in the device's time
zone, sees it listed with the window in UTC and ends it; chen.planner withdraws his request
from its page. No dialog opens and no CSP rule is broken."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from inventory_runtime.auth.routes import SESSION_COOKIE
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_testkit.browser import CHROMIUM, CHROMIUM_MISSING, SCREENSHOTS

from .test_approval_pages_browser import Start, base_url, browser, requested, screenshots

pytestmark = [
    pytest.mark.integration,
    pytest.mark.usefixtures("clean"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
]
__all__ = ["base_url", "browser", "screenshots"]  # the fixtures, shared


async def signed_in(
    browser: Any, base_url: str, login: str, viewport: tuple[int, int], zone: str
) -> tuple[Any, Any, Callable[[], list[str]]]:
    width, height = viewport
    context = await browser.new_context(
        viewport={"width": width, "height": height}, timezone_id=zone
    )
    session = TEST_ISSUER.token("approver", login=login, claims={"name": login})
    await context.add_cookies([{"name": SESSION_COOKIE, "value": session, "url": base_url}])
    page = await context.new_page()
    problems: list[str] = []
    page.on("dialog", lambda d: problems.append(d.message))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return context, page, lambda: problems


@pytest.mark.parametrize(
    ("lang", "viewport", "zone", "created", "ended"),
    [
        ("zh", (390, 844), "Asia/Shanghai", "委托已创建", "委托已取消"),
        ("en", (1200, 900), "Europe/Berlin", "Delegation created", "Delegation cancelled"),
    ],
)
async def test_an_approver_delegates_for_a_window_in_their_time_zone_and_ends_it(
    browser: Any,
    base_url: str,
    client: httpx.AsyncClient,
    lang: str,
    viewport: tuple[int, int],
    zone: str,
    created: str,
    ended: str,
) -> None:
    context, page, problems = await signed_in(browser, base_url, "wang.manager", viewport, zone)
    shot = SCREENSHOTS / f"approval-delegations-{lang}-{viewport[0]}"
    await page.goto(f"{base_url}/inbox?lang={lang}")
    await page.click("#my-delegations")
    local = (datetime.now(ZoneInfo(zone)) + timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    await page.fill("#to", "zhou.deputy")
    await page.fill("#starts_at", local.strftime("%Y-%m-%dT%H:%M"))
    await page.fill("#ends_at", (local + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    await page.check('input[name="flow_id"][value="purchase-requisition"]')
    await page.fill("#delegation-comment", "出差 / travelling")
    await page.screenshot(path=f"{shot}-form.png", full_page=True)
    await page.click("#give")
    assert (await page.inner_text("#flash", timeout=10_000)).strip() == created
    mine = (
        await client.get(
            "/v1/delegations", headers=TEST_ISSUER.headers("approver", login="wang.manager")
        )
    ).json()
    given = next(d for d in mine if d["cancelled_at"] is None)
    assert datetime.fromisoformat(given["starts_at"]) == local.astimezone(UTC)
    assert given["flow_ids"] == ["purchase-requisition"] and given["delegate"] == "zhou.deputy"
    await page.screenshot(path=f"{shot}-listed.png", full_page=True)
    async with page.expect_navigation():  # the page with "created" is replaced
        await page.click(f'li[data-delegation="{given["delegation_id"]}"] button')
    assert (await page.inner_text("#flash", timeout=10_000)).strip() == ended
    assert await page.locator(f'li.cancelled[data-delegation="{given["delegation_id"]}"]').count()
    assert problems() == []
    await context.close()


async def test_the_requester_withdraws_from_the_phone(
    browser: Any, base_url: str, start: Start, client: httpx.AsyncClient
) -> None:
    await start(requested("BW-1"))
    context, page, problems = await signed_in(
        browser, base_url, "chen.planner", (390, 844), "Asia/Shanghai"
    )
    await page.goto(f"{base_url}/inbox/BW-1?lang=zh")
    assert await page.locator("#decide").count() == 0
    await page.fill("#withdraw-reason", "供应商已停产 / discontinued")
    await page.screenshot(path=str(SCREENSHOTS / "approval-withdraw-zh-390.png"), full_page=True)
    await page.click("#withdraw")
    assert (await page.inner_text("#flash", timeout=10_000)).strip() == "已撤回"
    assert "供应商已停产" in await page.inner_text("#timeline")
    assert (await client.get("/v1/approvals/BW-1")).json()["status"] == "withdrawn"
    assert problems() == []
    await context.close()
