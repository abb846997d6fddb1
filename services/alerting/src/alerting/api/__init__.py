"""Alerting's HTTP API: `channels`, `rules`, `alerts` (with the notification log), each a router
under ``/v1``; request and response bodies in `schemas`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from inventory_runtime.app import uow_dependency

from alerting.adapters.unit_of_work import AlertingUnitOfWork

Uow = Annotated[AlertingUnitOfWork, Depends(uow_dependency(AlertingUnitOfWork))]
"""A new alerting unit of work per request."""
Limit = Annotated[int, Query(ge=1, le=1000)]
"""How many rows a list answers with at most."""
