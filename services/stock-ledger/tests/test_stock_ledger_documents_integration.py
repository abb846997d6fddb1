"""Documents on the real PostgreSQL: drafts, posting, reversal, idempotency, negative stock,
back-dating, forms and scanning, bad input, and the reports that read the kept-up tables."""

# mypy: disable-error-code="comparison-overlap"
# (the assertions compare Decimals with int literals on purpose: Decimal(10) == 10)

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import stock_ledger
from inventory_contracts import ItemUpserted, StockMoved, decode, decode_data
from inventory_runtime.db import create_session_factory
from inventory_runtime.migrations import migrate_async
from inventory_runtime.testing import drop_database, fresh_database
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from stock_ledger import handlers
from stock_ledger.adapters import LedgerUnitOfWork

from .conftest import Make, api_client, audit_entries, ledger_app, signed_in

ADMIN = signed_in("admin", login="sun.admin")
pytestmark = pytest.mark.integration
Sessions = async_sessionmaker[AsyncSession]

MIGRATIONS = Path(stock_ledger.__file__).parent / "migrations"
WH, WH2 = "WH-1", "WH-2"
TODAY = datetime.now(UTC).date()
BARCODE = "]C1" + "0109501101530003" + "17270704" + "10LOT-7\x1d" + "3012"


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
async def sessions(database_url: str, make: type[Make]) -> AsyncIterator[Sessions]:
    url = await fresh_database(database_url, "stock_ledger_docs_it")
    await migrate_async(url, MIGRATIONS)
    engine = create_async_engine(url, pool_size=10)
    factory = create_session_factory(engine)
    async with LedgerUnitOfWork(factory, source="/services/stock-ledger") as uow:
        for sku, method, category in (
            ("FIFO", "fifo", "tea"),
            ("AVG", "moving_average", "tea"),
            ("OLD", "fifo", "rice"),
            ("MILK", "fifo", "dairy"),
        ):
            item = ItemUpserted(
                sku=sku, name=sku, unit_of_measure="pcs", category=category,
                unit_cost=Decimal(4), valuation_method=method, expiry_managed=sku == "MILK",
            )  # fmt: skip
            await handlers.upsert_item(make.inbound(item), uow)
        await handlers.upsert_location(make.inbound(make.location(WH)), uow)
        await handlers.upsert_location(make.inbound(make.location(WH2)), uow)
        await uow.commit()
    yield factory
    await engine.dispose()
    await drop_database(url)


@pytest.fixture
async def client(sessions: Sessions) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(ledger_app(sessions), "operator", login="zhao.op") as http:
        yield http


async def counts(sessions: Sessions) -> dict[str, int]:
    """Rows in every table a posting writes: 'changes nothing' means these stay put."""
    tables = ("documents", "ledger_entries", "cost_layers", "outbox", "daily_stock")
    async with sessions() as session:
        return {
            t: (await session.execute(text(f"SELECT count(*) FROM {t}"))).scalar_one()
            for t in tables
        }


async def moves_of(sessions: Sessions, document_id: str) -> list[StockMoved]:
    async with sessions() as session:
        rows = await session.execute(text("SELECT payload FROM outbox ORDER BY id"))
        events = [decode_data(decode(row.payload)) for row in rows]
    return [e for e in events if isinstance(e, StockMoved) and e.document_id == document_id]


def document(kind: str, *lines: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"document_type": kind, "lines": list(lines), **extra}


def line(sku: str, quantity: str, **extra: Any) -> dict[str, Any]:
    return {"sku": sku, "location": WH, "quantity": quantity, **extra}


async def balance(client: httpx.AsyncClient, sku: str, location: str = WH) -> tuple[str, str]:
    [found] = (await client.get("/v1/balances", params={"sku": sku, "location": location})).json()
    return found["on_hand"], found["value"]


