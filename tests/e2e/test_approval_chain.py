"""The approval chain as the approvers live it, in headless Chromium on the running stack.

A requisition over 50,000 (the core chain's way: stock falls below the reorder point) waits
for the department manager, whose message reaches their DingTalk (a webhook receiver standing
in for the IM robot) in Chinese. On a phone-sized window they open its link, sign in on the
issuer's page, land on the task and approve it with a comment. The finance director's message
then arrives by e-mail (a local SMTP server) in English; on a desktop-sized window they do the
same. The purchase order is released and reaches the ERP. Screenshots in .local/screenshots.

The stack sends approval's notifications to these stand-ins in development
(scripts/services.sh, `APPROVAL_SMTP_PORT` / `APPROVAL_IM_PORT` of inventory_testkit.standins).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from inventory_gateway_client.api.inbound import upsert_location, upsert_supplier
from inventory_gateway_client.api.write_back import create_subscription
from inventory_gateway_client.models import LocationBody, SubscriptionBody, SupplierBody
from inventory_testkit.browser import ARGS, CHROMIUM, CHROMIUM_MISSING, screenshot
from inventory_testkit.demo_people import DEMO_PASSWORD
from inventory_testkit.kafka import KafkaWatcher
from inventory_testkit.platform import PORTS, base_url, gateway, poll
from inventory_testkit.standins import SmtpServer, WebhookReceiver, body_of, subject_of

from tests.e2e.test_core_chain import (
    SUPPLIER,
    WAREHOUSE,
    _approval_request,
    set_policy,
    stocked_item,
)

ERP_SECRET = "erp-approval-chain-secret"
LINK = re.compile(rf"http://127\.0\.0\.1:{PORTS['approval']}(/inbox/\S+\?link=\S+)")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING)


@pytest.fixture(scope="module")
async def erp_subscribed(erp: WebhookReceiver) -> WebhookReceiver:
    async with gateway() as gw:
        subscription = SubscriptionBody(
            url=erp.url, secret=ERP_SECRET, event_types=["inventory.purchase-order.released.v1"]
        )
        subscribed = await create_subscription.asyncio_detailed(client=gw, body=subscription)
        assert subscribed.status_code in (200, 201), subscribed.content
        location = LocationBody(name="E2E warehouse")
        accepted = await upsert_location.asyncio_detailed(WAREHOUSE, client=gw, body=location)
        assert accepted.status_code in (200, 202), accepted.content
        supplier = SupplierBody(name="E2E supplier", lead_time_days=7)
        accepted = await upsert_supplier.asyncio_detailed(SUPPLIER, client=gw, body=supplier)
        assert accepted.status_code in (200, 202), accepted.content
    return erp


async def why_facts(page: Any) -> dict[str, str]:
    """The why panel's facts as the page shows them: a value, or `unavailable:<reason>`."""
    facts: dict[str, str] = {}
    for card in await page.locator("#why [data-fact]").all():
        key = str(await card.get_attribute("data-fact"))
        reason = await card.get_attribute("data-reason")
        facts[key] = f"unavailable:{reason}" if reason else (await card.inner_text()).strip()
    return facts


def assert_why_read_live(why: dict[str, str], sku: str) -> None:
    """The panel read replenishment and reservation for real as the approval-service account
    (a refused or unreachable read would say so): the ask, the policy behind it, the stock and
    the supplier's record. Only the forecast may be missing, and only as "no data": no planning
    run has covered this new item yet."""
    assert why["why_item"] == f"{sku} @ {WAREHOUSE}" and why["why_quantity"] == "100"
    assert why["why_trigger"] == "5 ≤ 10"
    assert why["why_reorder_point"].startswith("10") and why["why_order_quantity"].startswith("100")
    assert (why["why_on_hand"], why["why_available"], why["why_backordered"]) == ("5", "5", "0")
    assert why["why_inventory_position"] == "5"
    assert re.fullmatch(r"\d+% \(\d+/\d+\)|— \(0/0\)", why["why_on_time"]), why
    missing = {k: v for k, v in why.items() if v.startswith("unavailable:")}
    assert set(missing.items()) <= {("why_forecast", "unavailable:not_found")}, why


