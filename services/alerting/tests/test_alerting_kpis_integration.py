"""The KPI store on PostgreSQL, fed by the consumer, read over the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import httpx
import pytest
from fastapi import FastAPI
from inventory_contracts.events.approvals import (
    ApprovalEscalated,
    ApprovalGranted,
    ApprovalRequested,
)
from inventory_contracts.events.purchase_orders import (
    GoodsReceived,
    PurchaseOrderLine,
    PurchaseOrderReleased,
    ReceiptLine,
)
from inventory_runtime.app import ServiceRuntime

from .conftest import client_of
from .kpi_events import consume, item, moved

pytestmark = pytest.mark.integration

MONDAY = date(2026, 11, 2)


def on(n: int) -> date:
    return MONDAY + timedelta(days=n)


async def test_weekly_kpis_by_item_and_by_abc_class_from_movements(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    await consume(
        runtime,
        item("TEA-1", "tea", "A"), item("TEA-2", "tea", "A"), item("CUP-1", "cups", "C"),
        moved("TEA-1", "SH", on(-3), 40, 40),
        moved("TEA-1", "SH", on(1), 60, 100), moved("TEA-1", "SH", on(3), -75, 25),
        moved("TEA-2", "SH", on(0), 50, 50), moved("TEA-2", "SH", on(2), -25, 25),
        moved("CUP-1", "BJ", on(0), 10, 10),
    )  # fmt: skip
    query = {"from": "2026-11-02", "to": "2026-11-08"}
    response = await client.get("/v1/kpis", params=query)
    assert response.status_code == 200, response.text
    by_item = {row["group"]: row for row in response.json() if row["period"] == "2026-W45"}
    tea = by_item["TEA-1@SH"]
    assert (tea["opening"], tea["received"], tea["consumed"], tea["sell_through"]) == (
        "40", "60", "75", "0.7500",
    )  # fmt: skip
    response = await client.get("/v1/kpis", params={**query, "group": "abc_class"})
    classes = {row["group"]: row for row in response.json()}
    # (75 + 25) consumed / (40 + 0 opening + 60 + 50 received) = 0.6667
    assert classes["A"]["sell_through"] == "0.6667"
    assert classes["C"]["consumed"] == "0"


async def test_stock_points_show_days_since_movement_and_aging(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    today = date.today()
    await consume(runtime, moved("OLD-1", "SH", today - timedelta(days=200), 12, 12))
    response = await client.get("/v1/kpis/stock-points", params={"sku": "OLD-1"})
    [point] = response.json()
    assert point["days_since_movement"] == 200
    assert point["aging"]["181-365"] == "12"
    assert point["on_hand"] == "12"


async def test_kpis_need_planning_read_and_refuse_a_reversed_window(app: FastAPI) -> None:
    async with client_of(app, "operator") as operator:
        assert (await operator.get("/v1/kpis")).status_code == 403
    async with client_of(app, "auditor") as auditor:
        response = await auditor.get("/v1/kpis", params={"from": "2026-11-09", "to": "2026-11-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "query.from"
    async with client_of(app, "auditor") as auditor:
        for window in ({"from": "0001-01-01", "to": "0001-01-02"}, {"to": "9999-12-31"},
                       {"from": "2020-01-01", "to": "2026-01-01"}):  # fmt: skip
            assert (await auditor.get("/v1/kpis", params=window)).status_code == 422


async def test_supplier_on_time_rate_and_overdue_approvals(
    runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    noon = datetime.now(UTC) - timedelta(minutes=1)  # received: before now
    today = noon.date()
    line = PurchaseOrderLine(sku="TEA-1", location="SH", quantity=D(10), unit_cost=D(1))
    receipt = ReceiptLine(sku="TEA-1", location="SH", quantity=D(10), unit_cost=D(1))

    def released(po: str, supplier: str, expected: date) -> PurchaseOrderReleased:
        return PurchaseOrderReleased(
            purchase_order_id=po, requisition_id=f"PR-{po}", supplier_id=supplier,
            lines=(line,), total_amount=D(10), expected_receipt_date=expected, released_at=noon,
        )  # fmt: skip

    def received(po: str) -> GoodsReceived:
        return GoodsReceived(receipt_id=f"GR-{po}", purchase_order_id=po, lines=(receipt,),
                             received_at=noon)  # fmt: skip

    await consume(
        runtime,
        released("PO-1", "SUP-1", today), released("PO-2", "SUP-1", today - timedelta(days=2)),
        released("PO-3", "SUP-2", today + timedelta(days=1)), released("PO-4", "SUP-2", today),
        released("PO-5", "SUP-2", today - timedelta(days=7)),
        received("PO-1"), received("PO-2"), received("PO-3"), received("PO-1"),
        ApprovalRequested(request_id="AR-1", subject_type="purchase_requisition",
                          subject_id="PR-1", amount=D(100), department="ops",
                          requested_by="li.buyer", summary="tea"),
        ApprovalEscalated(request_id="AR-1", subject_type="purchase_requisition",
                          subject_id="PR-1", step_role="manager", to_role="director",
                          overdue_since=noon),
        ApprovalEscalated(request_id="AR-2", subject_type="purchase_requisition",
                          subject_id="PR-2", step_role="manager", to_role="director",
                          overdue_since=noon),
        ApprovalGranted(request_id="AR-2", subject_type="purchase_requisition",
                        subject_id="PR-2", decided_by="wang.manager", decided_at=noon),
    )  # fmt: skip
    # due up to tomorrow: PO-3 is due tomorrow and came early (on time); PO-4 is due today and
    # not received (pending, not counted); PO-5 fell due last week and nothing came (overdue)
    window = {"to": (today + timedelta(days=1)).isoformat()}
    rates = {
        r["supplier_id"]: r for r in (await client.get("/v1/kpis/suppliers", params=window)).json()
    }
    assert (rates["SUP-1"]["received"], rates["SUP-1"]["on_time_rate"]) == (2, "0.5000")
    sup2 = rates["SUP-2"]
    assert (sup2["received"], sup2["overdue"], sup2["on_time_rate"]) == (1, 1, "0.5000")
    [overdue] = (await client.get("/v1/kpis/approvals")).json()
    assert (overdue["subject_type"], overdue["overdue"]) == ("purchase_requisition", 1)