async def test_draft_is_edited_then_posted_once_and_is_immutable_after(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    draft = await client.post(
        "/v1/documents", json=document("receipt", line("FIFO", "5", unit_cost="2"))
    )
    assert draft.status_code == 201, draft.text
    document_id = draft.json()["document_id"]
    assert draft.json()["status"] == "draft" and draft.json()["ledger_entries"] == []

    edited = await client.put(
        f"/v1/documents/{document_id}",
        json=document("receipt", line("FIFO", "10", unit_cost="3", lot="L1")),
    )
    assert edited.status_code == 200 and edited.json()["lines"][0]["quantity"] == "10"

    url = f"/v1/documents/{document_id}/post"
    forged = await client.post(url, json={"posted_by": "wang.manager"})
    posted = await client.post(url, headers=signed_in("operator", login="wang.keeper"))
    again = await client.post(url, headers=signed_in("operator", login="li.keeper"))

    assert forged.status_code == 422  # who posts is the token's login, never a body field
    assert posted.status_code == 201, posted.text
    assert (posted.json()["status"], posted.json()["posted_by"]) == ("posted", "wang.keeper")
    assert posted.json()["created_by"] == "zhao.op"
    assert posted.json()["posted_at"] is not None
    assert again.status_code == 200 and again.json()["posted_by"] == "wang.keeper"
    [moved] = await moves_of(sessions, document_id)
    assert (moved.quantity_delta, moved.lot, moved.value) == (10, "L1", 30)
    assert moved.posted_by == "wang.keeper"
    refused = await client.put(
        f"/v1/documents/{document_id}", json=document("receipt", line("FIFO", "1", unit_cost="1"))
    )
    assert refused.status_code == 409 and refused.json()["error"] == "document_state"


async def test_reversal_mirrors_the_posting_and_restores_the_balance(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    before = await balance(client, "FIFO")
    issued = await client.post("/v1/documents?post=true", json=document("issue", line("FIFO", "4")))
    assert issued.status_code == 201, issued.text
    issue_id = issued.json()["document_id"]

    reversed_ = await client.post(
        f"/v1/documents/{issue_id}/reverse", headers=signed_in("operator", login="qian.keeper")
    )
    repeat = await client.post(f"/v1/documents/{issue_id}/reverse")

    assert reversed_.status_code == 201, reversed_.text
    body = reversed_.json()
    assert (body["reverses_document_id"], body["posted_by"]) == (issue_id, "qian.keeper")
    assert [e["movement_type"] for e in body["ledger_entries"]] == ["reversal"]
    assert body["ledger_entries"][0]["quantity_delta"] == "4"
    assert repeat.status_code == 200 and repeat.json()["document_id"] == body["document_id"]
    assert await balance(client, "FIFO") == before
    original = (await client.get(f"/v1/documents/{issue_id}")).json()
    assert original["reversed_by_document_id"] == body["document_id"]
    [moved] = await moves_of(sessions, body["document_id"])
    assert (moved.movement_type, moved.quantity_delta) == ("reversal", 4)


async def test_idempotency_key_posts_a_document_once(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    body = document("adjustment", line("AVG", "3", reason_code="found", unit_cost="2"))
    key = {"Idempotency-Key": "scanner-7-batch-1"}

    first = await client.post("/v1/documents?post=true", json=body, headers=key)
    second = await client.post("/v1/documents?post=true", json=body, headers=key)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["document_id"] == second.json()["document_id"]
    assert len(await moves_of(sessions, first.json()["document_id"])) == 1
    assert await balance(client, "AVG") == ("3", "6")


async def test_negative_stock_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    before = await counts(sessions)

    response = await client.post(
        "/v1/documents?post=true",
        json=document("transfer", line("AVG", "1000", to_location=WH2)),
    )

    assert response.status_code == 409
    [short] = response.json()["detail"]
    assert (short["field"], short["sku"], short["requested"]) == (
        "body.lines.0.quantity", "AVG", "1000",
    )  # fmt: skip
    assert await counts(sessions) == before


async def test_back_dated_receipt_recosts_later_issue_and_ages_from_its_date(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    post = "/v1/documents?post=true"
    first = document("receipt", line("OLD", "10", unit_cost="5"), document_date=ago(20))
    assert (await client.post(post, json=first)).status_code == 201
    issue = document("issue", line("OLD", "4"), document_date=ago(10))
    assert (await client.post(post, json=issue)).status_code == 201
    # the issue took 4 at 5 = 20; 6 at 5 = 30 left

    late = document("receipt", line("OLD", "10", unit_cost="3"), document_date=ago(200))
    response = await client.post(post, json=late)

    assert response.status_code == 201, response.text
    entries = response.json()["ledger_entries"]
    # Had it been posted in time, the issue would have taken 4 at 3 = 12: +8 of value back.
    assert [(e["movement_type"], e["value"]) for e in entries] == [
        ("receipt", "30"),
        ("cost_adjustment", "8"),
    ]
    assert await balance(client, "OLD") == ("16", "68")  # 6 at 3 + 10 at 5
    [aging] = (await client.get("/v1/reports/aging", params={"sku": "OLD"})).json()
    assert (aging["qty_181_365"], aging["value_181_365"]) == ("6", "18")
    assert (aging["qty_0_30"], aging["value_0_30"]) == ("10", "50")
    future = document("receipt", line("OLD", "1", unit_cost="1"), document_date=ago(-3))
    refused = await client.post(post, json=future)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "body.document_date"


async def test_form_fields_are_versioned_and_validated_field_by_field(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    form = {
        "fields": [
            {"name": "supplier_delivery_note", "type": "text", "label_en": "Delivery note",
             "label_zh": "送货单号", "required": True, "pattern": "DN-[0-9]+", "maximum": 20},
            {"name": "temperature", "type": "number", "label_en": "Temperature",
             "label_zh": "温度", "minimum": -30, "maximum": 8},
            {"name": "inspected_on", "type": "date", "label_en": "Inspected on",
             "label_zh": "检验日期"},
            {"name": "quality", "type": "choice", "label_en": "Quality", "label_zh": "质量",
             "choices": ["ok", "hold"]},
        ]
    }  # fmt: skip
    v1 = await client.put("/v1/forms/receipt", json=form, headers=ADMIN)
    assert v1.status_code == 201, v1.text
    before = await counts(sessions)

    bad = await client.post(
        "/v1/documents",
        json=document(
            "receipt",
            line("FIFO", "1", unit_cost="1"),
            fields={"temperature": "warm", "inspected_on": "2025-13-01", "quality": "meh"},
        ),
    )

    assert bad.status_code == 422
    problems = {p["field"]: p["problem"] for p in bad.json()["detail"]}
    assert set(problems) == {
        "body.fields.supplier_delivery_note",
        "body.fields.temperature",
        "body.fields.inspected_on",
        "body.fields.quality",
    }
    assert "required" in problems["body.fields.supplier_delivery_note"]
    assert "number" in problems["body.fields.temperature"]
    assert await counts(sessions) == before

    good = await client.post(
        "/v1/documents",
        json=document(
            "receipt",
            line("FIFO", "1", unit_cost="1"),
            fields={"supplier_delivery_note": "DN-12", "temperature": 4},
        ),
    )
    assert good.status_code == 201, good.text
    version = good.json()["form_version"]
    assert good.json()["fields"] == {"supplier_delivery_note": "DN-12", "temperature": "4"}
    v2 = await client.put("/v1/forms/receipt", json={"fields": []}, headers=ADMIN)
    assert v2.json()["version"] == version + 1
    kept = (await client.get(f"/v1/documents/{good.json()['document_id']}")).json()
    assert kept["form_version"] == version
    old = await client.get("/v1/forms/receipt", params={"version": version})
    assert old.json()["fields"][0]["name"] == "supplier_delivery_note"


async def test_scan_of_a_gs1_barcode_fills_a_line(client: httpx.AsyncClient) -> None:
    unknown = await client.post("/v1/scans", json={"barcode": BARCODE})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "body.barcode"
    mapped = await client.put("/v1/gtins/9501101530003", json={"sku": "MILK"}, headers=ADMIN)
    assert mapped.status_code == 200

    scanned = await client.post("/v1/scans", json={"barcode": BARCODE, "location": WH})
    garbage = await client.post("/v1/scans", json={"barcode": "hello world"})
    ghost = await client.put("/v1/gtins/4006381333931", json={"sku": "GHOST"}, headers=ADMIN)

    assert scanned.status_code == 200, scanned.text
    assert scanned.json() == {
        "gtin": "09501101530003", "sku": "MILK", "location": WH, "quantity": "12",
        "lot": "LOT-7", "expiry_date": "2027-07-04",
    }  # fmt: skip
    assert garbage.status_code == 422 and garbage.json()["detail"][0]["field"] == "body.barcode"
    assert ghost.status_code == 422 and ghost.json()["detail"][0]["field"] == "body.sku"


async def test_forms_and_gtins_are_configuration_an_operator_cannot_change(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    """The operator posts with the form but may not redefine it nor remap a barcode (403,
    nothing changed); the administrator's changes are audited with before and after."""
    fields = [{"name": "carrier", "type": "text", "label_en": "Carrier", "label_zh": "承运人"}]
    first = await client.put("/v1/forms/transfer", json={"fields": fields}, headers=ADMIN)
    version = first.json()["version"]
    refused = await client.put("/v1/forms/transfer", json={"fields": []})
    remapped = await client.put("/v1/gtins/4006381333931", json={"sku": "FIFO"})
    forged = await client.put(
        "/v1/forms/transfer", json={"fields": [], "created_by": "sun.admin"}, headers=ADMIN
    )
    second = await client.put("/v1/forms/transfer", json={"fields": []}, headers=ADMIN)

    assert (refused.status_code, remapped.status_code, forged.status_code) == (403, 403, 422)
    assert "forms:admin" in refused.json()["detail"]
    assert second.json()["version"] == version + 1  # neither refusal made a version
    assert (await client.get("/v1/gtins/4006381333931")).status_code == 404
    *_, created, updated = await audit_entries(sessions, "transfer")
    assert (created["actor"], created["action"], created["before"]) == ("sun.admin", "create", None)
    assert created["after"]["fields"][0]["name"] == "carrier"
    assert (updated["action"], updated["entity_type"]) == ("update", "form")
    assert (
        updated["before"]["version"] == version
        and updated["before"]["fields"] == (created["after"]["fields"])
    )
    assert updated["after"] == {"document_type": "transfer", "version": version + 1, "fields": []}


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([line("GHOST", "1", unit_cost="1")], "body.lines.0.sku"),
        ([{**line("FIFO", "1", unit_cost="1"), "location": "MARS"}], "body.lines.0.location"),
        ([line("FIFO", "many", unit_cost="1")], "body.lines.0.quantity"),
        ([line("FIFO", "1")], "body.lines.0.unit_cost"),
        ([line("MILK", "1", unit_cost="1", lot="L")], "body.lines.0.expiry_date"),
    ],
)
async def test_bad_input_is_named_field_by_field_and_changes_nothing(
    client: httpx.AsyncClient, sessions: Sessions, lines: list[dict[str, Any]], field: str
) -> None:
    before = await counts(sessions)

    response = await client.post("/v1/documents?post=true", json=document("receipt", *lines))

    assert response.status_code == 422, response.text
    assert field in [p["field"] for p in response.json()["detail"]]
    assert await counts(sessions) == before


async def test_reports_answer_in_json_and_csv(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    post = "/v1/documents?post=true"
    milk = line("MILK", "6", unit_cost="2", lot="M1", expiry_date=ago(-30))
    assert (await client.post(post, json=document("receipt", milk))).status_code == 201
    assert (await client.post(post, json=document("issue", line("MILK", "2")))).status_code == 201

    by_lot = (await client.get("/v1/reports/on-hand", params={"by": "lot", "sku": "MILK"})).json()
    valuation = (await client.get("/v1/reports/valuation", params={"group": "category"})).json()
    as_csv = await client.get("/v1/reports/valuation", params={"format": "csv"})
    turnover = (
        await client.get(
            "/v1/reports/turnover", params={"from": ago(1), "to": ago(0), "group": "category"}
        )
    ).json()
    supply = (await client.get("/v1/reports/days-of-supply", params={"sku": "MILK"})).json()
    slow = (await client.get("/v1/reports/slow-moving", params={"days": 5})).json()
    history = (await client.get("/v1/reports/movements", params={"sku": "MILK"})).json()

    assert [(r["lot"], r["on_hand"], r["value"]) for r in by_lot] == [("M1", "4", "8")]
    assert {r["category"]: r["value"] for r in valuation}["dairy"] == "8"
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert {r["item"]: r["value"] for r in rows}["MILK"] == "8"
    dairy = {r["category"]: r for r in turnover}["dairy"]
    # COGS 2*2 = 4; value 0 before, 8 at the end: average 4, turnover 1
    assert (dairy["cogs"], dairy["average_inventory_value"], dairy["turnover"]) == (
        "4", "4", "1.0000",
    )  # fmt: skip
    # 2 issued in 30 days: 1/15 a day; 4 on hand last 60 days
    assert supply[0]["days_of_supply"] == "60.0"
    slow_skus = {r["sku"] for r in slow}
    assert "MILK" not in slow_skus and "AVG" in slow_skus
    assert [r["movement_type"] for r in history] == ["receipt", "issue"]
