"""The seed's rule, shipped as data, on an event stream that makes it true: "class A items whose
weekly sell-through fell by more than 20% two weeks in a row: e-mail the purchasing manager"."""

from __future__ import annotations

import email
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from alerting.adapters.rule_job import run_due
from alerting.handlers.rules import escalate, evaluate_due
from inventory_contracts.events.base import Event
from inventory_contracts.events.replenishment import StockPointClassified
from inventory_runtime.app import ServiceRuntime
from inventory_testkit.standins import body_of, subject_of
from sqlalchemy import text

from .conftest import Mailbox
from .kpi_events import consume, item, moved
from .test_alerting_integration import dispatch

pytestmark = pytest.mark.integration

SEED = "class_a_sell_through_drop"
MANAGER = "purchasing.manager@example.com"
TODAY = datetime.now(UTC).date()
THIS_MONDAY = TODAY - timedelta(days=TODAY.weekday())


def weeks_of(sku: str, issued: list[int], first: date) -> list[Event]:
    """Each week from `first`: fill up to 100 on Monday, issue `issued[n]` on Wednesday, so the
    week's sell-through is issued / 100."""
    events: list[Event] = []
    left = 0
    for n, quantity in enumerate(issued):
        monday = first + timedelta(weeks=n)
        if left < 100:
            events.append(moved(sku, "SH", monday, 100 - left, 100))
        events.append(moved(sku, "SH", monday + timedelta(days=2), -quantity, 100 - quantity))
        left = 100 - quantity
    return events


async def run_rules(runtime: ServiceRuntime, at: datetime | None = None) -> list[str]:
    """The rule job's round, at `at` (now when not given)."""
    clock: Callable[[], datetime] = (lambda: at) if at else (lambda: datetime.now(UTC))
    return await run_due(runtime.uow_factory, evaluate_due, escalate, clock)


async def due_again(runtime: ServiceRuntime) -> None:
    async with runtime.engine.begin() as connection:
        await connection.execute(text("UPDATE rules SET next_evaluation_at = NULL"))


async def test_the_seed_rule_backtests_fires_once_for_the_right_items_mails_and_resolves(
    runtime: ServiceRuntime, client: httpx.AsyncClient, smtp_server: Mailbox
) -> None:
    first = THIS_MONDAY - timedelta(weeks=4)
    await consume(
        runtime,
        item("TEA-A1", "tea", "A"), item("TEA-A2", "tea", "A"), item("TEA-A3", "tea", "A"),
        item("TEA-A4", "tea", "A"), item("CUP-C1", "cups", "C"),
        *weeks_of("TEA-A1", [50, 50, 35, 20], first),  # -30%, then -43%: fires
        *weeks_of("TEA-A2", [50, 40, 30, 20], first),  # -25%, then -33%: fires
        *weeks_of("TEA-A3", [50, 50, 50, 50], first),  # steady
        *weeks_of("TEA-A4", [50, 30, 45, 30], first),  # fell, rose, fell: once only
        *weeks_of("CUP-C1", [50, 50, 35, 20], first),  # falls, but class C
    )  # fmt: skip
    config = {"host": smtp_server.host, "port": smtp_server.port, "to": [MANAGER],
              "from_address": "alerts@inventory.local"}  # fmt: skip
    mail = await client.post(
        "/v1/channels", json={"kind": "email", "name": "purchasing", "config": config}
    )
    assert mail.status_code == 201, mail.text
    await client.put(f"/v1/rules/{SEED}", json={"channel_ids": [mail.json()["id"]]})

    tried = await client.post(f"/v1/rules/{SEED}/backtest", params={"weeks": 3})
    assert tried.status_code == 200, tried.text
    assert (tried.json()["alerts"], tried.json()["messages"]) == (1, 1)
    [would] = tried.json()["happenings"]
    assert (would["on"], would["subject"]) == (THIS_MONDAY.isoformat(), "class-A")
    assert would["items"] == ["TEA-A1@SH", "TEA-A2@SH"]

    assert SEED in await run_rules(runtime)
    await due_again(runtime)
    await run_rules(runtime)  # evaluated again: still the one alert
    [alert] = (await client.get("/v1/alerts", params={"rule_id": SEED})).json()
    assert (alert["subject"], alert["status"]) == ("class-A", "raised")
    assert [i["sku"] for i in alert["details"]["items"]] == ["TEA-A1", "TEA-A2"]

    await dispatch(runtime)
    [message] = smtp_server.messages
    assert message["to"] == [MANAGER]
    parsed = email.message_from_bytes(message["raw"])
    assert "A 类物料周去化率连续两周下降超过 20%" in subject_of(parsed)
    body = body_of(parsed)
    assert "TEA-A1 @ SH" in body and "去化率" in body and "TEA-A3" not in body

    # This week both sell 40 of 100 (0.2 -> 0.4): recovered; the others sell as before.
    for sku, left, sold in (("TEA-A1", 80, 40), ("TEA-A2", 80, 40), ("TEA-A3", 50, 50),
                            ("TEA-A4", 70, 30)):  # fmt: skip
        wednesday = THIS_MONDAY + timedelta(days=2)
        await consume(runtime, moved(sku, "SH", THIS_MONDAY, 100 - left, 100),
                      moved(sku, "SH", wednesday, -sold, 100 - sold))  # fmt: skip
    await due_again(runtime)
    await run_rules(runtime, datetime.now(UTC) + timedelta(weeks=1))
    [alert] = (await client.get("/v1/alerts", params={"rule_id": SEED})).json()
    assert (alert["status"], alert["resolution"]) == ("resolved", "condition_recovered")
    assert len(smtp_server.messages) == 1


def classified(sku: str, abc_class: str, previous: str | None, days_ago: int) -> Event:
    """Replenishment's planning put `sku` at SH in `abc_class` `days_ago` days ago."""
    return StockPointClassified(
        sku=sku, location="SH", abc_class=abc_class, previous_abc_class=previous,
        planning_run_id="PLAN-1", classified_at=datetime.now(UTC) - timedelta(days=days_ago),
    )  # fmt: skip


async def test_a_stock_point_planning_reclassifies_to_a_enters_the_seed_rules_scope(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    first = THIS_MONDAY - timedelta(weeks=4)
    await consume(
        runtime,
        item("TEA-B1", "tea", "B"), *weeks_of("TEA-B1", [50, 50, 35, 20], first),
        item("TEA-B2", "tea", None), *weeks_of("TEA-B2", [50, 40, 30, 20], first),
    )  # fmt: skip

    async def would_fire() -> list[str]:
        tried = await client.post(f"/v1/rules/{SEED}/backtest", params={"weeks": 1})
        assert tried.status_code == 200, tried.text
        return [i for h in tried.json()["happenings"] for i in h["items"]]

    assert await would_fire() == []  # the ERP says B, and nothing for TEA-B2
    await consume(runtime, classified("TEA-B1", "A", "B", 1), classified("TEA-B2", "A", None, 1))
    assert await would_fire() == ["TEA-B1@SH", "TEA-B2@SH"]
    # An older classification arriving late changes nothing; a newer one does.
    await consume(runtime, classified("TEA-B1", "C", "A", 3), classified("TEA-B2", "B", "A", 0))
    assert await would_fire() == ["TEA-B1@SH"]
    rolled = await client.get(
        "/v1/kpis", params={"period": "week", "group": "abc_class", "sku": ["TEA-B1", "TEA-B2"]}
    )
    assert rolled.status_code == 200, rolled.text
    assert {row["group"] for row in rolled.json()} == {"A", "B"}
