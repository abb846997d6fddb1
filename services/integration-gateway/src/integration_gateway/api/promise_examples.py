"""OpenAPI examples of the promise and quote routes (the issue's worked example: 8 on hand and
reserved, an order waiting for 6, purchase orders of 10 and 20 due on the 10th and 20th)."""

from __future__ import annotations

from typing import Any

from fastapi import Body

_STEPS = [{"on": "2026-12-10", "cumulative": "4"}, {"on": "2026-12-20", "cumulative": "15"}]
_PROMISE: dict[str, Any] = {
    "as_of": "2026-12-05",
    "lines": [
        {
            "sku": "TEA-LJ-250G",
            "location": "SH-01",
            "requested": "15",
            "available_now": "0",
            "steps": _STEPS,
            "unscheduled": "0",
            "complete_on": "2026-12-20",
        }
    ],
    "complete_now": False,
    "ships_complete_on": "2026-12-20",
}
_QUOTE: dict[str, Any] = {
    "quote_id": "QT-2026-0042",
    "status": "held",
    "customer_id": "C-88",
    "expires_at": "2026-12-05T10:00:00Z",
    "order_id": None,
    "lines": [
        {"line_no": 1, "sku": "RICE-5KG", "location": "SH-01", "quantity": "20", "held": "20"}
    ],
    "promise": None,
}


def _json(example: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"example": example}}}


PROMISE_EXAMPLE = _json(_PROMISE, "available now, then (date, cumulative quantity) steps")
QUOTE_EXAMPLE = _json(_QUOTE, "the quote, what it holds and until when")
QUOTE_EXAMPLES: Any = Body(
    openapi_examples={
        "held": {
            "summary": "a quote holding stock for an hour",
            "value": {
                "quote_id": "QT-2026-0042",
                "customer_id": "C-88",
                "lines": [{"sku": "RICE-5KG", "location": "SH-01", "quantity": "20"}],
                "hold": True,
                "hold_seconds": 3600,
            },
        },
        "promise only": {
            "summary": "a quote kept without a hold",
            "value": {
                "quote_id": "QT-2026-0043",
                "lines": [{"sku": "TEA-LJ-250G", "location": "SH-01", "quantity": "15"}],
            },
        },
    }
)
CONVERT_EXAMPLES: Any = Body(
    openapi_examples={
        "order": {
            "summary": "the quote becomes order SO-2026-0815",
            "value": {"order_id": "SO-2026-0815"},
        }
    }
)
PROMISE_BODY_EXAMPLES: Any = Body(
    openapi_examples={
        "two lines": {
            "summary": "a customer's two lines, promised together",
            "value": {
                "lines": [
                    {"sku": "TEA-LJ-250G", "location": "SH-01", "quantity": "15"},
                    {"sku": "RICE-5KG", "location": "SH-01", "quantity": "20"},
                ]
            },
        }
    }
)
QUOTE_CANCELLED_EXAMPLE = _json(
    {**_QUOTE, "status": "cancelled", "lines": [{**_QUOTE["lines"][0], "held": "0"}]},
    "the quote, cancelled; what it held is free again",
)
