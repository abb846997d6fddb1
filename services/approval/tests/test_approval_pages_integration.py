"""The inbox pages on the test database, signed in through the session cookie as a browser
is: the list holds only the signed-in person's pending tasks, by due time; the detail shows a
hostile payload in the request's details and in a comment as text; the decision forms appear
only to who may decide, and a forged or unauthorised post is refused and changes nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import httpx
import pytest
from approval.adapters import tables
from approval.adapters.unit_of_work import ApprovalUnitOfWork
from approval.api import get_uow
from approval.api.pages import templates
from approval.config import ApprovalSettings
from approval.main import create_app
from inventory_contracts.events.approvals import ApprovalRequested
from inventory_runtime.auth.routes import SESSION_COOKIE, csrf_token_for
from inventory_runtime.auth.testing import TEST_ISSUER
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean")]

Start = Callable[[ApprovalRequested], Awaitable[None]]
PAYLOAD = "</script><script>alert(1)</script>"
REQUESTER = "chen.planner"


def requested(request_id: str, amount: str = "100", **details: str) -> ApprovalRequested:
    return ApprovalRequested(
        request_id=request_id,
        subject_type="purchase_requisition",
        subject_id=f"REQ-{request_id}",
        amount=D(amount),
        department="purchasing",
        requested_by=REQUESTER,
        summary=f"restock {request_id}",
        details={"sku": "SKU-1", "quantity": "40", "supplier_id": "SUP-9", **details},
    )


@pytest.fixture
async def browser_as(
    client: httpx.AsyncClient, make_uow: Callable[[], ApprovalUnitOfWork]
) -> AsyncIterator[Callable[[str], httpx.AsyncClient]]:
    """A browser signed in as a login (the approvers are seeded by `client`)."""
    app = create_app(ApprovalSettings())
    app.dependency_overrides[get_uow] = make_uow
    opened: list[httpx.AsyncClient] = []

    def signed_in(login: str) -> httpx.AsyncClient:
        session = TEST_ISSUER.token("approver", login=login, claims={"name": f"<{login}>"})
        browser = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        browser.cookies.set(SESSION_COOKIE, session)
        opened.append(browser)
        return browser

    yield signed_in
    for browser in opened:
        await browser.aclose()


def csrf_of(browser: httpx.AsyncClient) -> str:
    return csrf_token_for(browser.cookies[SESSION_COOKIE])


def listed(page: str) -> list[str]:
    return re.findall(r'data-request="([^"]+)"', page)


async def test_the_inbox_lists_only_my_pending_tasks_by_due_time(
    start: Start, browser_as: Callable[[str], httpx.AsyncClient]
) -> None:
    for request_id in ("PG-1", "PG-2", "PG-3"):
        await start(requested(request_id))
    wang, li = browser_as("wang.manager"), browser_as("li.finance")
    mine = await wang.get("/inbox", params={"lang": "en"})
    assert mine.status_code == 200, mine.text
    assert listed(mine.text) == ["PG-1", "PG-2", "PG-3"]
    assert "&lt;wang.manager&gt;" in mine.text and 'action="/auth/logout"' in mine.text
    newest = await wang.get("/inbox", params={"sort": "-due"})
    assert listed(newest.text) == ["PG-3", "PG-2", "PG-1"]
    assert listed((await li.get("/inbox")).text) == []  # step 2 is not theirs, or not active
    assert "restock PG-1" in mine.text and 'href="/inbox/PG-1?lang=en"' in mine.text
    assert "Content-Security-Policy" in mine.headers
    assert "unsafe-inline" not in mine.headers["Content-Security-Policy"]


async def test_an_overdue_task_is_marked_and_sorted_first(
    start: Start,
    browser_as: Callable[[str], httpx.AsyncClient],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    for request_id in ("PG-10", "PG-11"):
        await start(requested(request_id))
    async with session_factory() as session:
        await session.execute(
            update(tables.approval_tasks)
            .where(tables.approval_tasks.c.request_id == "PG-11")
            .values(due_at=datetime.now(UTC) - timedelta(hours=2))
        )
        await session.commit()
    page = await browser_as("wang.manager").get("/inbox", params={"lang": "en"})
    assert listed(page.text) == ["PG-11", "PG-10"]
    assert page.text.count('class="task overdue"') == 1 and page.text.count(">Overdue<") == 1


async def test_the_language_comes_from_the_query_then_the_token_then_the_browser(
    start: Start, browser_as: Callable[[str], httpx.AsyncClient]
) -> None:
    wang = browser_as("wang.manager")
    assert "我的待办审批" in (await wang.get("/inbox")).text
    english = await wang.get("/inbox", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert "My approvals" in english.text and 'lang="en"' in english.text
    chosen = await wang.get("/inbox", params={"lang": "zh"}, headers={"Accept-Language": "en"})
    assert 'lang="zh-CN"' in chosen.text


async def test_the_detail_shows_payloads_as_text(
    start: Start,
    client: httpx.AsyncClient,
    browser_as: Callable[[str], httpx.AsyncClient],
) -> None:
    await start(requested("PG-4", note=PAYLOAD))
    wang = browser_as("wang.manager")
    said = await client.post(
        "/v1/approvals/PG-4/comments",
        json={"text": PAYLOAD},
        headers=TEST_ISSUER.headers("approver", login="wang.manager"),
    )
    assert said.status_code == 201, said.text
    page = await wang.get("/inbox/PG-4", params={"lang": "en"})
    assert page.status_code == 200
    assert PAYLOAD not in page.text and "<script>alert" not in page.text
    assert page.text.count("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert "SUP-9" in page.text and 'id="decide"' in page.text
    assert f'name="csrf_token" value="{csrf_of(wang)}"' in page.text


async def test_a_non_assignee_sees_no_form_and_a_forged_post_is_refused(
    start: Start, client: httpx.AsyncClient, browser_as: Callable[[str], httpx.AsyncClient]
) -> None:
    await start(requested("PG-5"))
    li, wang = browser_as("li.finance"), browser_as("wang.manager")
    page = await li.get("/inbox/PG-5")
    assert page.status_code == 200 and 'id="decide"' not in page.text
    forged = await wang.post("/inbox/PG-5/approve", data={"comment": "forged"})
    assert forged.status_code == 403 and forged.json()["error"] == "csrf"
    header_only = await wang.post(
        "/inbox/PG-5/approve", data={"comment": "x"}, headers={"X-CSRF-Token": csrf_of(wang)}
    )
    assert header_only.status_code == 403  # the form's field is compared too
    token = csrf_of(li)
    sneaked = await li.post(
        "/inbox/PG-5/approve",
        data={"csrf_token": token, "comment": "mine now"},
        headers={"X-CSRF-Token": token},
    )
    assert sneaked.status_code == 303 and sneaked.headers["location"] == "/inbox/PG-5"
    shown = await li.get("/inbox/PG-5", params={"lang": "en"})
    assert "Refused: li.finance" in shown.text
    assert "Refused" not in (await li.get("/inbox/PG-5", params={"lang": "en"})).text
    state = (await client.get("/v1/approvals/PG-5")).json()
    assert state["status"] == "pending" and state["steps"][0]["approver"] is None


async def test_an_assignee_approves_from_the_form_and_sees_the_outcome(
    start: Start, client: httpx.AsyncClient, browser_as: Callable[[str], httpx.AsyncClient]
) -> None:
    await start(requested("PG-6"))
    wang = browser_as("wang.manager")
    token = csrf_of(wang)
    done = await wang.post(
        "/inbox/PG-6/approve",
        data={"csrf_token": token, "comment": "fine", "lang": "en"},
        headers={"X-CSRF-Token": token},
    )
    assert done.status_code == 303 and done.headers["location"] == "/inbox/PG-6?lang=en"
    page = await wang.get(done.headers["location"])
    assert 'id="flash"' in page.text and "Approved" in page.text and 'id="decide"' not in page.text
    state = (await client.get("/v1/approvals/PG-6")).json()
    assert state["status"] == "approved" and state["steps"][0]["comment"] == "fine"


async def test_a_delegate_sees_and_decides_the_delegators_tasks_while_it_runs(
    start: Start, client: httpx.AsyncClient, browser_as: Callable[[str], httpx.AsyncClient]
) -> None:
    now = datetime.now(UTC)
    window = {"starts_at": (now - timedelta(minutes=1)).isoformat()}
    given = await client.post(
        "/v1/delegations",
        json={"to": "zhou.deputy", **window, "ends_at": (now + timedelta(days=1)).isoformat()},
        headers=TEST_ISSUER.headers("approver", login="wang.manager"),
    )
    assert given.status_code == 201, given.text
    await start(requested("PG-7"))
    zhou = browser_as("zhou.deputy")
    inbox = await zhou.get("/inbox", params={"lang": "en"})
    assert listed(inbox.text) == ["PG-7"] and "On behalf of" in inbox.text
    token = csrf_of(zhou)
    done = await zhou.post(
        "/inbox/PG-7/approve",
        data={"csrf_token": token, "comment": "for Wang"},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )
    assert done.status_code == 200 and done.json() == {"location": "/inbox/PG-7"}
    state = (await client.get("/v1/approvals/PG-7")).json()
    assert state["steps"][0]["on_behalf_of"] == "wang.manager"
    assert listed((await zhou.get("/inbox")).text) == []


async def test_an_assignee_transfers_the_step_from_the_form(
    start: Start, browser_as: Callable[[str], httpx.AsyncClient]
) -> None:
    await start(requested("PG-9"))
    wang, sun = browser_as("wang.manager"), browser_as("sun.manager")
    token = csrf_of(wang)
    headers = {"X-CSRF-Token": token}
    nobody = await wang.post("/inbox/PG-9/transfer", data={"csrf_token": token}, headers=headers)
    assert (
        "Refused: name the login" in (await wang.get(nobody.headers["location"] + "?lang=en")).text
    )
    moved = await wang.post(
        "/inbox/PG-9/transfer",
        data={"csrf_token": token, "to": "sun.manager", "comment": "away", "lang": "en"},
        headers=headers,
    )
    page = await wang.get(moved.headers["location"])
    assert "Transferred" in page.text and 'id="decide"' not in page.text
    assert listed((await sun.get("/inbox")).text) == ["PG-9"]
    assert 'id="decide"' in (await sun.get("/inbox/PG-9")).text


async def test_a_rejection_without_a_reason_is_refused_with_the_reason(
    start: Start, client: httpx.AsyncClient, browser_as: Callable[[str], httpx.AsyncClient]
) -> None:
    await start(requested("PG-8"))
    wang = browser_as("wang.manager")
    token = csrf_of(wang)
    refused = await wang.post(
        "/inbox/PG-8/reject",
        data={"csrf_token": token, "comment": "  ", "lang": "zh"},
        headers={"X-CSRF-Token": token},
    )
    assert refused.status_code == 303
    page = await wang.get(refused.headers["location"])
    assert "操作被拒绝" in page.text and 'id="decide"' in page.text
    assert (await client.get("/v1/approvals/PG-8")).json()["status"] == "pending"


async def test_only_the_pages_own_files_are_served_with_the_headers(
    browser_as: Callable[[str], httpx.AsyncClient],
) -> None:
    wang = browser_as("wang.manager")
    script = await wang.get("/inbox-static/inbox.js")
    assert script.status_code == 200 and "X-CSRF-Token" in script.text
    assert script.headers["content-type"].startswith("text/javascript")
    assert "unsafe-inline" not in script.headers["Content-Security-Policy"]
    for name in ("../pages.py", "nothing.js", "%2e%2e%2fpages.py"):
        assert (await wang.get(f"/inbox-static/{name}")).status_code == 404


async def test_a_signed_out_browser_is_sent_to_the_login() -> None:
    app = create_app(ApprovalSettings())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as anonymous:
        page = await anonymous.get("/inbox/PG-1", params={"lang": "en"})
        login = await anonymous.get("/auth/login", params={"next": "/inbox"})
    assert page.status_code == 303
    assert page.headers["location"] == "/auth/login?next=%2Finbox%2FPG-1%3Flang%3Den"
    assert login.status_code != 404  # the login route exists (no issuer to reach here)


def test_every_template_autoescapes() -> None:
    assert templates.autoescape is True
