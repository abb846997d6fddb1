"""Rules on suppliers and on overdue approvals, on PostgreSQL: written over the API, fired by
the events that change their figures, resolved on recovery, back-tested over history."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
from alerting.adapters.rule_job import run_due
from alerting.handlers.rules import escalate, evaluate_due
from inventory_contracts.events.approvals import ApprovalEscalated, ApprovalGranted
from inventory_contracts.events.purchase_orders import (
    GoodsReceived,
    PurchaseOrderCancelled,
    PurchaseOrderLine,
    PurchaseOrderReleased,
    ReceiptLine,
)
from inventory_runtime.app import ServiceRuntime

from .kpi_events import consume
from .test_alerting_rules_integration import channel

pytestmark = pytest.mark.integration

TODAY = date.today()
LINE = PurchaseOrderLine(sku="TEA-1", location="SH", quantity=D(10), unit_cost=D(1))
RECEIPT = ReceiptLine(sku="TEA-1", location="SH", quantity=D(10), unit_cost=D(1))


def noon(day: date) -> datetime:
    """Noon of the day; a minute ago for today (what arrives later is not counted yet)."""
    return min(
        datetime.combine(day, time(12), tzinfo=UTC), datetime.now(UTC) - timedelta(minutes=1)
    )


def order(po: str, supplier: str, expected: date, arrived: date) -> list[Any]:
    released = PurchaseOrderReleased(
        purchase_order_id=po, requisition_id=f"PR-{po}", supplier_id=supplier, lines=(LINE,),
        total_amount=D(10), expected_receipt_date=expected, released_at=noon(expected),
    )  # fmt: skip
    received = GoodsReceived(receipt_id=f"GR-{po}", purchase_order_id=po, lines=(RECEIPT,),
                             received_at=noon(arrived))  # fmt: skip
    return [released, received]


def escalated(request: str, since: datetime) -> ApprovalEscalated:
    return ApprovalEscalated(request_id=request, subject_type="purchase_requisition",
                             subject_id=f"PR-{request}", step_role="manager",
                             to_role="director", overdue_since=since)  # fmt: skip


SUPPLIER_RULE = {
    "id": "late_supplier", "name_zh": "供应商准时交货率低于 80%",
    "name_en": "Supplier on-time rate below 80%", "enabled": True,
    "condition": {"kind": "supplier_on_time", "window_days": 30, "min_orders": 3,
                  "op": "<", "value": 0.8},
    "recovery": {"kind": "supplier_on_time", "window_days": 30, "min_orders": 3,
                 "op": ">=", "value": 0.9},
}  # fmt: skip


async def alerts(client: httpx.AsyncClient, rule_id: str) -> list[dict[str, Any]]:
    response = await client.get("/v1/alerts", params={"rule_id": rule_id})
    return list(response.json())


async def test_a_supplier_rule_fires_on_the_late_receipt_and_resolves_past_recovery(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    buyer = await channel(client, "buyer")
    created = await client.post("/v1/rules", json={**SUPPLIER_RULE, "channel_ids": [buyer]})
    assert created.status_code == 201, created.text
    days = [TODAY - timedelta(days=n) for n in (20, 15, 10)]
    # SUP-1: on time, late, late (1 of 3); SUP-2 on time three times
    await consume(runtime, *order("PO-1", "SUP-1", days[0], days[0]),
                  *order("PO-2", "SUP-1", days[1], days[1] + timedelta(days=2)))  # fmt: skip
    assert await alerts(client, "late_supplier") == []  # two orders: not judged yet
    await consume(
        runtime,
        *order("PO-3", "SUP-1", days[2], days[2] + timedelta(days=4)),
        *[e for n, d in enumerate(days) for e in order(f"PO-9{n}", "SUP-2", d, d)],
    )
    [alert] = await alerts(client, "late_supplier")
    assert (alert["subject"], alert["status"]) == ("SUP-1", "raised")
    assert alert["details"]["items"] == [
        {"supplier": "SUP-1", "on_time_rate": "0.3333", "received": "3", "on_time": "1",
         "overdue": "0"}
    ]  # fmt: skip
    assert "供应商 SUP-1：0.3333" in alert["message_zh"]
    sent = (await client.get("/v1/notifications", params={"alert_id": alert["id"]})).json()
    assert [n["channel_id"] for n in sent] == [buyer]

    # five more on time: 6 of 8 = 0.75, still below recovery; the alert stays, no second one
    for n in range(5):
        await consume(runtime, *order(f"PO-4{n}", "SUP-1", TODAY, TODAY))
    assert [a["status"] for a in await alerts(client, "late_supplier")] == ["raised"]
    for n in range(12):  # 18 of 20 = 0.9: recovered
        await consume(runtime, *order(f"PO-5{n}", "SUP-1", TODAY, TODAY))
    [alert] = await alerts(client, "late_supplier")
    assert alert["resolution"] == "condition_recovered"


async def test_overdue_approvals_fire_on_schedule_and_a_backtest_replays_them(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    rule = {"id": "overdue_prs", "name_zh": "逾期未审的请购单", "name_en": "Overdue requisitions",
            "enabled": True, "evaluate_every_minutes": 60,
            "condition": {"kind": "overdue_approvals", "op": ">=", "value": 2,
                          "subject_types": ["purchase_requisition"]}}  # fmt: skip
    assert (await client.post("/v1/rules", json=rule)).status_code == 201
    three_weeks = datetime.now(UTC) - timedelta(weeks=3)
    await consume(runtime, escalated("AR-1", three_weeks), escalated("AR-2", three_weeks))
    [alert] = await alerts(client, "overdue_prs")  # on the event that made it true
    assert alert["subject"] == "purchase_requisition"
    assert alert["details"]["items"][0]["overdue"] == "2"

    decided = ApprovalGranted(request_id="AR-2", subject_type="purchase_requisition",
                              subject_id="PR-AR-2", decided_by="wang.manager",
                              decided_at=datetime.now(UTC))  # fmt: skip
    await consume(runtime, decided)
    [alert] = await alerts(client, "overdue_prs")
    assert alert["status"] == "resolved"
    later = datetime.now(UTC) + timedelta(hours=2)
    await run_due(runtime.uow_factory, evaluate_due, escalate, lambda: later)  # one is not two
    assert len(await alerts(client, "overdue_prs")) == 1

    tried = await client.post("/v1/rules/overdue_prs/backtest", params={"weeks": 4})
    assert tried.status_code == 200, tried.text
    happened = [(h["action"], h["subject"]) for h in tried.json()["happenings"]]
    # both were overdue on each Monday since three weeks ago; AR-2 was decided today
    assert happened[0] == ("raised", "purchase_requisition")
    assert len(happened) == 1 and tried.json()["alerts"] == 1


async def test_a_cancelled_order_with_nothing_received_is_not_held_against_the_supplier(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    week_ago = TODAY - timedelta(days=7)
    released, _ = order("PO-C1", "SUP-9", week_ago, week_ago)
    await consume(runtime, released, *order("PO-C2", "SUP-9", week_ago, week_ago))

    def cancelled(po: str) -> PurchaseOrderCancelled:
        return PurchaseOrderCancelled(
            purchase_order_id=po, requisition_id=f"PR-{po}", supplier_id="SUP-9", sku="TEA-1",
            location="SH", cancelled_quantity=D(10), reason="not needed",
            cancelled_by="li.buyer", cancelled_at=datetime.now(UTC),
        )  # fmt: skip

    window = {"from": (TODAY - timedelta(days=30)).isoformat(), "to": TODAY.isoformat()}
    [before] = (await client.get("/v1/kpis/suppliers", params=window)).json()
    assert (before["received"], before["overdue"]) == (1, 1)  # PO-C1 is overdue
    await consume(runtime, cancelled("PO-C1"), cancelled("PO-C2"))  # PO-C2 came before
    [after] = (await client.get("/v1/kpis/suppliers", params=window)).json()
    assert (after["received"], after["overdue"], after["on_time_rate"]) == (1, 0, "1.0000")
