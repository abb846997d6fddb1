"""Approval flows: the ordered steps a request of a subject type goes through, by amount.

A step has a role and an optional amount condition
(``min_amount_exclusive < amount <= max_amount_inclusive``); a request gets the steps whose
condition holds for its amount. One flow serves each subject type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from approval.domain.errors import SubjectTypeTaken


@dataclass(frozen=True)
class FlowStep:
    """A step of a flow: who decides, and for which amounts."""

    role: str
    min_amount_exclusive: Decimal | None = None
    max_amount_inclusive: Decimal | None = None
    time_limit_hours: int | None = None
    time_limit_minutes: int | None = None
    escalation_role: str | None = None

    def limit_minutes(self) -> int | None:
        """The step's time limit in minutes (given in hours or in minutes), if it has one."""
        if self.time_limit_minutes is not None:
            return self.time_limit_minutes
        return None if self.time_limit_hours is None else self.time_limit_hours * 60

    def applies_to(self, amount: Decimal) -> bool:
        low, high = self.min_amount_exclusive, self.max_amount_inclusive
        return (low is None or amount > low) and (high is None or amount <= high)


@dataclass(frozen=True)
class Flow:
    """An approval flow for one subject type (e.g. purchase requisitions)."""

    flow_id: str
    subject_type: str
    name: str
    steps: tuple[FlowStep, ...]
    active: bool = True

    def steps_for(self, amount: Decimal) -> tuple[FlowStep, ...]:
        """The steps a request of `amount` goes through, in order."""
        return tuple(step for step in self.steps if step.applies_to(amount))

    def record(self) -> dict[str, Any]:
        """The flow as the audit log keeps it before and after a change."""
        return asdict(self)

    def check_subject_type_free(self, served_by: str | None) -> None:
        """Refuse to serve a subject type that the flow `served_by` serves already."""
        if served_by is not None and served_by != self.flow_id:
            raise SubjectTypeTaken(
                f"subject type {self.subject_type!r} is already served by flow {served_by!r}"
            )


def flow_problems(steps: Sequence[FlowStep]) -> list[tuple[str, str]]:
    """What is wrong with `steps`, as (field, problem) pairs; empty when they make a flow."""
    problems: list[tuple[str, str]] = []
    if not steps:
        problems.append(("steps", "a flow needs at least one step"))
    for index, step in enumerate(steps):
        low, high = step.min_amount_exclusive, step.max_amount_inclusive
        if low is not None and high is not None and low >= high:
            problems.append(
                (f"steps.{index}.max_amount_inclusive", "must be greater than min_amount_exclusive")
            )
        if step.time_limit_hours is not None and step.time_limit_minutes is not None:
            problems.append(
                (f"steps.{index}.time_limit_minutes", "give time_limit_hours or _minutes, not both")
            )
    return problems
