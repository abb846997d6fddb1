"""Examples of the gateway's request and response bodies, for its OpenAPI document.

Each is what an ERP or CRM integrator would send or see (Chinese names where a user writes
them); the OpenAPI test validates every one against its schema. Models take theirs with
`examples_of(...)` (``json_schema_extra``), routes with `answer(...)` (``responses``).
"""

from __future__ import annotations

from typing import Any

from inventory_contracts.examples import example_for
from inventory_contracts.registry import topic_for

SKU, LOCATION = "TEA-LJ-250G", "SH-01"
ERROR_BODY = "#/components/schemas/ErrorBody"
LINE = {"sku": SKU, "location": LOCATION, "quantity": "12"}


def examples_of(*values: dict[str, Any]) -> dict[str, Any]:
    """A model's ``json_schema_extra``: its JSON Schema ``examples``."""
    return {"examples": list(values)}


def answer(
    value: Any, description: str | None = None, media: str = "application/json"
) -> dict[str, Any]:
    """An OpenAPI response (for ``responses=``) with one example."""
    documented: dict[str, Any] = {"content": {media: {"example": value}}}
    return documented | ({"description": description} if description else {})


def named(**values: tuple[str, Any]) -> dict[str, dict[str, Any]]:
    """FastAPI ``openapi_examples``: ``name=(summary, value)``."""
    return {name: {"summary": summary, "value": value} for name, (summary, value) in values.items()}


def accepted(event_type: str) -> dict[str, Any]:
    """The 202 of an inbound route that publishes `event_type`."""
    value = {
        "event_id": "0b7e6a52-3f1c-4d55-9a1e-6c2f1e0d4b8a",
        "type": event_type,
        "topic": topic_for(event_type),
    }
    return answer(value, "accepted: the event is published to Kafka shortly (outbox)")


ORDER = named(
    order=(
        "an order of two lines, partial reservation allowed",
        example_for("inventory.order.placed.v1").model_dump(mode="json", exclude_none=True),
    ),
    single_line=(
        "one line, all or nothing",
        {"order_id": "SO-1002", "lines": [LINE], "customer_id": "C-88"},
    ),
)
CANCEL_ORDER = {"lines": [{**LINE, "quantity": "2"}], "reason": "客户改单"}
SHIPMENT = {"lines": [LINE], "shipment_id": "SHP-77", "shipped_at": "2026-03-03T15:00:00+08:00"}
ITEM = {
    "name": "Longjing green tea 250 g",
    "name_zh": "龙井绿茶 250克",
    "unit_of_measure": "box",
    "category": "茶叶",
    "unit_cost": "84.00",
    "currency": "CNY",
    "valuation_method": "moving_average",
    "lot_tracked": True,
    "expiry_managed": True,
    "active": True,
}
LOCATION_BODY = {"name": "上海一号仓", "allow_negative_stock": False, "active": True}
SUPPLIER = {"name": "杭州西湖龙井茶业有限公司", "lead_time_days": 7, "currency": "CNY"}
RECEIPT = {
    "receipt_id": "GR-2026-0220",
    "purchase_order_id": "PO-2026-0107",
    "lines": [
        {
            **LINE,
            "quantity": "120",
            "unit_cost": "84.00",
            "lot": "L2603",
            "expiry_date": "2027-03-01",
        }
    ],
    "currency": "CNY",
    "received_at": "2026-03-10T09:40:00+08:00",
}

IMPORT_JOB = {
    "id": "imp_5c1f0e2a9d8b4c7e8f6a1b2c3d4e5f60",
    "kind": "items",
    "format": "csv",
    "status": "completed",
    "total_rows": 3,
    "processed_rows": 3,
    "applied": 2,
    "unchanged": 0,
    "rejected": 1,
    "message": None,
    "created_at": "2026-03-02T08:15:00+00:00",
    "finished_at": "2026-03-02T08:15:01+00:00",
}
QUEUED_IMPORT = IMPORT_JOB | {
    "status": "queued",
    "total_rows": 0,
    "processed_rows": 0,
    "applied": 0,
    "rejected": 0,
    "finished_at": None,
}
ROW_ERROR = {
    "row": 3,
    "field": "unit_cost",
    "message": "Input should be greater than or equal to 0",
}
ITEMS_CSV = (
    "sku,name,name_zh,unit_of_measure,category,unit_cost\n"
    "TEA-LJ-250G,Longjing green tea 250 g,龙井绿茶 250克,box,茶叶,84.00\n"
    "TEA-BLC-100G,Biluochun 100 g,碧螺春 100克,box,茶叶,-1\n"
)
ITEMS_JSONL = (
    '{"sku": "TEA-LJ-250G", "name": "Longjing green tea 250 g", "name_zh": "龙井绿茶 250克", '
    '"unit_of_measure": "box", "category": "茶叶", "unit_cost": "84.00"}\n'
)
IMPORT_FILE = {
    "content": {
        "text/csv": {"schema": {"type": "string", "format": "binary"}, "example": ITEMS_CSV},
        "application/x-ndjson": {
            "schema": {"type": "string", "format": "binary"},
            "example": ITEMS_JSONL,
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            },
            "example": {"file": ITEMS_CSV},
        },
    },
    "required": True,
    "description": "The file: CSV (first row the column names) or JSON lines, as the body or "
    "as the `file` part of a multipart form.",
}
"""The request body of ``POST /v1/imports`` (read by the route, not by FastAPI)."""

SUBSCRIPTION = {
    "url": "https://erp.example.com/hooks/inventory",
    "secret": "whsec-7Qp2xL9vKm4R",
    "event_types": ["inventory.purchase-order.released.v1", "inventory.stock.voucher.v1"],
    "locations": [LOCATION],
}
SUBSCRIPTION_VIEW = {
    "id": "sub_3f2a9c1d7e6b4a58b0c2d4e6f8a0b1c3",
    "url": "https://erp.example.com/hooks/inventory",
    "event_types": ["inventory.purchase-order.released.v1", "inventory.stock.voucher.v1"],
    "active": True,
    "origin": "api",
    "created_at": "2026-03-02T08:15:00Z",
    "locations": [LOCATION],
    "consecutive_failures": 0,
    "paused_until": None,
}
REPLAY = {
    "subscription_id": "sub_3f2a9c1d7e6b4a58b0c2d4e6f8a0b1c3",
    "from_id": 1040,
    "to_id": 1100,
    "statuses": ["failed"],
}
DELIVERY = {
    "id": 1041,
    "subscription_id": "sub_3f2a9c1d7e6b4a58b0c2d4e6f8a0b1c3",
    "event_id": "0b7e6a52-3f1c-4d55-9a1e-6c2f1e0d4b8a",
    "event_type": "inventory.stock.voucher.v1",
    "status": "failed",
    "attempts": 8,
    "next_attempt_at": "2026-03-02T09:00:00Z",
    "last_error": "HTTP 503 from the receiver",
    "last_status_code": 503,
    "created_at": "2026-03-02T08:15:00Z",
    "delivered_at": None,
}


def error_answer(value: dict[str, Any], description: str) -> dict[str, Any]:
    """An error answer in the platform's shape (`openapi_doc.ErrorBody`), with its example."""
    documented = answer(value, description)
    documented["content"]["application/json"]["schema"] = {"$ref": ERROR_BODY}
    return documented


def not_found(detail: str) -> dict[str, Any]:
    """A 404 answer with its example."""
    return error_answer({"error": "not_found", "detail": detail}, "not found")
