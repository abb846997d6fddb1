"""The routers of the replenishment API, in the order the app mounts them."""

from __future__ import annotations

from fastapi import APIRouter

from replenishment.api import (
    demand,
    planning,
    policies,
    purchasing,
    suggestions,
    suppliers,
    work_orders,
)

ROUTERS: list[APIRouter] = [
    policies.router,
    purchasing.router,
    work_orders.router,
    demand.router,
    suppliers.router,
    planning.router,
    suggestions.router,
]
