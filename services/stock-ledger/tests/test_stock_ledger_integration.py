"""The stock ledger on the real PostgreSQL: HTTP API, outbox, locking, immutability."""

# mypy: disable-error-code="comparison-overlap"
# (the assertions compare Decimals with int literals on purpose: Decimal(10) == 10)

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import stock_ledger
from inventory_contracts import StockMoved, decode, decode_data
from inventory_runtime.auth.testing import TEST_ISSUER, other_key
from inventory_runtime.db import create_session_factory
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from stock_ledger import handlers
from stock_ledger.adapters import LedgerUnitOfWork
from stock_ledger.adapters.tables import balances
from stock_ledger.domain import NegativeStock

from .conftest import Make, api_client, ledger_app, signed_in

pytestmark = pytest.mark.integration
Sessions = async_sessionmaker[AsyncSession]

MIGRATIONS = Path(stock_ledger.__file__).parent / "migrations"
WH = "WH-1"


@pytest.fixture(scope="module")
async def sessions(database_url: str, make: type[Make]) -> AsyncIterator[Sessions]:
    url = await fresh_database(database_url, "stock_ledger_it")
    await migrate_async(url, MIGRATIONS)
    engine = create_async_engine(url, pool_size=30, max_overflow=10)
    factory = create_session_factory(engine)
    async with LedgerUnitOfWork(factory, source="/services/stock-ledger") as uow:
        for sku, cost in (("TEA", "4"), ("RICE", "2"), ("HOT", "1"), ("SHIP", "1"), ("NEG", "1")):
            await handlers.upsert_item(make.inbound(make.item(sku, unit_cost=cost)), uow)
        await handlers.upsert_location(make.inbound(make.location(WH)), uow)
        await uow.commit()
    yield factory
    await engine.dispose()
    await drop_database(url)


@pytest.fixture
async def client(sessions: Sessions) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(ledger_app(sessions), "integration", login="erp-bridge") as http:
        yield http


async def outbox_moves(sessions: Sessions) -> list[StockMoved]:
    async with sessions() as session:
        rows = await session.execute(text("SELECT payload FROM outbox ORDER BY id"))
        events = [decode_data(decode(row.payload)) for row in rows]
    return [e for e in events if isinstance(e, StockMoved)]


async def on_hand(sessions: Sessions, sku: str) -> tuple[Decimal, Decimal]:
    async with sessions() as session:
        row = (
            await session.execute(
                select(balances.c.on_hand, balances.c.value).where(
                    balances.c.sku == sku, balances.c.location == WH
                )
            )
        ).one()
    return row.on_hand, row.value


def receipt_body(sku: str, quantity: str, cost: str, **extra: Any) -> dict[str, Any]:
    line = {"sku": sku, "location": WH, "quantity": quantity, "unit_cost": cost}
    return {"lines": [line], **extra}


