"""Countersign, or-sign, delegation and transfer as the approvers live them, from their messages.

An administrator stores a new version of the purchase-requisition flow with three branches in
front of the seed's, each on a supplier only this test uses (so every other requisition still
takes the seed's branches and nothing needs restoring): a countersign step of wang.manager and
li.finance, an or-sign step of the two, and a step of wang.manager alone. Requisitions from
those suppliers (the core chain's way: stock below the reorder point) then show, each approver
acting from the link of their own message (wang.manager's DingTalk on a phone, li.finance's
e-mail on a desktop), that the countersign needs both approvals and only then releases the
purchase order; the or-sign finishes on the first; wang.manager's delegate gets a message with
a link of their own and approves for him; and a task wang.manager transfers on the page reaches
li.finance, who approves it from the message. Screenshots in .local/screenshots.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from inventory_gateway_client.api.inbound import upsert_location, upsert_supplier
from inventory_gateway_client.models import LocationBody, SupplierBody
from inventory_testkit.browser import ARGS, CHROMIUM, CHROMIUM_MISSING, screenshot
from inventory_testkit.demo_people import DEMO_PASSWORD
from inventory_testkit.kafka import KafkaWatcher
from inventory_testkit.platform import base_url, gateway, http, poll
from inventory_testkit.standins import SmtpServer, WebhookReceiver, body_of, subject_of

from tests.e2e.test_approval_chain import LINK, approve_from_link
from tests.e2e.test_core_chain import WAREHOUSE, _approval_request, stocked_item

FLOW = "purchase-requisition"
COUNTERSIGN, OR_SIGN, HANDOVER = "SUP-E2E-COUNTERSIGN", "SUP-E2E-ORSIGN", "SUP-E2E-HANDOVER"
PEOPLE = ["wang.manager", "li.finance"]
WANG_DINGTALK, LI_EMAIL = "13800000001", "li.finance@example.com"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING)


def _branch(supplier: str, mode: str, logins: list[str]) -> dict[str, Any]:
    return {
        "name": f"e2e {supplier}",
        "condition": {"field": "supplier", "op": "eq", "value": supplier},
        "steps": [{"mode": mode, "assignees": [{"kind": "people", "logins": logins}],
                   "time_limit_hours": 24}],
    }  # fmt: skip


@pytest.fixture(scope="module")
async def test_branches(approvers_reachable: None) -> None:
    """The flow's next version: this test's branches first (once), then the current ones."""
    ours = [
        _branch(COUNTERSIGN, "all_of", PEOPLE),
        _branch(OR_SIGN, "any_of", PEOPLE),
        _branch(HANDOVER, "single", ["wang.manager"]),
    ]
    async with http("approval") as admin:
        current = (await admin.get(f"/v1/flows/{FLOW}")).json()
        theirs = [b for b in current["branches"] if not str(b["name"]).startswith("e2e ")]
        body = {k: current[k] for k in ("subject_type", "name", "name_en")}
        response = await admin.put(f"/v1/flows/{FLOW}", json=body | {"branches": ours + theirs})
        assert response.status_code == 200, response.text
    async with gateway() as gw:
        for supplier in (COUNTERSIGN, OR_SIGN, HANDOVER):
            master = SupplierBody(name=supplier, lead_time_days=7)
            accepted = await upsert_supplier.asyncio_detailed(supplier, client=gw, body=master)
            assert accepted.status_code in (200, 202), accepted.content
        location = LocationBody(name="E2E warehouse")
        accepted = await upsert_location.asyncio_detailed(WAREHOUSE, client=gw, body=location)
        assert accepted.status_code in (200, 202), accepted.content


async def requisition(watcher: KafkaWatcher, supplier: str) -> dict[str, Any]:
    """A requisition of 100 at 800 (80,000) from `supplier`, raised by replenishment."""
    sku = await stocked_item(5, unit_cost="800")
    body = {"reorder_point": 10, "order_quantity": 100, "supplier_id": supplier,
            "unit_cost": "800"}  # fmt: skip
    async with http("replenishment") as replenishment:
        await poll(
            lambda: replenishment.put(f"/v1/policies/{sku}/{WAREHOUSE}", json=body),
            lambda r: r.status_code == 200,
            what=f"the policy of {sku} from {supplier} to be accepted",
        )
    data: dict[str, Any] = (await _approval_request(watcher, sku))["data"]
    return data


async def wang_link(im: WebhookReceiver, subject_id: str) -> str:
    chats = await poll(
        lambda: [
            r for r in im.received
            if subject_id in r.json.get("title", "") and r.json.get("to") == WANG_DINGTALK
        ],
        bool, timeout=60, what=f"wang.manager's DingTalk message of {subject_id}",
    )  # fmt: skip
    found = LINK.search(chats[-1].json["message"])
    assert found is not None, chats[-1].json["message"]
    return base_url("approval") + found.group(1)


async def li_link(mailbox: SmtpServer, subject_id: str) -> str:
    mails = await poll(
        lambda: [
            m for m in mailbox.messages
            if subject_id in subject_of(m) and m["To"] == LI_EMAIL and LINK.search(body_of(m))
        ],
        bool, timeout=60, what=f"li.finance's e-mail with a link for {subject_id}",
    )  # fmt: skip
    found = LINK.search(body_of(mails[-1]))
    assert found is not None
    return base_url("approval") + found.group(1)


async def request_state(request_id: str) -> dict[str, Any]:
    async with http("approval") as admin:
        response = await admin.get(f"/v1/approvals/{request_id}")
    assert response.status_code == 200, response.text
    state: dict[str, Any] = response.json()
    return state


async def released_order(watcher: KafkaWatcher, sku: str) -> dict[str, Any]:
    seen = await watcher.wait_for(
        lambda s: (
            s.type == "inventory.purchase-order.released.v1"
            and s.event["data"]["lines"][0]["sku"] == sku
        ),
        what=f"the purchase order for {sku}",
    )
    return dict(seen.event["data"])


def released_now(watcher: KafkaWatcher, sku: str) -> list[dict[str, Any]]:
    return [
        e for e in watcher.events("inventory.purchase-order.released.v1")
        if e["data"]["lines"][0]["sku"] == sku
    ]  # fmt: skip


async def as_wang(chromium: Any, link: str, shot: str) -> str:
    """wang.manager approves from his link on a phone, in Chinese; the page's flash."""
    return await approve_from_link(
        chromium, link, "wang.manager", lang="zh", width=390, height=844, shot=shot
    )


