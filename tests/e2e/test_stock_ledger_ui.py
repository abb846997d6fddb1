"""The stock-ledger document page in headless Chromium against the running service.

A receipt is filled from its form definition: a keyboard-wedge scan (characters, then Enter)
fills a line, the server's field-level errors appear next to their fields, and the corrected
document posts once. Needs Debian's chromium (`bash scripts/chromium.sh`).
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
from inventory_gateway_client.api.inbound import upsert_item, upsert_location
from inventory_gateway_client.models import ItemBody, LocationBody
from inventory_testkit.browser import ARGS, CHROMIUM, CHROMIUM_MISSING, screenshot
from inventory_testkit.demo_people import DEMO_PASSWORD
from inventory_testkit.platform import base_url, gateway, http, poll, unique

GS = "\x1d"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING)


def gtin13() -> str:
    """A random GTIN-13 in the restricted-circulation range 20-29, with its check digit."""
    body = "2" + "".join(random.choices("0123456789", k=11))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


@pytest.fixture
async def receipt_form() -> AsyncIterator[None]:
    """A receipt form with a required delivery-note field; the previous one is restored after."""
    async with http("stock-ledger") as ledger:
        previous = (await ledger.get("/v1/forms/receipt")).json()["fields"]
        fields = [
            {"name": "delivery_note", "type": "text", "label_en": "Delivery note",
             "label_zh": "送货单号", "required": True, "pattern": "DN-[0-9]+"},
        ]  # fmt: skip
        assert (await ledger.put("/v1/forms/receipt", json={"fields": fields})).status_code == 201
        yield
        await ledger.put("/v1/forms/receipt", json={"fields": previous})


@pytest.fixture
async def scanned_item() -> dict[str, Any]:
    sku, location, gtin = unique("UI-SKU"), unique("UI-WH"), gtin13()
    async with gateway() as gw:
        place = LocationBody(name="UI warehouse")
        await upsert_location.asyncio_detailed(location, client=gw, body=place)
        item = ItemBody(name=f"Item {sku}", unit_of_measure="pcs", category="e2e", unit_cost="2")
        response = await upsert_item.asyncio_detailed(sku, client=gw, body=item)
        assert response.status_code in (200, 202)
    async with http("stock-ledger") as ledger:
        await poll(
            lambda: ledger.put(f"/v1/gtins/{gtin}", json={"sku": sku}),
            lambda r: r.status_code == 200,
            what=f"{sku} to reach stock-ledger",
        )
    return {"sku": sku, "location": location, "gtin": gtin}


async def test_receipt_page_scans_shows_field_errors_and_posts(
    receipt_form: None, scanned_item: dict[str, Any]
) -> None:
    from playwright.async_api import async_playwright, expect

    sku, location, gtin = scanned_item["sku"], scanned_item["location"], scanned_item["gtin"]
    url = f"{base_url('stock-ledger')}/ui/documents/new?type=receipt&lang=en&location={location}"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = await browser.new_page(viewport={"width": 1200, "height": 900})
        await page.goto(url)
        # signed out: the page sends the browser to the issuer's sign-in page, and back
        assert page.url.startswith(f"{base_url('integration-gateway')}/oauth/authorize")
        await page.screenshot(path=str(screenshot("gateway-sign-in-en.png")), full_page=True)
        await page.locator("#login").fill("zhao.operator")
        await page.locator("#password").fill(DEMO_PASSWORD)
        await page.locator("button[type=submit]").click()
        await page.wait_for_url(url)
        assert "Zhao (warehouse operator)" in await page.content()  # the signed-in name
        assert await page.locator("h1").inner_text() == "New Goods receipt"
        assert await page.locator("label[for=f-delivery_note]").inner_text() == "Delivery note"

        # a garbage scan is refused at the scan field
        await page.locator("#scan").click()
        await page.keyboard.type("not-a-barcode")
        await page.keyboard.press("Enter")
        await page.wait_for_selector('[data-problem-for="barcode"]')

        # a keyboard-wedge scanner types the GS1 string (GS between lot and count), then Enter
        await page.locator("#scan").fill("")
        await page.keyboard.type(f"01{gtin.zfill(14)}17280131" + "10LOT-UI")
        await page.keyboard.insert_text(GS)
        await page.keyboard.type("3012")
        await page.keyboard.press("Enter")
        line = page.locator("#lines tr").first
        # (a locator wait: the page's CSP forbids the eval a string predicate needs)
        await expect(line.locator('[name="sku"]')).to_have_value(sku)
        assert await line.locator('[name="quantity"]').input_value() == "12"
        assert await line.locator('[name="lot"]').input_value() == "LOT-UI"
        assert await line.locator('[name="expiry_date"]').input_value() == "2028-01-31"
        assert await line.locator('[name="location"]').input_value() == location

        # posting without a unit cost and with a bad delivery note: errors by the fields
        await page.locator("#f-delivery_note").fill("12345")
        await page.locator("#post").click()
        await page.wait_for_selector(".problem")
        problems = await page.locator(".problem").evaluate_all(
            "nodes => nodes.map(n => n.dataset.problemFor)"
        )
        assert "fields.delivery_note" in problems
        assert await page.locator("#f-delivery_note").get_attribute("class") == "invalid"

        await page.locator("#f-delivery_note").fill("DN-778")
        await line.locator('[name="unit_cost"]').fill("2.5")
        await page.locator("#post").click()
        await page.wait_for_selector("#posted")
        document_id = await page.locator("#posted strong").inner_text()
        await page.screenshot(path=str(screenshot("stock-ledger-receipt-en.png")), full_page=True)

        await page.locator("#lang-switch").click()
        await page.wait_for_load_state()
        assert await page.locator("h1").inner_text() == "新建 入库单"
        assert await page.locator("label[for=f-delivery_note]").inner_text() == "送货单号"
        await page.screenshot(path=str(screenshot("stock-ledger-receipt-zh.png")), full_page=True)

        # signing out revokes the session: opening the page again asks for the password
        await page.locator("#sign-out button").click()
        await page.wait_for_url(f"{base_url('stock-ledger')}/auth/signed-out")
        await page.goto(url)
        assert page.url.startswith(f"{base_url('integration-gateway')}/oauth/authorize")
        await browser.close()

    async with http("stock-ledger") as ledger:
        posted = (await ledger.get(f"/v1/documents/{document_id}")).json()
        balances = (await ledger.get("/v1/balances", params={"sku": sku})).json()
    assert posted["status"] == "posted" and posted["fields"] == {"delivery_note": "DN-778"}
    assert posted["created_by"] == posted["posted_by"] == "zhao.operator"  # from the sign-in
    assert [(x["lot"], x["quantity"]) for x in posted["lines"]] == [("LOT-UI", "12")]
    assert [(b["on_hand"], b["value"]) for b in balances] == [("12", "30")]


async def test_sign_in_page_on_a_phone_in_chinese_refuses_a_wrong_password() -> None:
    from playwright.async_api import async_playwright

    url = f"{base_url('stock-ledger')}/ui/documents/new?type=receipt"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = await browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN",
            extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        )  # fmt: skip
        page = await context.new_page()
        await page.goto(url)
        await page.screenshot(path=str(screenshot("gateway-sign-in-zh-phone.png")), full_page=True)
        await page.locator("#login").fill("zhao.operator")
        await page.locator("#password").fill("not-the-password")
        await page.locator("button[type=submit]").click()
        await page.wait_for_load_state()
        assert page.url.startswith(f"{base_url('integration-gateway')}/oauth/authorize")
        assert await page.locator("#password").input_value() == ""
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the sign-in page fits a phone screen"
        await browser.close()
