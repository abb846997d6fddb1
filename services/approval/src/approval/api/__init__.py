"""HTTP API of approval: `approvals` (requests, tasks, decisions), `flows` and `approvers`.

Errors have the platform's one shape (`inventory_runtime.errors`): ``{"error": "<code>",
"detail": ...}`` -- 403 ``forbidden`` (not this approver's step), 404 ``not_found``, 409
``conflict`` (already decided, subject type taken), 422 ``validation_error`` naming each bad
field as ``{"field": ..., "problem": ...}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from inventory_runtime.app import uow_dependency
from pydantic import Field

from approval.adapters.unit_of_work import ApprovalUnitOfWork

get_uow = uow_dependency(ApprovalUnitOfWork)
"""A new unit of work per request (tests override this dependency)."""

Uow = Annotated[ApprovalUnitOfWork, Depends(get_uow)]
Identifier = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^\S+$")]
Role = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
Limit = Annotated[int, Query(ge=1, le=1000)]
