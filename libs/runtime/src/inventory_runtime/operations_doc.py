"""The OpenAPI answers of every service's operations routes (`/health`, `/ready`), with
examples: the routes return plain dicts, which carry no schema of their own."""

from __future__ import annotations

from typing import Any


def example_answer(value: Any, description: str | None = None) -> dict[str, Any]:
    """An OpenAPI response with one JSON example."""
    documented: dict[str, Any] = {"content": {"application/json": {"example": value}}}
    return documented | ({"description": description} if description else {})


HEALTH_RESPONSES: dict[int | str, dict[str, Any]] = {200: example_answer({"status": "ok"})}
READY_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: example_answer(
        {"status": "ready", "failing": [], "checks": {"database": "ok", "kafka": "ok"}}
    ),
    503: example_answer(
        {
            "status": "not ready",
            "failing": ["kafka"],
            "checks": {"database": "ok", "kafka": "KafkaConnectionError: Unable to bootstrap"},
        },
        "a dependency is not ready",
    ),
}
