"""A large count or adjustment variance waits for approval on every path that can post one:
created and posted at once, a draft posted later, a repeat of either, a low declared cost, and
a handler called without the approval amount. Only the approval service's decision posts it."""

# mypy: disable-error-code="comparison-overlap"

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from inventory_contracts import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalRequested,
    ApprovalStep,
    ApprovalWithdrawn,
    StockMoved,
    decode,
    decode_data,
)
from sqlalchemy import text
from stock_ledger import handlers
from stock_ledger.adapters import LedgerUnitOfWork
from stock_ledger.domain import Document, DocumentLine
from stock_ledger.domain.errors import ApprovalRequired

from .conftest import (
    FakeLedgerUoW,
    Make,
    Sessions,
    audit_entries,
    ledger_client,
    ledger_database,
    signed_in,
)

WH = "WH-V"
SKUS = ("CNT", "ADJ", "DRAFT", "CHEAP", "REJ", "WDR", "SMALL", "AGAIN", "SELF", "POSTER")
# 100 on hand at 10 each; the approval amount is 100, so a variance of more than 10 units waits.


@pytest.fixture(scope="module")
async def sessions(database_url: str, make: type[Make]) -> AsyncIterator[Sessions]:
    async with ledger_database(
        database_url, "stock_ledger_variance_it", make, SKUS, WH, "v"
    ) as factory:
        yield factory


@pytest.fixture(scope="module")
async def client(sessions: Sessions) -> AsyncIterator[httpx.AsyncClient]:
    async with ledger_client(sessions, Decimal(100), "operator", login="clerk-zhao") as http:
        for sku in SKUS:
            line = {"sku": sku, "location": WH, "quantity": "100", "unit_cost": "10"}
            assert (await http.post("/v1/receipts", json={"lines": [line]})).status_code == 201
        yield http


def count(sku: str, counted: str) -> dict[str, Any]:
    return {"document_type": "stock_count",
            "lines": [{"sku": sku, "location": WH, "quantity": counted}]}  # fmt: skip


def adjustment(
    sku: str, quantity: str, reason: str, unit_cost: str | None = None
) -> dict[str, Any]:
    line = {"sku": sku, "location": WH, "quantity": quantity, "reason_code": reason}
    if unit_cost is not None:
        line["unit_cost"] = unit_cost
    return {"document_type": "adjustment", "lines": [line]}


async def on_hand(client: httpx.AsyncClient, sku: str) -> Decimal:
    [found] = (await client.get("/v1/balances", params={"sku": sku})).json()
    return Decimal(found["on_hand"])


async def published(sessions: Sessions, document_id: str) -> list[Any]:
    """What the outbox holds about the document: approval requests and stock movements."""
    async with sessions() as session:
        rows = await session.execute(text("SELECT payload FROM outbox ORDER BY id"))
        events = [decode_data(decode(row.payload)) for row in rows]
    return [
        e
        for e in events
        if (isinstance(e, ApprovalRequested) and e.subject_id == document_id)
        or (isinstance(e, StockMoved) and e.document_id == document_id)
    ]


async def decide(
    sessions: Sessions, event: ApprovalGranted | ApprovalRejected | ApprovalWithdrawn
) -> None:
    async with LedgerUnitOfWork(sessions, source="/services/stock-ledger") as uow:
        if isinstance(event, ApprovalGranted):
            await handlers.approval_granted(Make.inbound(event, "/services/approval"), uow)
        elif isinstance(event, ApprovalRejected):
            await handlers.approval_rejected(Make.inbound(event, "/services/approval"), uow)
        else:
            await handlers.approval_withdrawn(Make.inbound(event, "/services/approval"), uow)
        await uow.commit()


def granted(document_id: str, decided_by: str = "manager-wu", **more: Any) -> ApprovalGranted:
    return ApprovalGranted(
        request_id=f"APR-{document_id}", subject_type="stock_count_variance",
        subject_id=document_id, decided_by=decided_by, decided_at=datetime.now(UTC), **more,
    )  # fmt: skip


