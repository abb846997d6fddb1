"""The rest of the inbox's forms on the test database, signed in through the session cookie:
the requester comments, withdraws a pending request and resubmits a rejected one from its page;
whoever takes no part sees none of those forms and a forged post changes nothing; and "my
delegations" gives, lists and ends a delegation, its window typed in the device's time zone."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from inventory_runtime.auth.testing import TEST_ISSUER

from .test_approval_pages_integration import Start, browser_as, csrf_of, requested

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean")]
__all__ = ["browser_as"]  # the fixture, shared with the inbox page tests
Browser = Callable[[str], httpx.AsyncClient]


async def post(browser: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    """A form post as the page's script sends it (field and header CSRF token), in English."""
    token = csrf_of(browser)
    return await browser.post(
        path, data={"csrf_token": token, "lang": "en", **fields}, headers={"X-CSRF-Token": token}
    )


async def shown_after(browser: httpx.AsyncClient, response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    return (await browser.get(response.headers["location"])).text


async def test_the_requester_comments_then_withdraws_from_the_page(
    start: Start, client: httpx.AsyncClient, browser_as: Browser
) -> None:
    await start(requested("PF-1"))
    chen = browser_as("chen.planner")
    page = (await chen.get("/inbox/PF-1", params={"lang": "en"})).text
    assert 'id="withdraw"' in page and 'id="add-comment"' in page and 'id="decide"' not in page
    commented = await shown_after(
        chen, await post(chen, "/inbox/PF-1/comment", comment="<b>why</b>")
    )
    assert "Comment added" in commented and "&lt;b&gt;why&lt;/b&gt;" in commented
    reasonless = await shown_after(chen, await post(chen, "/inbox/PF-1/withdraw", comment=" "))
    assert "Refused" in reasonless and "required" in reasonless
    assert (await client.get("/v1/approvals/PF-1")).json()["status"] == "pending"
    done = await shown_after(chen, await post(chen, "/inbox/PF-1/withdraw", comment="not needed"))
    assert "Withdrawn" in done and 'id="withdraw"' not in done
    state = (await client.get("/v1/approvals/PF-1")).json()
    assert state["status"] == "withdrawn"
    assert re.search(r"withdrawn</strong> chen\.planner", done)


async def test_the_requester_resubmits_a_rejected_request_from_the_page(
    start: Start, client: httpx.AsyncClient, browser_as: Browser
) -> None:
    await start(requested("PF-2"))
    wang, chen = browser_as("wang.manager"), browser_as("chen.planner")
    await shown_after(wang, await post(wang, "/inbox/PF-2/reject", comment="price too high"))
    page = (await chen.get("/inbox/PF-2", params={"lang": "en"})).text
    assert 'id="resubmit"' in page and 'id="withdraw"' not in page
    done = await shown_after(chen, await post(chen, "/inbox/PF-2/resubmit", comment="new quote"))
    assert "Resubmitted" in done
    state = (await client.get("/v1/approvals/PF-2")).json()
    assert state["status"] == "pending" and state["version"] == 2
    assert "PF-2" in (await wang.get("/inbox")).text  # back in the manager's inbox


async def test_who_takes_no_part_gets_no_forms_and_a_forged_post_changes_nothing(
    start: Start, client: httpx.AsyncClient, browser_as: Browser
) -> None:
    await start(requested("PF-3"))
    li = browser_as("li.finance")  # step 2 is not active: no part in it yet
    page = (await li.get("/inbox/PF-3", params={"lang": "en"})).text
    assert 'id="requester-actions"' not in page and 'id="decide"' not in page
    refused = await shown_after(li, await post(li, "/inbox/PF-3/withdraw", comment="mine now"))
    assert "Refused" in refused
    missing_csrf = await li.post("/inbox/PF-3/comment", data={"comment": "x"})
    assert missing_csrf.status_code == 403
    assert (await client.get("/v1/approvals/PF-3")).json()["status"] == "pending"


def delegations(page: str, section: str) -> list[str]:
    block = page.split(f'id="{section}"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'data-delegation="([^"]+)"', block)


async def test_my_delegations_give_list_and_end_one_in_the_devices_time_zone(
    client: httpx.AsyncClient, browser_as: Browser
) -> None:
    wang, zhou, li = browser_as("wang.manager"), browser_as("zhou.deputy"), browser_as("li.finance")
    empty = (await wang.get("/delegations", params={"lang": "en"})).text
    assert "My delegations" in empty and "purchase-requisition" in empty  # a box per flow
    start_local = (datetime.now(UTC) + timedelta(hours=8, minutes=5)).replace(
        second=0, microsecond=0
    )
    fields = {
        "to": "zhou.deputy",
        "starts_at": start_local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start_local + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "tz_offset": "480",  # Beijing: the window starts five minutes from now
        "comment": "<i>on leave</i>",
    }
    page = await shown_after(wang, await post(wang, "/delegations", **fields))
    assert "Delegation created" in page and "&lt;i&gt;on leave&lt;/i&gt;" in page
    (given,) = delegations(page, "given")
    [stored] = (
        await client.get(
            "/v1/delegations", headers=TEST_ISSUER.headers("approver", login="wang.manager")
        )
    ).json()
    assert stored["delegation_id"] == given and stored["flow_ids"] == []
    starts = datetime.fromisoformat(stored["starts_at"])
    assert starts == start_local.replace(tzinfo=UTC) - timedelta(hours=8)
    assert ">Upcoming<" in page
    assert delegations((await zhou.get("/delegations")).text, "received") == [given]
    backwards = {**fields, "ends_at": fields["starts_at"], "starts_at": fields["ends_at"]}
    refused = await shown_after(wang, await post(wang, "/delegations", **backwards))
    assert "Refused" in refused and len(delegations(refused, "given")) == 1
    not_hers = await shown_after(li, await post(li, f"/delegations/{given}/cancel"))
    assert "Refused" in not_hers
    ended = await shown_after(wang, await post(wang, f"/delegations/{given}/cancel"))
    assert "Delegation cancelled" in ended and ">cancelled<" in ended.lower()
    assert (await wang.post("/delegations", data=fields)).status_code == 403  # no CSRF token