async def approve_from_link(
    chromium: Any,
    link: str,
    login: str,
    *,
    lang: str,
    width: int,
    height: int,
    foreign_link: str | None = None,
    why: dict[str, str] | None = None,
    shot: str = "approval-chain",
) -> str:
    """Open the message's link signed out, sign in as `login` on the issuer's page, land on the
    task and approve it with a comment; the flash the page shows. The why panel's facts are
    put in `why` when given. Then the link again (used), and `foreign_link`, another person's
    (not `login`'s)."""
    context = await chromium.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN" if lang == "zh" else "en-US"
    )
    page = await context.new_page()
    shot = f"{shot}-{login}-{lang}-{width}"
    await page.goto(link)
    assert page.url.startswith(f"{base_url('integration-gateway')}/oauth/authorize")
    await page.locator("#login").fill(login)
    await page.locator("#password").fill(DEMO_PASSWORD)
    await page.screenshot(path=str(screenshot(f"{shot}-sign-in.png")), full_page=True)
    await page.locator("button[type=submit]").click()
    await page.wait_for_selector("#decide", timeout=15_000)  # the link opened the task
    assert "link=" not in page.url  # used up and left behind
    if why is not None:  # a read too slow on a busy machine is told as such: read again
        for _ in range(5):
            why.update(await why_facts(page))
            if "unavailable:unreachable" not in why.values():
                break
            await page.reload()
            await page.wait_for_selector("#decide")
    await page.fill("#comment", "同意采购 / approved from the link")
    await page.screenshot(path=str(screenshot(f"{shot}-task.png")), full_page=True)
    await page.click("#approve")
    flash = (await page.inner_text("#flash", timeout=15_000)).strip()
    await page.screenshot(path=str(screenshot(f"{shot}-approved.png")), full_page=True)
    again = await page.goto(link)  # a link works once
    assert again is not None and again.status == 410
    if foreign_link is not None:  # another approver's link is refused, naming who is signed in
        refused = await page.goto(foreign_link)
        assert refused is not None and refused.status == 403
        assert login in await page.inner_text("#link-reason")
        await page.screenshot(path=str(screenshot(f"{shot}-not-yours.png")), full_page=True)
    await context.close()
    return str(flash)


async def test_approvers_act_from_their_messages_and_the_order_reaches_the_erp(
    watcher: KafkaWatcher,
    approvers_reachable: None,
    erp_subscribed: WebhookReceiver,
    im: WebhookReceiver,
    mailbox: SmtpServer,
) -> None:
    from playwright.async_api import async_playwright

    sku = await stocked_item(5, unit_cost="800")
    await set_policy(sku, reorder_point=10, order_quantity=100, unit_cost="800")  # 80,000
    request = (await _approval_request(watcher, sku))["data"]
    subject_id = request["subject_id"]

    chats = await poll(
        lambda: [r for r in im.received if subject_id in r.json.get("title", "")],
        bool,
        timeout=60,
        what="wang.manager's DingTalk message",
    )
    assert chats[0].path == "/im/dingtalk" and chats[0].json["to"] == "13800000001"
    assert chats[0].json["title"] == f"待您审批：采购申请 {subject_id}"
    assert "80,000.00" in chats[0].json["message"]
    manager_link = LINK.search(chats[0].json["message"])
    assert manager_link is not None, chats[0].json["message"]

    why: dict[str, str] = {}
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        flash = await approve_from_link(
            chromium, base_url("approval") + manager_link.group(1), "wang.manager",
            lang="zh", width=390, height=844, why=why,
        )  # fmt: skip
        assert flash == "已同意"
        assert_why_read_live(why, sku)

        mails = await poll(
            lambda: [m for m in mailbox.messages if subject_id in subject_of(m)],
            bool,
            timeout=60,
            what="li.finance's e-mail",
        )
        assert mails[0]["To"] == "li.finance@example.com"
        assert (
            subject_of(mails[0]) == f"Waiting for your approval: purchase requisition {subject_id}"
        )
        finance_link = LINK.search(body_of(mails[0]))
        assert finance_link is not None, body_of(mails[0])
        flash = await approve_from_link(
            chromium, base_url("approval") + finance_link.group(1), "li.finance",
            lang="en", width=1280, height=900,
            foreign_link=base_url("approval") + manager_link.group(1),
        )  # fmt: skip
        assert flash == "Approved"
        await chromium.close()

    granted = await watcher.wait_for_event(
        "inventory.approval.granted.v1", request_id=request["request_id"]
    )
    assert [s["comment"] for s in granted["data"]["steps"]] == [
        "同意采购 / approved from the link"
    ] * 2
    released = await watcher.wait_for(
        lambda s: (
            s.type == "inventory.purchase-order.released.v1"
            and s.event["data"]["lines"][0]["sku"] == sku
        ),
        what=f"the purchase order for {sku}",
    )
    order_id = released.event["data"]["purchase_order_id"]
    await poll(
        lambda: [
            r
            for r in erp_subscribed.received
            if r.json.get("data", {}).get("purchase_order_id") == order_id
            and r.signature_valid(ERP_SECRET)
        ],
        bool,
        timeout=60,
        what="the purchase order at the ERP, signed",
    )
