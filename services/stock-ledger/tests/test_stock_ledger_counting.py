"""Cycle counting: due dates by ABC class (unit), and on the real PostgreSQL the tasks, counts,
and variances that wait for the approval service's decision."""

# mypy: disable-error-code="comparison-overlap"
# (the assertions compare Decimals with int literals on purpose: Decimal(10) == 10)

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from inventory_contracts import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalRequested,
    decode,
    decode_data,
)
from sqlalchemy import text
from stock_ledger import handlers
from stock_ledger.adapters import LedgerUnitOfWork
from stock_ledger.domain.counting import Variance, is_due

from .conftest import Make, Sessions, audit_entries, ledger_client, ledger_database, signed_in

WH = "WH-C"
TODAY = datetime.now(UTC).date()


def test_a_stock_point_is_due_when_never_counted_or_its_interval_has_passed() -> None:
    today = date(2025, 3, 31)
    assert is_due(None, 30, today)
    assert is_due(date(2025, 3, 1), 30, today)  # 03-01 + 30 days = 03-31: due today
    assert not is_due(date(2025, 3, 2), 30, today)  # due 04-01
    assert not is_due(date(2025, 1, 1), 365, today)


def test_variance_value_counts_losses_and_gains_alike() -> None:
    # book 100, counted 90 at 12.5 each: |-10| * 12.5 = 125
    loss = Variance(Decimal(100), Decimal(90), Decimal("12.5"))
    assert (loss.quantity, loss.value) == (-10, 125)
    assert loss.needs_approval(Decimal(100)) and not loss.needs_approval(Decimal(125))
    assert Variance(Decimal(5), Decimal(7), Decimal(3)).value == 6  # a gain of 2 at 3


@pytest.fixture(scope="module")
async def sessions(database_url: str, make: type[Make]) -> AsyncIterator[Sessions]:
    async with ledger_database(
        database_url, "stock_ledger_count_it", make, ("SMALL", "BIG", "DENIED", "CLASS-C"), WH, "c"
    ) as factory:
        yield factory


@pytest.fixture
async def client(sessions: Sessions) -> AsyncIterator[httpx.AsyncClient]:
    async with ledger_client(sessions, Decimal(100), login="counter-li") as http:
        yield http  # every role: the tests that need one role send its token


async def stocked(client: httpx.AsyncClient, sku: str, quantity: str, abc: str) -> None:
    line = {"sku": sku, "location": WH, "quantity": quantity, "unit_cost": "10"}
    response = await client.post("/v1/receipts", json={"lines": [line]})
    assert response.status_code == 201, response.text
    assert (
        await client.put(f"/v1/items/{sku}/abc-class", json={"abc_class": abc})
    ).status_code == 200


async def task_of(client: httpx.AsyncClient, sku: str) -> dict[str, Any]:
    tasks: list[dict[str, Any]] = (await client.get("/v1/count-tasks")).json()
    [found] = [t for t in tasks if t["sku"] == sku]
    return found


async def on_hand(client: httpx.AsyncClient, sku: str) -> str:
    [found] = (await client.get("/v1/balances", params={"sku": sku})).json()
    return str(found["on_hand"])


async def approval_requests(sessions: Sessions) -> list[ApprovalRequested]:
    async with sessions() as session:
        rows = await session.execute(text("SELECT payload FROM outbox ORDER BY id"))
        events = [decode_data(decode(row.payload)) for row in rows]
    return [e for e in events if isinstance(e, ApprovalRequested)]


async def decide(sessions: Sessions, event: ApprovalGranted | ApprovalRejected) -> None:
    """The approval service's decision reaches the consumer's handler."""
    async with LedgerUnitOfWork(sessions, source="/services/stock-ledger") as uow:
        if isinstance(event, ApprovalGranted):
            await handlers.approval_granted(Make.inbound(event, "/services/approval"), uow)
        else:
            await handlers.approval_rejected(Make.inbound(event, "/services/approval"), uow)
        await uow.commit()


