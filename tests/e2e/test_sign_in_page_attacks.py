"""The built-in issuer's sign-in page in headless Chromium, attacked: script payloads in every
query parameter and in the login field, with registered and unregistered redirect URIs. No
script may run (the page has none of its own, and its CSP forbids inline script)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from inventory_testkit.browser import ARGS, CHROMIUM, CHROMIUM_MISSING
from inventory_testkit.platform import base_url

PAYLOADS = [
    "</script><script>window.__xss=1;alert(1)</script>",
    '"><img src=x onerror="window.__xss=1;alert(1)">',
    "' autofocus onfocus='window.__xss=1;alert(1)",
    "javascript:alert(1)",
]
PARAMETERS = ("state", "nonce", "ui_locales", "code_challenge", "scope", "client_id")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING)


def authorize_url(**overrides: str) -> str:
    query = {
        "response_type": "code",
        "client_id": "inventory-web",
        "redirect_uri": f"{base_url('stock-ledger')}/auth/callback",
        "scope": "openid",
        "state": "s",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        **overrides,
    }
    return f"{base_url('integration-gateway')}/oauth/authorize?{urlencode(query)}"


async def test_no_payload_in_any_parameter_or_the_login_field_runs_a_script() -> None:
    from playwright.async_api import async_playwright

    dialogs: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = await browser.new_page()
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        targets = [authorize_url(**{name: p}) for name in PARAMETERS for p in PAYLOADS]
        targets += [authorize_url(redirect_uri=p) for p in PAYLOADS]  # not registered
        for target in targets:
            await page.goto(target)
            assert await page.evaluate("window.__xss") is None, target
        for payload in PAYLOADS:  # reflected back after a failed sign-in
            await page.goto(authorize_url(state=payload))
            await page.locator("#login").fill(payload)
            await page.locator("#password").fill("wrong-password-1")
            await page.locator("button[type=submit]").click()
            await page.wait_for_load_state()
            assert await page.evaluate("window.__xss") is None
            assert await page.locator("#login").input_value() == payload
        await browser.close()
    assert dialogs == []


async def test_an_approver_signs_in_to_the_approval_inbox_through_the_issuer() -> None:
    from inventory_testkit.demo_people import DEMO_PASSWORD
    from playwright.async_api import async_playwright

    inbox = f"{base_url('approval')}/inbox?lang=en"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(inbox)
        assert page.url.startswith(f"{base_url('integration-gateway')}/oauth/authorize")
        await page.locator("#login").fill("wang.manager")
        await page.locator("#password").fill(DEMO_PASSWORD)
        await page.locator("button[type=submit]").click()
        await page.wait_for_url(inbox)
        assert "Wang" in await page.content()  # the signed-in name, from the token
        await browser.close()
