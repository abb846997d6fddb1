"""The replenishment trigger, once for every path that changes a stock point's position.

A requisition is due when the inventory position is at or below the reorder point of the stock
point's policy and no requisition is open for it. The consumer's runs of availability changes
and the single changes (a policy set over the API, a purchase order released) all ask a
`ReorderWatch` held under the position's row lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from replenishment.domain.production import raise_proposal
from replenishment.domain.purchasing import Requisition
from replenishment.domain.stock import Policy, Position, StockPointKey, Terms, is_below_threshold


class NoRequisitionDue(Exception):
    """`ReorderWatch.raise_requisition` was asked while no requisition is due."""


@dataclass
class ReorderWatch:
    """A stock point's position with what the trigger needs: its policy (if any) and whether a
    requisition is open for it."""

    position: Position
    policy: Policy | None
    requisition_open: bool

    @property
    def key(self) -> StockPointKey:
        return (self.position.sku, self.position.location)

    def due(self) -> Policy | None:
        """The policy whose reorder point the position is at or below, unless a requisition is
        open for the stock point (or it has no policy)."""
        if self.policy is None or self.requisition_open:
            return None
        return self.policy if is_below_threshold(self.position, self.policy.reorder_point) else None

    def raise_requisition(self, terms: Terms, now: datetime) -> Requisition:
        """The due requisition (a work order proposal for a make item), with the events
        announcing it; from now on one is open."""
        policy = self.due()
        if policy is None:
            raise NoRequisitionDue(f"no requisition is due for {self.key}")
        self.requisition_open = True
        return raise_proposal(self.position, policy, terms, now)