async def test_tasks_follow_the_abc_schedule_and_a_small_variance_posts_at_once(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    await stocked(client, "SMALL", "20", "A")
    await stocked(client, "CLASS-C", "5", "C")
    assert (await client.put("/v1/count-schedules/A", json={"interval_days": 7})).json()["A"] == 7

    created = (await client.post("/v1/count-tasks/generate")).json()["created"]
    again = (await client.post("/v1/count-tasks/generate")).json()["created"]

    assert any("SMALL" in t for t in created) and again == []  # one open task per stock point
    task = await task_of(client, "SMALL")
    counted = await client.post(
        f"/v1/count-tasks/{task['task_id']}/count",
        json={"counted_quantity": "18"},
        headers=signed_in("operator", login="counter-wang"),
    )
    # book 20, counted 18: 2 * 10 = 20, under the 100 that needs approval
    assert counted.status_code == 201, counted.text
    assert counted.json()["status"] == "posted"
    assert (counted.json()["created_by"], counted.json()["posted_by"]) == ("counter-wang",) * 2
    assert counted.json()["ledger_entries"][0]["quantity_delta"] == "-2"
    assert await on_hand(client, "SMALL") == "18"
    assert (await task_of(client, "SMALL"))["status"] == "done"
    twice = await client.post(
        f"/v1/count-tasks/{task['task_id']}/count", json={"counted_quantity": "1"}
    )
    assert twice.status_code == 409
    # counted today: not due again for 7 days, due after
    later = (TODAY + timedelta(days=7)).isoformat()
    assert (await client.post("/v1/count-tasks/generate")).json()["created"] == []
    due = (await client.post("/v1/count-tasks/generate", params={"today": later})).json()
    assert any("SMALL" in t for t in due["created"])


async def test_large_variance_waits_for_approval_then_posts(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    await stocked(client, "BIG", "50", "B")
    await client.post("/v1/count-tasks/generate")
    task = await task_of(client, "BIG")

    counted = await client.post(
        f"/v1/count-tasks/{task['task_id']}/count", json={"counted_quantity": "30"}
    )

    # book 50, counted 30: 20 * 10 = 200 > 100
    assert counted.status_code == 202, counted.text
    document_id = counted.json()["document_id"]
    assert counted.json()["status"] == "pending_approval"
    assert await on_hand(client, "BIG") == "50"
    [request] = [r for r in await approval_requests(sessions) if r.subject_id == document_id]
    assert (request.subject_type, request.amount) == ("stock_count_variance", 200)
    assert request.details["variance_quantity"] == "-20"
    refused = await client.post(f"/v1/documents/{document_id}/post")
    assert refused.status_code == 409  # only the approval posts it

    assert request.requested_by == "counter-li"  # the counter, from the token
    await decide(sessions, grant(document_id, "counter-li"))  # the counter approving: refused
    assert await on_hand(client, "BIG") == "50"
    assert (await client.get(f"/v1/documents/{document_id}")).json()["status"] == (
        "pending_approval"
    )

    granted = grant(document_id, "manager-wu")
    await decide(sessions, granted)
    await decide(sessions, granted)  # redelivered: nothing more happens

    assert await on_hand(client, "BIG") == "30"
    posted = (await client.get(f"/v1/documents/{document_id}")).json()
    assert posted["status"] == "posted" and len(posted["ledger_entries"]) == 1
    assert (await task_of(client, "BIG"))["status"] == "done"
    self_approval, approved = await audit_entries(sessions, document_id)
    assert (self_approval["actor"], self_approval["action"]) == (
        "counter-li", "refuse_self_approval"
    )  # fmt: skip
    assert self_approval["before"] == self_approval["after"]
    assert self_approval["after"]["approval"] == "pending"
    assert (approved["actor"], approved["action"]) == ("manager-wu", "approve")
    assert approved["before"]["status"] == "pending_approval"
    assert approved["after"]["status"] == "posted" and approved["after"]["approval"] == "granted"
    assert approved["after"]["decided_by"] == "manager-wu"


def grant(document_id: str, decided_by: str) -> ApprovalGranted:
    return ApprovalGranted(
        request_id=f"APR-{document_id}", subject_type="stock_count_variance",
        subject_id=document_id, decided_by=decided_by, decided_at=datetime.now(UTC),
    )  # fmt: skip


async def test_rejected_variance_changes_no_stock(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    await stocked(client, "DENIED", "50", "B")
    await client.post("/v1/count-tasks/generate")
    task = await task_of(client, "DENIED")
    counted = await client.post(
        f"/v1/count-tasks/{task['task_id']}/count", json={"counted_quantity": "0"}
    )
    document_id = counted.json()["document_id"]

    await decide(
        sessions,
        ApprovalRejected(
            request_id=f"APR-{document_id}", subject_type="stock_count_variance",
            subject_id=document_id, decided_by="approval", decided_at=datetime.now(UTC),
            reason="no approval flow for subject type 'stock_count_variance'",
        ),
    )  # fmt: skip

    assert await on_hand(client, "DENIED") == "50"
    assert (await client.get(f"/v1/documents/{document_id}")).json()["status"] == "rejected"
    assert (await task_of(client, "DENIED"))["status"] == "rejected"
    [rejected] = await audit_entries(sessions, document_id)
    assert (rejected["actor"], rejected["actor_kind"], rejected["action"]) == (
        "approval", "service", "reject"
    )  # fmt: skip
    assert rejected["before"]["status"] == "pending_approval"
    assert rejected["after"]["status"] == "rejected" and rejected["after"]["reason"].startswith(
        "no"
    )


async def test_counting_configuration_is_the_administrators_and_audited(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    operator = signed_in("operator", login="zhao.op")
    admin = signed_in("admin", login="sun.admin")
    days = (await client.get("/v1/count-schedules")).json()["C"]
    schedule = await client.put(
        "/v1/count-schedules/C", json={"interval_days": 1}, headers=operator
    )
    abc = await client.put("/v1/items/CLASS-C/abc-class", json={"abc_class": "A"}, headers=operator)

    assert (schedule.status_code, abc.status_code) == (403, 403)
    assert (await client.get("/v1/count-schedules")).json()["C"] == days  # nothing changed

    changed = await client.put("/v1/count-schedules/C", json={"interval_days": 180}, headers=admin)
    reclassed = await client.put(
        "/v1/items/CLASS-C/abc-class", json={"abc_class": "B"}, headers=admin
    )
    assert changed.json()["C"] == 180 and reclassed.status_code == 200
    *_, entry = await audit_entries(sessions, "C")
    assert (entry["actor"], entry["entity_type"], entry["action"]) == (
        "sun.admin", "count_schedule", "update"
    )  # fmt: skip
    assert (entry["before"]["interval_days"], entry["after"]["interval_days"]) == (days, 180)
    *_, item = await audit_entries(sessions, "CLASS-C")
    assert (item["before"]["abc_class"], item["after"]["abc_class"]) == ("C", "B")
