"""Approval flows as versioned data (pure): branches by condition, steps with assignee rules.

A flow (`flow_id`, its key; one per subject type) has immutable numbered versions; each holds
ordered branches, the first whose condition holds for the request wins and the last, without a
condition, is the default. A branch lists its steps in order. A step is decided by one person
(`single`), by every assignee (`all_of`, countersign) or by the first of them to approve
(`any_of`, or-sign); its assignees are rules resolved when the step becomes pending: holders of
a `role` for the request's department, the requester's manager `level` steps up
(`manager_chain`), or named `people`.

`FlowStep` is the earlier shape (one role and an amount band per step); `legacy_flow` turns such
steps into branches by amount.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Final, Literal

from approval.domain.conditions import (
    AllOf,
    Attributes,
    Compare,
    Condition,
    condition_record,
    holds,
    parse_condition,
)
from approval.domain.errors import SubjectTypeTaken

StepMode = Literal["single", "all_of", "any_of"]
AssigneeKind = Literal["role", "manager_chain", "people"]
STEP_MODES: Final = ("single", "all_of", "any_of")


@dataclass(frozen=True)
class AssigneeRule:
    """Who a step goes to: holders of `role`, the requester's manager `level` up, or `logins`."""

    kind: AssigneeKind
    role: str | None = None
    level: int = 1
    logins: tuple[str, ...] = ()

    def record(self) -> dict[str, Any]:
        if self.kind == "role":
            return {"kind": "role", "role": self.role}
        if self.kind == "manager_chain":
            return {"kind": "manager_chain", "level": self.level}
        return {"kind": "people", "logins": list(self.logins)}

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> AssigneeRule:
        return cls(
            kind=data["kind"],
            role=data.get("role"),
            level=int(data.get("level", 1)),
            logins=tuple(data.get("logins", ())),
        )


