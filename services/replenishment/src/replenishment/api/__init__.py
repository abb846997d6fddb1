"""HTTP API of replenishment, one module per subject: `policies` (policies and positions),
`purchasing` (requisitions and purchase orders), `demand`, `suppliers` (delivery performance),
`planning` (planning runs and what they computed) and `suggestions` (suggestions, snoozes and
exception lists); `routers` lists them for the app.

Errors have the platform's one shape, ``{"error": "<code>", "detail": ...}`` (runtime
`errors`); 422 names each bad field as ``{"field": "body.supplier_id", "problem": "..."}``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Path, Query
from inventory_runtime.app import uow_dependency
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require
from inventory_runtime.clock import utc_now

from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork

get_uow = uow_dependency(ReplenishmentUnitOfWork)
"""A new unit of work per request (tests override this dependency)."""

Uow = Annotated[ReplenishmentUnitOfWork, Depends(get_uow)]


def get_today() -> date:
    """Today in UTC (tests override this dependency)."""
    return utc_now().date()


Today = Annotated[date, Depends(get_today)]
Sku = Annotated[str, Path(min_length=1, max_length=100)]
Location = Annotated[str, Path(min_length=1, max_length=100)]
Limit = Annotated[int, Query(ge=1, le=1000)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found"}}

READ = [require("planning:read")]
"""The permission of every read (``dependencies=READ``)."""
PlanningWriter = Annotated[Principal, require("planning:write")]
"""Who changes a policy, starts a run or decides on a suggestion: the token's caller."""
