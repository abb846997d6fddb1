"""The demo's approvers, made in development only: `make demo` and the e2e suite seed them
through the approval API. No migration makes them, so a production database has no demo people.
"""

from __future__ import annotations

import httpx

DEMO_APPROVERS = [
    {
        "approver_id": "wang.manager",
        "role": "department_manager",
        "department": "*",
        "display_name": "王经理 / Wang (department manager)",
    },
    {
        "approver_id": "li.finance",
        "role": "finance_director",
        "department": "*",
        "display_name": "李总监 / Li (finance director)",
    },
    {
        "approver_id": "zhao.warehouse",
        "role": "warehouse_manager",
        "department": "*",
        "display_name": "赵主管 / Zhao (warehouse manager)",
    },
    {
        "approver_id": "zhou.production",
        "role": "production_manager",
        "department": "*",
        "display_name": "周经理 / Zhou (production manager)",
    },
]
"""The department manager and the finance director of the purchase-requisition flow, the
warehouse manager of the stock-count variance flow and the production manager of the
production work order flow; every department."""


async def seed_demo_approvers(approval: httpx.AsyncClient) -> list[str]:
    """Give each demo approver their role through `approval` (a client of the approval
    service); idempotent: an approver already there is answered 200 and left as it is.
    Returns the ids newly added."""
    added = []
    for approver in DEMO_APPROVERS:
        response = await approval.post("/v1/approvers", json=approver)
        response.raise_for_status()
        if response.status_code == 201:
            added.append(approver["approver_id"])
    return added