@dataclass(frozen=True)
class Step:
    """A step of a branch: its mode, assignee rules, time limit and escalation role."""

    assignees: tuple[AssigneeRule, ...]
    mode: StepMode = "single"
    time_limit_hours: int | None = None
    time_limit_minutes: int | None = None
    escalation_role: str | None = None

    @property
    def role(self) -> str:
        """The step's role as tasks and events name it: its first role rule's, else its kind."""
        roles = [rule.role for rule in self.assignees if rule.kind == "role" and rule.role]
        return roles[0] if roles else (self.assignees[0].kind if self.assignees else "approver")

    def record(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "assignees": [rule.record() for rule in self.assignees],
            "time_limit_hours": self.time_limit_hours,
            "time_limit_minutes": self.time_limit_minutes,
            "escalation_role": self.escalation_role,
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Step:
        return cls(
            assignees=tuple(AssigneeRule.from_record(r) for r in data.get("assignees", ())),
            mode=data.get("mode", "single"),
            time_limit_hours=data.get("time_limit_hours"),
            time_limit_minutes=data.get("time_limit_minutes"),
            escalation_role=data.get("escalation_role"),
        )


@dataclass(frozen=True)
class Branch:
    """Steps for the requests `condition` holds for; no condition: the default branch."""

    steps: tuple[Step, ...]
    condition: Condition | None = None
    name: str | None = None

    def record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "condition": None if self.condition is None else condition_record(self.condition),
            "steps": [step.record() for step in self.steps],
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Branch:
        condition = None
        if data.get("condition") is not None:
            condition, problems = parse_condition(data["condition"], "condition")
            assert not problems, f"a stored condition is valid: {problems}"
        steps = tuple(Step.from_record(step) for step in data.get("steps", ()))
        return cls(steps, condition, data.get("name"))


@dataclass(frozen=True)
class Flow:
    """One version of the approval flow `flow_id` for one subject type (e.g. purchase
    requisitions); `version` 0 until stored."""

    flow_id: str
    subject_type: str
    name: str
    branches: tuple[Branch, ...]
    active: bool = True
    name_en: str | None = None
    version: int = 0

    def branch_for(self, attributes: Attributes) -> Branch | None:
        """The first branch whose condition holds (the default one has none)."""
        return next(
            (b for b in self.branches if b.condition is None or holds(b.condition, attributes)),
            None,
        )

    def steps_for(self, attributes: Attributes) -> tuple[Step, ...]:
        """The steps a request with `attributes` goes through, in order."""
        branch = self.branch_for(attributes)
        return () if branch is None else branch.steps

    def definition(self) -> list[dict[str, Any]]:
        """The branches as stored (JSON)."""
        return [branch.record() for branch in self.branches]

    def record(self) -> dict[str, Any]:
        """The version as the audit log keeps it before and after a change."""
        return {
            "flow_id": self.flow_id,
            "version": self.version,
            "subject_type": self.subject_type,
            "name": self.name,
            "name_en": self.name_en,
            "active": self.active,
            "branches": self.definition(),
        }

    def same_as(self, other: Flow | None) -> bool:
        """Whether `other` says the same as this flow, whatever their version numbers."""
        return other is not None and replace(other, version=self.version) == self

    def check_subject_type_free(self, served_by: str | None) -> None:
        """Refuse to serve a subject type that the flow `served_by` serves already."""
        if served_by is not None and served_by != self.flow_id:
            raise SubjectTypeTaken(
                f"subject type {self.subject_type!r} is already served by flow {served_by!r}"
            )


@dataclass(frozen=True)
class FlowStep:
    """A step of the earlier flow shape: a role for amounts in
    ``min_amount_exclusive < amount <= max_amount_inclusive``."""

    role: str
    min_amount_exclusive: Decimal | None = None
    max_amount_inclusive: Decimal | None = None
    time_limit_hours: int | None = None
    time_limit_minutes: int | None = None
    escalation_role: str | None = None

    def applies_to(self, amount: Decimal) -> bool:
        low, high = self.min_amount_exclusive, self.max_amount_inclusive
        return (low is None or amount > low) and (high is None or amount <= high)

    def as_step(self) -> Step:
        return Step(
            (AssigneeRule("role", role=self.role),),
            "single",
            self.time_limit_hours,
            self.time_limit_minutes,
            self.escalation_role,
        )


def branches_by_amount(steps: Sequence[FlowStep]) -> tuple[Branch, ...]:
    """Steps with amount bands as branches: one per stretch of amounts between the bands'
    bounds with the same steps; the lowest stretch is the default (last) branch."""
    bounds = sorted({b for s in steps for b in (s.min_amount_exclusive, s.max_amount_inclusive)
                     if b is not None})  # fmt: skip
    stretches: list[tuple[Decimal | None, Decimal | None]] = list(
        zip([None, *bounds], [*bounds, None], strict=True)
    )
    merged: list[tuple[Decimal | None, Decimal | None, tuple[Step, ...]]] = []
    for low, high in stretches:
        probe = high if high is not None else (low + 1 if low is not None else Decimal(0))
        chosen = tuple(s.as_step() for s in steps if s.applies_to(probe))
        if merged and merged[-1][2] == chosen:
            merged[-1] = (merged[-1][0], high, chosen)
        else:
            merged.append((low, high, chosen))
    default = Branch(merged[0][2])
    banded = [Branch(chosen, _band(low, high)) for low, high, chosen in merged[1:]]
    return (*reversed(banded), default)


def _band(low: Decimal | None, high: Decimal | None) -> Condition:
    above = Compare("amount", "gt", low if low is not None else Decimal(0))
    return above if high is None else AllOf((above, Compare("amount", "le", high)))


def legacy_flow(
    flow_id: str,
    subject_type: str,
    name: str,
    steps: Sequence[FlowStep],
    active: bool = True,
) -> Flow:
    """A flow from steps of the earlier shape (role and amount band each)."""
    return Flow(flow_id, subject_type, name, branches_by_amount(steps), active)
