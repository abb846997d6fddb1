"""Cycle counting end to end: a count variance over the approval amount goes through the
approval service and posts only once approved.

The approval service rejects a subject type it has no flow for at once; until a flow for
`stock_count_variance` is seeded, the count ends rejected and the stock stays as booked. With
a flow, this test approves each step as an approver holding its role and expects the posting.
"""

from __future__ import annotations

from typing import Any

from inventory_gateway_client.api.inbound import upsert_item, upsert_location
from inventory_gateway_client.models import ItemBody, LocationBody
from inventory_testkit.platform import gateway, http, poll, unique

STOCK_POINT_VALUE = 200 * 10  # received 200 at 10; counting 0 is a variance worth 2,000


async def _decide_if_asked(document_id: str) -> str:
    """Approve the pending approval of the count, step by step; 'rejected' if there is none."""
    async with http("approval") as approval:
        found = await poll(
            lambda: approval.get("/v1/approvals", params={"subject_type": "stock_count_variance"}),
            lambda r: (
                r.status_code == 200 and any(a["subject_id"] == document_id for a in r.json())
            ),
            what=f"the approval request of {document_id}",
        )
        [request] = [a for a in found.json() if a["subject_id"] == document_id]
        while request["status"] == "pending":
            role = request["current_step"]["role"]
            approvers = (await approval.get("/v1/approvers", params={"role": role})).json()
            assert approvers, f"no approver holds role {role!r}"
            async with http("approval", login=approvers[0]["approver_id"]) as approver:
                decision = await approver.post(
                    f"/v1/approvals/{request['request_id']}/approve", json={}
                )
            assert decision.status_code == 200, decision.text
            request = decision.json()
        return str(request["status"])


async def test_large_count_variance_posts_only_through_the_approval_service() -> None:
    sku, location = unique("CNT-SKU"), unique("CNT-WH")
    async with gateway() as gw:
        place = LocationBody(name="count e2e")
        await upsert_location.asyncio_detailed(location, client=gw, body=place)
        item = ItemBody(name=sku, unit_of_measure="pcs", category="e2e", unit_cost="10")
        response = await upsert_item.asyncio_detailed(sku, client=gw, body=item)
        assert response.status_code in (200, 202)
    async with http("stock-ledger") as ledger:
        line = {"sku": sku, "location": location, "quantity": "200", "unit_cost": "10"}
        await poll(
            lambda: ledger.post("/v1/receipts", json={"lines": [line]}),
            lambda r: r.status_code == 201,
            what=f"receipt of {sku}",
        )
        assert (
            await ledger.put(f"/v1/items/{sku}/abc-class", json={"abc_class": "A"})
        ).status_code == 200
        await ledger.post("/v1/count-tasks/generate")
        tasks = (await ledger.get("/v1/count-tasks", params={"status": "open"})).json()
        [task] = [t for t in tasks if t["sku"] == sku]

        counted = await ledger.post(  # counted by the signed-in admin, never its approver
            f"/v1/count-tasks/{task['task_id']}/count", json={"counted_quantity": "0"}
        )
        assert counted.status_code == 202, counted.text
        document_id = counted.json()["document_id"]

        outcome = await _decide_if_asked(document_id)

        def settled(response: Any) -> bool:
            return response.json()["status"] in ("posted", "rejected")

        document = (
            await poll(
                lambda: ledger.get(f"/v1/documents/{document_id}"),
                settled,
                what=f"{document_id} to be posted or rejected",
            )
        ).json()
        [balance] = (await ledger.get("/v1/balances", params={"sku": sku})).json()

    if outcome == "approved":
        assert document["status"] == "posted"
        assert balance["on_hand"] == "0" and balance["value"] == "0"
    else:  # no flow for stock_count_variance yet: rejected at once, nothing posted
        assert document["status"] == "rejected"
        assert balance["on_hand"] == "200" and balance["value"] == str(STOCK_POINT_VALUE)