async def test_posted_receipt_updates_balance_and_writes_stock_moved(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    response = await client.post(
        "/v1/receipts", json=receipt_body("TEA", "10", "5", purchase_order_id="PO-1")
    )

    assert response.status_code == 201, response.text
    document = response.json()
    assert document["document_type"] == "receipt" and document["status"] == "posted"
    assert document["ledger_entries"][0]["quantity_delta"] == "10"
    assert document["ledger_entries"][0]["value"] == "50"
    assert document["balances_after"] == [
        {"sku": "TEA", "location": WH, "on_hand": "10", "value": "50", "average_cost": "5"}
    ]
    assert await on_hand(sessions, "TEA") == (10, 50)
    [moved] = [m for m in await outbox_moves(sessions) if m.document_id == document["document_id"]]
    assert (moved.sku, moved.quantity_delta, moved.on_hand_after) == ("TEA", 10, 10)
    assert (moved.purchase_order_id, moved.posted_by) == ("PO-1", "erp-bridge")  # the token's

    fetched = await client.get(f"/v1/documents/{document['document_id']}")
    assert fetched.status_code == 200 and fetched.json() == document


async def test_same_idempotency_key_posts_once(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    body = receipt_body("RICE", "4", "2", idempotency_key="erp-42")

    first = await client.post("/v1/receipts", json=body)
    second = await client.post("/v1/receipts", json=body)
    by_header = await client.post(
        "/v1/receipts", json=receipt_body("RICE", "4", "2"), headers={"Idempotency-Key": "erp-42"}
    )
    different = await client.post(
        "/v1/receipts", json=receipt_body("RICE", "5", "2", idempotency_key="erp-42")
    )

    assert (first.status_code, second.status_code, by_header.status_code) == (201, 200, 200)
    assert second.json()["document_id"] == first.json()["document_id"]
    assert by_header.json()["document_id"] == first.json()["document_id"]
    assert different.status_code == 409 and different.json()["error"] == "idempotency_conflict"
    assert await on_hand(sessions, "RICE") == (4, 8)
    moves = [m for m in await outbox_moves(sessions) if m.sku == "RICE"]
    assert len(moves) == 1


async def test_receipt_id_is_the_document_id_so_a_repeat_posts_once(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    body = receipt_body("RICE", "1", "2", receipt_id="GR-7")

    first = await client.post("/v1/receipts", json=body)
    again = await client.post("/v1/receipts", json=body)

    assert first.json()["document_id"] == "RCV-GR-7"
    assert again.status_code == 200


async def test_issue_below_zero_is_409_with_the_shortfall_and_changes_nothing(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    await client.post("/v1/receipts", json=receipt_body("NEG", "3", "1"))
    moves_before = len(await outbox_moves(sessions))

    response = await client.post(
        "/v1/issues",
        json={"order_id": "SO-9", "lines": [{"sku": "NEG", "location": WH, "quantity": "5"}]},
    )

    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "insufficient_stock"
    assert body["detail"][0]["shortfall"] == "2" and body["detail"][0]["on_hand"] == "3"
    assert await on_hand(sessions, "NEG") == (3, 3)
    assert len(await outbox_moves(sessions)) == moves_before


async def test_issue_posts_at_average_cost(client: httpx.AsyncClient, sessions: Sessions) -> None:
    await client.post("/v1/receipts", json=receipt_body("SHIP", "10", "3"))

    response = await client.post(
        "/v1/issues",
        json={"order_id": "SO-1", "lines": [{"sku": "SHIP", "location": WH, "quantity": "4"}]},
    )

    assert response.status_code == 201, response.text
    entry = response.json()["ledger_entries"][0]
    assert (entry["quantity_delta"], entry["unit_cost"], entry["value"]) == ("-4", "3", "-12")
    ledger = (await client.get("/v1/ledger", params={"sku": "SHIP"})).json()
    assert [e["quantity_delta"] for e in ledger] == ["10", "-4"]
    assert ledger[1]["order_id"] == "SO-1"
    [row] = (await client.get("/v1/balances", params={"sku": "SHIP", "location": WH})).json()
    assert (row["on_hand"], row["value"], row["average_cost"]) == ("6", "18", "3")


def _line(**changes: str | None) -> dict[str, str]:
    line = {"sku": "TEA", "location": WH, "quantity": "1", "unit_cost": "1", **changes}
    return {name: value for name, value in line.items() if value is not None}


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (_line(sku="GHOST"), "body.lines.0.sku"),
        (_line(location="MARS"), "body.lines.0.location"),
        (_line(quantity="0"), "body.lines.0.quantity"),
        (_line(quantity="-2"), "body.lines.0.quantity"),
        (_line(unit_cost=None), "body.lines.0.unit_cost"),
    ],
)
async def test_bad_receipt_lines_are_422_naming_the_field(
    client: httpx.AsyncClient, sessions: Sessions, line: dict[str, str], field: str
) -> None:
    response = await client.post("/v1/receipts", json={"lines": [line]})

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    assert field in [problem["field"] for problem in body["detail"]]


async def test_malformed_json_and_unknown_document_are_4xx(client: httpx.AsyncClient) -> None:
    malformed = await client.post(
        "/v1/receipts", content=b"{not json", headers={"content-type": "application/json"}
    )
    missing = await client.get("/v1/documents/NOPE")

    assert malformed.status_code == 400
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


async def test_only_a_token_granting_stock_write_posts_and_it_names_the_poster(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    body = receipt_body("TEA", "3", "5", receipt_id="RC-AUTH")
    before = (await on_hand(sessions, "TEA"), len(await outbox_moves(sessions)))
    expired = TEST_ISSUER.token("operator", login="zhao.op", expires_in=-120)
    forged = TEST_ISSUER.token("operator", login="zhao.op", key=other_key())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=ledger_app(sessions)), base_url="http://test"
    ) as anonymous:
        unsigned = await anonymous.post("/v1/receipts", json=body)
        stale = await anonymous.post("/v1/receipts", json=body, headers=bearer(expired))
        fake = await anonymous.post("/v1/receipts", json=body, headers=bearer(forged))
        junk = await anonymous.post("/v1/receipts", content=b"{", headers=bearer(expired))
    auditor = await client.post("/v1/receipts", json=body, headers=signed_in("auditor"))
    named = await client.post("/v1/receipts", json={**body, "posted_by": "wang.manager"})

    assert [r.status_code for r in (unsigned, stale, fake, junk)] == [401] * 4
    assert unsigned.headers["WWW-Authenticate"].startswith("Bearer")
    assert auditor.status_code == 403 and "stock:write" in auditor.json()["detail"]
    assert named.status_code == 422  # the poster comes from the token, never the body
    assert (await on_hand(sessions, "TEA"), len(await outbox_moves(sessions))) == before
    async with api_client(ledger_app(sessions), "operator", login="li.keeper") as keeper:
        posted = await keeper.post("/v1/receipts", json=body)
    assert posted.status_code == 201 and posted.json()["posted_by"] == "li.keeper"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_concurrent_issues_never_take_stock_below_zero(
    sessions: Sessions, make: type[Make]
) -> None:
    async with LedgerUnitOfWork(sessions, source="/services/stock-ledger") as uow:
        await handlers.post_document(make.receipt("RCV-HOT", ("HOT", WH, "10", "1")), uow, make.now)
        await uow.commit()

    async def issue(n: int) -> str:
        async with LedgerUnitOfWork(sessions, source="/services/stock-ledger") as uow:
            try:
                await handlers.post_document(
                    make.issue(f"ISS-HOT-{n}", ("HOT", WH, "1")), uow, make.now
                )
            except NegativeStock:
                return "refused"
            await uow.commit()
            return "posted"

    results = await asyncio.gather(*(issue(n) for n in range(25)))

    assert results.count("posted") == 10
    assert await on_hand(sessions, "HOT") == (0, 0)
    hot = [m for m in await outbox_moves(sessions) if m.sku == "HOT"]
    assert sorted(m.on_hand_after for m in hot) == list(range(11))


async def test_shipment_event_is_issued_once_and_refused_below_zero(
    sessions: Sessions, make: type[Make]
) -> None:
    shipped = make.shipped("SO-77", "SHP-77", ("TEA", WH, "2"))
    for _ in range(2):
        async with LedgerUnitOfWork(sessions, source="/services/stock-ledger") as uow:
            await handlers.issue_shipment(
                make.inbound(shipped, "/services/integration-gateway"), uow
            )
            await uow.commit()

    moves = [m for m in await outbox_moves(sessions) if m.order_id == "SO-77"]
    assert [(m.document_id, m.quantity_delta) for m in moves] == [("ISS-SHP-SHP-77", -2)]

    too_much = make.shipped("SO-78", "SHP-78", ("TEA", WH, "1000"))
    with pytest.raises(NegativeStock, match="short"):
        async with LedgerUnitOfWork(sessions, source="/services/stock-ledger") as uow:
            await handlers.issue_shipment(make.inbound(too_much, "x"), uow)


async def test_posted_ledger_entries_cannot_be_changed(sessions: Sessions) -> None:
    async with sessions() as session:
        with pytest.raises(DBAPIError, match="immutable"):
            await session.execute(text("UPDATE ledger_entries SET quantity_delta = 0"))
        await session.rollback()
        with pytest.raises(DBAPIError, match="immutable"):
            await session.execute(text("DELETE FROM documents"))
