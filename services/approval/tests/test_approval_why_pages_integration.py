"""The detail page's "why" for a purchase requisition, on the test database, with
replenishment, reservation and the issuer served by stand-ins (`WhyServices` in conftest):
the facts behind the quantity are shown in the person's language, all read at once with one
service token; a service that is down or refuses leaves its part marked unavailable while the
page and its decision forms still work; names from master data are shown as text."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
from approval.api import get_uow
from approval.api.why import get_why_reader
from approval.config import ApprovalSettings
from approval.main import create_app
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.auth.routes import SESSION_COOKIE
from inventory_runtime.auth.testing import TEST_ISSUER

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean")]

Start = Callable[[ApprovalRequested], Awaitable[None]]
HOSTILE = '<img src=x onerror="alert(1)">'


def requisition(request_id: str, **details: str) -> ApprovalRequested:
    return ApprovalRequested(
        request_id=request_id,
        subject_type="purchase_requisition",
        subject_id=f"REQ-{request_id}",
        amount=D("14760.00"),
        department="purchasing",
        requested_by="system:replenishment",
        summary=f"restock SKU-1 {HOSTILE}",
        details={
            "sku": "SKU-1", "location": "WH-1", "supplier_id": f"SUP-9 {HOSTILE}",
            "quantity": "1200", "unit_cost": "12.30", **details,
        },
    )  # fmt: skip


@pytest.fixture
async def wang(
    make_uow: Callable[[], Any], why_services: Any, client: httpx.AsyncClient
) -> AsyncIterator[httpx.AsyncClient]:
    """The department manager's browser (approvers seeded by `client`), the why read from
    the stand-ins."""
    app = create_app(ApprovalSettings())
    app.dependency_overrides[get_uow] = make_uow
    reader = why_services.reader()  # one per app, as `create_app` makes it
    app.dependency_overrides[get_why_reader] = lambda: reader
    session = TEST_ISSUER.token("approver", login="wang.manager")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as browser:
        browser.cookies.set(SESSION_COOKIE, session)
        yield browser


def fact(page: str, key: str) -> str:
    found = re.search(rf'data-fact="{key}">([^<]*)', page)
    assert found, f"no fact {key}"
    return html.unescape(found.group(1)).strip()


async def test_the_why_shows_the_facts_behind_the_quantity(
    start: Start, wang: httpx.AsyncClient, why_services: Any
) -> None:
    await start(requisition("WHY-1"))
    page = await wang.get("/inbox/WHY-1")
    assert page.status_code == 200, page.text
    text = page.text
    assert "为什么要采购" in text and "安全库存" in text and "供应商交付准时率" in text
    assert fact(text, "why_item") == "SKU-1 @ WH-1"
    assert fact(text, "why_quantity") == "1,200"
    assert fact(text, "why_unit_price") == "12.3 CNY"
    assert fact(text, "why_forecast_week") == "120.5"
    assert (fact(text, "why_safety_stock"), fact(text, "why_reorder_point")) == ("80", "420")
    assert fact(text, "why_lead_time") == "14.2"
    assert fact(text, "why_on_hand") == "1,250" and fact(text, "why_available") == "50"
    assert fact(text, "why_on_order") == "300" and fact(text, "why_backordered") == "40"
    assert fact(text, "why_on_time") == "88%"
    assert fact(text, "why_price_change") == "+4.2%"  # 12.30 against the last order's 11.80
    periods = re.findall(r'<tr class="(actual|forecast)"><td>([0-9-]+)</td>', text)
    assert [kind for kind, _ in periods] == ["actual"] * 5 + ["forecast"] * 4
    assert periods[5][1] == "2026-12-07"  # the week after the last one with demand
    assert re.findall(r'title="(PO-\d)"', text) == ["PO-3", "PO-2", "PO-1"]
    assert len(why_services.calls) == 8 and why_services.tokens == 1
    assert "/v1/suppliers/SUP-9%20%3Cimg" in " ".join(why_services.calls)  # quoted in the path
    assert HOSTILE not in text and "onerror=&#34;alert(1)&#34;" in text
    english = await wang.get("/inbox/WHY-1", params={"lang": "en"})
    assert "Why this purchase" in english.text and "Safety stock" in english.text
    assert why_services.tokens == 1  # the token is kept for the next page


async def test_a_part_that_is_down_or_refused_is_marked_and_the_page_still_works(
    start: Start, wang: httpx.AsyncClient, why_services: Any
) -> None:
    await start(requisition("WHY-2"))
    why_services.down.add("replenishment.test")
    why_services.answers["availability"] = (403, {"error": "forbidden"})
    page = await wang.get("/inbox/WHY-2", params={"lang": "en"})
    assert page.status_code == 200, page.text
    text = page.text
    unreachable = "unavailable right now · service unreachable or slow"
    assert fact(text, "why_forecast") == unreachable
    assert fact(text, "why_on_order") == unreachable and fact(text, "why_on_time") == unreachable
    assert fact(text, "why_on_hand") == "unavailable right now · access refused"
    assert fact(text, "why_backordered") == "40"  # reservation answered that part
    assert fact(text, "why_quantity") == "1,200"  # the request's own facts are always there
    assert 'id="why-prices">unavailable right now' in text
    assert 'id="approve"' in text and 'id="why-periods"' not in text


async def test_without_a_service_token_every_part_is_refused_and_the_page_works(
    start: Start, wang: httpx.AsyncClient, why_services: Any
) -> None:
    await start(requisition("WHY-4"))
    why_services.down.add("issuer.test")
    page = await wang.get("/inbox/WHY-4", params={"lang": "zh"})
    assert page.status_code == 200 and 'id="approve"' in page.text
    refused = "暂时无法获取 · 服务拒绝访问"
    assert fact(page.text, "why_backordered") == refused
    assert fact(page.text, "why_on_time") == refused and why_services.calls == []
    assert why_services.token_attempts == 1  # one try per page, not one per read
    why_services.down.clear()  # the issuer is back: the next page asks again
    again = await wang.get("/inbox/WHY-4", params={"lang": "zh"})
    assert fact(again.text, "why_backordered") == "40" and why_services.tokens == 1


async def test_a_request_without_a_stock_point_has_no_why(
    start: Start, wang: httpx.AsyncClient, why_services: Any
) -> None:
    event = requisition("WHY-3")
    await start(event.model_copy(update={"details": {"sku": "SKU-1", "quantity": "4"}}))
    page = await wang.get("/inbox/WHY-3")
    assert page.status_code == 200 and 'id="why"' not in page.text
    assert why_services.calls == [] and why_services.tokens == 0


async def test_a_hostile_item_name_is_text_on_the_page_and_quoted_in_the_reads(
    start: Start, wang: httpx.AsyncClient, why_services: Any
) -> None:
    item = '</script><script>alert("x")</script>'
    await start(requisition("WHY-5", sku=item))
    page = await wang.get("/inbox/WHY-5", params={"lang": "en"})
    assert page.status_code == 200
    assert item not in page.text and "<script>alert" not in page.text
    assert fact(page.text, "why_item") == f"{item} @ WH-1"
    assert fact(page.text, "why_safety_stock") == "80"
    quoted = "/v1/availability/%3C%2Fscript%3E%3Cscript%3Ealert%28%22x%22%29%3C%2Fscript%3E/WH-1"
    assert quoted in why_services.calls