async def assert_waits(
    client: httpx.AsyncClient, sessions: Sessions, response: httpx.Response, amount: str
) -> str:
    """The document was accepted but not posted: no stock moved, one approval request out,
    and posting it again is refused."""
    assert response.status_code == 202, response.text
    document = response.json()
    assert document["status"] == "pending_approval" and document["ledger_entries"] == []
    [request] = await published(sessions, document["document_id"])
    assert isinstance(request, ApprovalRequested)
    assert (request.subject_type, request.amount) == ("stock_count_variance", Decimal(amount))
    assert request.requested_by == "clerk-zhao"  # the caller's login, from the token
    forced = await client.post(f"/v1/documents/{document['document_id']}/post")
    assert forced.status_code == 409
    assert (await client.get(f"/v1/documents/{document['document_id']}")).json()[
        "status"
    ] == "pending_approval"
    return str(document["document_id"])


async def test_a_large_count_posted_at_once_waits_then_the_grant_posts_it(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    response = await client.post("/v1/documents?post=true", json=count("CNT", "60"))
    document_id = await assert_waits(client, sessions, response, "400")  # 40 short at 10
    assert await on_hand(client, "CNT") == 100

    await decide(sessions, granted(document_id))

    assert await on_hand(client, "CNT") == 60
    assert (await client.get(f"/v1/documents/{document_id}")).json()["status"] == "posted"


async def test_a_large_adjustment_posted_at_once_waits(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    response = await client.post("/v1/documents?post=true", json=adjustment("ADJ", "50", "scrap"))
    document_id = await assert_waits(client, sessions, response, "500")
    assert await on_hand(client, "ADJ") == 100
    await decide(sessions, granted(document_id))
    assert await on_hand(client, "ADJ") == 50


async def test_a_large_draft_waits_when_it_is_posted(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    draft = await client.post("/v1/documents", json=adjustment("DRAFT", "30", "found"))
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    document_id = draft.json()["document_id"]

    response = await client.post(f"/v1/documents/{document_id}/post")

    await assert_waits(client, sessions, response, "300")
    assert await on_hand(client, "DRAFT") == 100
    edited = await client.put(
        f"/v1/documents/{document_id}", json=adjustment("DRAFT", "1", "found")
    )
    assert edited.status_code == 409  # nor can it be shrunk under the amount while it waits


async def test_a_low_declared_cost_does_not_slip_a_large_quantity_past_approval(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    body = adjustment("CHEAP", "10000", "found", unit_cost="0.0001")
    response = await client.post("/v1/documents?post=true", json=body)
    await assert_waits(client, sessions, response, "100000")  # 10000 at the current cost 10
    assert await on_hand(client, "CHEAP") == 100


async def test_a_rejected_variance_never_posts(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    response = await client.post("/v1/documents?post=true", json=count("REJ", "0"))
    document_id = await assert_waits(client, sessions, response, "1000")
    await decide(
        sessions,
        ApprovalRejected(
            request_id=f"APR-{document_id}", subject_type="stock_count_variance",
            subject_id=document_id, decided_by="li.finance", decided_at=datetime.now(UTC),
            reason="recount",
        ),
    )  # fmt: skip
    await decide(sessions, granted(document_id))  # a late grant changes nothing either
    assert await on_hand(client, "REJ") == 100
    assert (await client.get(f"/v1/documents/{document_id}")).json()["status"] == "rejected"


async def test_a_withdrawn_variance_never_posts_and_the_withdrawal_is_audited(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    response = await client.post("/v1/documents?post=true", json=count("WDR", "0"))
    document_id = await assert_waits(client, sessions, response, "1000")
    await decide(
        sessions,
        ApprovalWithdrawn(
            request_id=f"APR-{document_id}", subject_type="stock_count_variance",
            subject_id=document_id, withdrawn_by="clerk-zhao", withdrawn_at=datetime.now(UTC),
            reason="counted the wrong bin",
        ),
    )  # fmt: skip
    await decide(sessions, granted(document_id))  # a grant racing the withdrawal: nothing
    assert await on_hand(client, "WDR") == 100
    assert (await client.get(f"/v1/documents/{document_id}")).json()["status"] == "rejected"
    *_, withdrawn = await audit_entries(sessions, document_id)
    assert (withdrawn["actor"], withdrawn["action"]) == ("clerk-zhao", "withdraw")
    assert withdrawn["after"]["approval"] == "withdrawn"
    assert withdrawn["after"]["reason"] == "counted the wrong bin"


async def test_nobody_approves_a_variance_they_counted_or_posted(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    """The clerk who counted, and the keeper who posted another's draft, cannot approve it,
    whatever the approval flow reports; the refusals are audited and a manager's grant posts."""
    response = await client.post("/v1/documents?post=true", json=count("SELF", "0"))
    counted = await assert_waits(client, sessions, response, "1000")
    draft = await client.post("/v1/documents", json=adjustment("POSTER", "40", "scrap"))
    draft_id = draft.json()["document_id"]
    keeper = signed_in("operator", login="keeper-qian")
    posted = await client.post(f"/v1/documents/{draft_id}/post", headers=keeper)
    assert posted.status_code == 202 and posted.json()["posted_by"] == "keeper-qian"

    await decide(sessions, granted(counted, "clerk-zhao"))
    await decide(sessions, granted(draft_id, "keeper-qian"))
    step = ApprovalStep(
        role="department_manager", approver="clerk-zhao", decision="approved",
        decided_at=datetime.now(UTC),
    )  # fmt: skip
    await decide(sessions, granted(draft_id, "li.finance", steps=(step,)))  # its creator

    assert (await on_hand(client, "SELF"), await on_hand(client, "POSTER")) == (100, 100)
    for document_id in (counted, draft_id):
        document = (await client.get(f"/v1/documents/{document_id}")).json()
        assert document["status"] == "pending_approval"
    [refused] = await audit_entries(sessions, counted)
    assert (refused["actor"], refused["action"]) == ("clerk-zhao", "refuse_self_approval")
    assert [e["actor"] for e in await audit_entries(sessions, draft_id)] == [
        "keeper-qian",
        "clerk-zhao",
    ]

    await decide(sessions, granted(counted, "manager-wu"))
    assert await on_hand(client, "SELF") == 0
    *_, approved = await audit_entries(sessions, counted)
    assert (approved["actor"], approved["action"]) == ("manager-wu", "approve")
    assert (approved["before"]["status"], approved["after"]["status"]) == (
        "pending_approval",
        "posted",
    )


async def test_a_body_naming_who_counted_is_refused(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    forged = {**count("SELF", "1"), "created_by": "manager-wu"}
    response = await client.post("/v1/documents?post=true", json=forged)
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["body.created_by"]


async def test_a_repeated_request_waits_once(client: httpx.AsyncClient, sessions: Sessions) -> None:
    headers = {"Idempotency-Key": "variance-again-1"}
    first = await client.post("/v1/documents?post=true", json=count("AGAIN", "0"), headers=headers)
    again = await client.post("/v1/documents?post=true", json=count("AGAIN", "0"), headers=headers)
    document_id = await assert_waits(client, sessions, first, "1000")
    assert again.status_code == 202 and again.json()["document_id"] == document_id
    assert len(await published(sessions, document_id)) == 1


async def test_a_small_variance_posts_at_once(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    counted = await client.post("/v1/documents?post=true", json=count("SMALL", "95"))
    assert counted.status_code == 201 and counted.json()["status"] == "posted"
    adjusted = await client.post("/v1/documents?post=true", json=adjustment("SMALL", "5", "damage"))
    assert adjusted.status_code == 201 and adjusted.json()["status"] == "posted"
    assert await on_hand(client, "SMALL") == 90


@pytest.mark.parametrize(
    "document",
    [
        Document("C-1", "stock_count", [DocumentLine(1, "SKU", "WH", Decimal(99))], "clerk"),
        Document(
            "A-1",
            "adjustment",
            [DocumentLine(1, "SKU", "WH", Decimal(1), reason_code="scrap")],
            "clerk",
        ),
    ],
)
async def test_a_handler_without_the_approval_amount_posts_no_variance(
    uow: FakeLedgerUoW, make: type[Make], document: Document
) -> None:
    """A new path that forgets the amount fails closed: any variance needs approval."""
    await handlers.upsert_item(make.inbound(make.item("SKU", unit_cost="1")), uow)
    await handlers.upsert_location(make.inbound(make.location("WH")), uow)
    await handlers.post_document(
        Document("R-1", "receipt", [DocumentLine(1, "SKU", "WH", Decimal(100), Decimal(1))], "x"),
        uow,
        make.now,
    )
    with pytest.raises(ApprovalRequired):
        await handlers.post_document(document, uow, make.now)
    assert uow.ledger.balances[("SKU", "WH")].on_hand == 100
    assert await uow.ledger.get(document.document_id) is None
