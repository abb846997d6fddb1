"""HTTP API of the reservation service: reservations and available-to-promise (read only).

`routes` has the router, `schemas` the response bodies. Routes take their unit of work as `Uow`.
"""

from typing import Annotated

from fastapi import Depends
from inventory_runtime.app import uow_dependency

from reservation.adapters.unit_of_work import ReservationUnitOfWork

get_uow = uow_dependency(ReservationUnitOfWork)
"""The route's unit of work (tests override it with their own)."""
Uow = Annotated[ReservationUnitOfWork, Depends(get_uow)]