async def as_li(chromium: Any, link: str, shot: str) -> str:
    """li.finance approves from her link on a desktop, in English; the page's flash."""
    return await approve_from_link(
        chromium, link, "li.finance", lang="en", width=1280, height=900, shot=shot
    )


async def launch(playwright: Any) -> Any:
    return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


async def test_countersign_needs_both_approvals_before_the_order_is_released(
    watcher: KafkaWatcher, test_branches: None, im: WebhookReceiver, mailbox: SmtpServer
) -> None:
    from playwright.async_api import async_playwright

    request = await requisition(watcher, COUNTERSIGN)
    sku, subject_id = request["details"]["sku"], request["subject_id"]
    wang, li = await wang_link(im, subject_id), await li_link(mailbox, subject_id)
    async with async_playwright() as playwright:
        chromium = await launch(playwright)
        assert await as_wang(chromium, wang, "approval-countersign") == "已同意"
        state = await request_state(request["request_id"])
        assert state["status"] == "pending"
        assert [v["login"] for v in state["steps"][0]["votes"]] == ["wang.manager"]
        assert released_now(watcher, sku) == []  # one of two is not enough
        assert await as_li(chromium, li, "approval-countersign") == "Approved"
        await chromium.close()
    state = await request_state(request["request_id"])
    assert state["status"] == "approved"
    assert sorted(v["login"] for v in state["steps"][0]["votes"]) == PEOPLE[::-1]
    order = await released_order(watcher, sku)
    assert order["supplier_id"] == COUNTERSIGN


