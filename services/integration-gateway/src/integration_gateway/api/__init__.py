"""The gateway's HTTP API: inbound routes (`inbound`), write-back admin (`write_back`), their
bodies (`schemas`) and API-key authentication (`auth`)."""

from typing import Annotated

from fastapi import Depends
from inventory_runtime.app import uow_dependency

from integration_gateway.adapters.unit_of_work import GatewayUnitOfWork

get_uow = uow_dependency(GatewayUnitOfWork)
Uow = Annotated[GatewayUnitOfWork, Depends(get_uow)]
"""A new gateway unit of work per request."""
