"""The SQL unit of work of replenishment: one transaction with the repositories on its session.

Requisitions and purchase orders are tracked by their repositories, so the events they record
reach the outbox on commit (see `inventory_runtime.uow`).
"""

from __future__ import annotations

from typing import Self

from inventory_runtime.uow import UnitOfWork

from replenishment.adapters.demand import DemandRepository
from replenishment.adapters.planning import PlanningRepository
from replenishment.adapters.planning_runs import PlanningRunRepository
from replenishment.adapters.purchasing import PurchaseOrderRepository, RequisitionRepository
from replenishment.adapters.stock import MasterDataRepository, PolicyRepository, PositionRepository


class ReplenishmentUnitOfWork(UnitOfWork):
    """The unit of work with the replenishment repositories on its session."""

    master_data: MasterDataRepository
    policies: PolicyRepository
    positions: PositionRepository
    requisitions: RequisitionRepository
    purchase_orders: PurchaseOrderRepository
    demand: DemandRepository
    planning: PlanningRepository
    planning_runs: PlanningRunRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        session = self.session
        self.master_data = MasterDataRepository(session)
        self.policies = PolicyRepository(session)
        self.positions = PositionRepository(session)
        self.requisitions = RequisitionRepository(session, self.track)
        self.purchase_orders = PurchaseOrderRepository(session, self.track)
        self.demand = DemandRepository(session)
        self.planning = PlanningRepository(session)
        self.planning_runs = PlanningRunRepository(session)
        return self