async def test_or_sign_finishes_on_the_first_approval(
    watcher: KafkaWatcher, test_branches: None, im: WebhookReceiver, mailbox: SmtpServer
) -> None:
    from playwright.async_api import async_playwright

    request = await requisition(watcher, OR_SIGN)
    sku, subject_id = request["details"]["sku"], request["subject_id"]
    await wang_link(im, subject_id)  # both are asked
    li = await li_link(mailbox, subject_id)
    async with async_playwright() as playwright:
        chromium = await launch(playwright)
        assert await as_li(chromium, li, "approval-or-sign") == "Approved"
        await chromium.close()
    state = await request_state(request["request_id"])
    step = state["steps"][0]
    assert (state["status"], step["mode"], step["approver"]) == ("approved", "any_of", "li.finance")
    assert (await released_order(watcher, sku))["supplier_id"] == OR_SIGN


async def test_a_delegate_gets_their_own_link_and_approves_for_the_manager(
    watcher: KafkaWatcher, test_branches: None, im: WebhookReceiver, mailbox: SmtpServer
) -> None:
    from playwright.async_api import async_playwright

    now = datetime.now(UTC)
    window = {"to": "li.finance", "starts_at": (now - timedelta(minutes=1)).isoformat(),
              "ends_at": (now + timedelta(hours=1)).isoformat(), "flow_ids": [FLOW],
              "comment": "出差 / away on business"}  # fmt: skip
    async with http("approval", login="wang.manager") as wang_api:
        given = await wang_api.post("/v1/delegations", json=window)
        assert given.status_code == 201, given.text
        try:
            request = await requisition(watcher, HANDOVER)
            subject_id = request["subject_id"]
            await wang_link(im, subject_id)  # he is still told
            li = await li_link(mailbox, subject_id)  # and so is his delegate, with her own link
            async with async_playwright() as playwright:
                chromium = await launch(playwright)
                assert await as_li(chromium, li, "approval-delegate") == "Approved"
                await chromium.close()
        finally:
            ended = await wang_api.delete(f"/v1/delegations/{given.json()['delegation_id']}")
            assert ended.status_code in (200, 204), ended.text
    state = await request_state(request["request_id"])
    assert state["status"] == "approved", state
    step = state["steps"][0]
    assert (step["approver"], step["on_behalf_of"]) == ("li.finance", "wang.manager")
    assert "li.finance for wang.manager" in [e["actor"] for e in state["audit"]]
    await released_order(watcher, request["details"]["sku"])


async def test_a_transferred_task_reaches_the_new_approver_who_approves_from_the_message(
    watcher: KafkaWatcher, test_branches: None, im: WebhookReceiver, mailbox: SmtpServer
) -> None:
    from playwright.async_api import async_playwright

    request = await requisition(watcher, HANDOVER)
    subject_id = request["subject_id"]
    wang = await wang_link(im, subject_id)
    async with async_playwright() as playwright:
        chromium = await launch(playwright)
        context = await chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = await context.new_page()
        await page.goto(wang)
        await page.locator("#login").fill("wang.manager")
        await page.locator("#password").fill(DEMO_PASSWORD)
        await page.locator("button[type=submit]").click()
        await page.wait_for_selector("#transfer", timeout=15_000)
        await page.fill("#to", "li.finance")
        await page.fill("#transfer-comment", "请李总监审批 / over to finance")
        await page.screenshot(
            path=str(screenshot("approval-transfer-zh-390-task.png")), full_page=True
        )
        await page.click("#transfer")
        assert (await page.inner_text("#flash", timeout=15_000)).strip() == "已转交"
        await page.screenshot(
            path=str(screenshot("approval-transfer-zh-390-done.png")), full_page=True
        )
        await context.close()
        li = await li_link(mailbox, subject_id)
        assert await as_li(chromium, li, "approval-transfer") == "Approved"
        await chromium.close()
    state = await request_state(request["request_id"])
    step = state["steps"][0]
    assert (state["status"], step["assignees"], step["approver"]) == (
        "approved",
        ["li.finance"],
        "li.finance",
    )
    assert [e["actor"] for e in state["audit"] if e["action"] == "transferred"] == ["wang.manager"]
    await released_order(watcher, request["details"]["sku"])
