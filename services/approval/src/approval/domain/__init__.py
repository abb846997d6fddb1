"""The approval rules, pure: no database, web or broker.

`flows` (versions: branches by `conditions`, steps with assignee rules, checked by
`flow_checks`, resolved by `assignees`), `approvers` (roles per department), `tasks` (one step
of a request) and `instances` (a request going through its steps, recording the events its
outcome causes);
`actions` (transfer, withdraw, resubmit, comment), `delegations` (absence windows),
`authority` (who may decide a step); `errors` are the refusals. The names below are what the
rest of the service uses.
"""

from approval.domain.actions import add_comment, participants, resubmit, transfer, withdraw
from approval.domain.approvers import ALL_DEPARTMENTS, Assignment
from approval.domain.assignees import assign, levels_needed, resolve, stays_with_role
from approval.domain.authority import refusal
from approval.domain.conditions import Condition, holds, parse_condition, request_attributes
from approval.domain.delegations import Delegation, delegation_problems
from approval.domain.errors import (
    AlreadyDecided,
    ApprovalError,
    InvalidInput,
    NotAuthorized,
    ReasonRequired,
    SubjectTypeTaken,
    UnknownDelegation,
    UnknownRequest,
    WrongStatus,
)
from approval.domain.flow_checks import flow_problems, legacy_step_problems
from approval.domain.flows import (
    AssigneeRule,
    Branch,
    Flow,
    FlowStep,
    Step,
    StepMode,
    branches_by_amount,
    legacy_flow,
)
from approval.domain.instances import (
    SYSTEM_ACTOR,
    ApprovalInstance,
    AuditEntry,
    Decision,
    InstanceStatus,
)
from approval.domain.people import Person
from approval.domain.tasks import Task, TaskStatus, Vote
from approval.domain.timers import (
    TIMER_ACTOR,
    EscalationTarget,
    Timer,
    TimerKind,
    escalate,
    escalation_target,
    remind,
    timers_for,
)

__all__ = [
    "ALL_DEPARTMENTS",
    "SYSTEM_ACTOR",
    "TIMER_ACTOR",
    "AlreadyDecided",
    "ApprovalError",
    "ApprovalInstance",
    "AssigneeRule",
    "Assignment",
    "AuditEntry",
    "Branch",
    "Condition",
    "Decision",
    "Delegation",
    "EscalationTarget",
    "Flow",
    "FlowStep",
    "InstanceStatus",
    "InvalidInput",
    "NotAuthorized",
    "Person",
    "ReasonRequired",
    "Step",
    "StepMode",
    "SubjectTypeTaken",
    "Task",
    "TaskStatus",
    "Timer",
    "TimerKind",
    "UnknownDelegation",
    "UnknownRequest",
    "Vote",
    "WrongStatus",
    "add_comment",
    "assign",
    "branches_by_amount",
    "delegation_problems",
    "escalate",
    "escalation_target",
    "flow_problems",
    "holds",
    "legacy_flow",
    "legacy_step_problems",
    "levels_needed",
    "parse_condition",
    "participants",
    "refusal",
    "remind",
    "request_attributes",
    "resolve",
    "resubmit",
    "stays_with_role",
    "timers_for",
    "transfer",
    "withdraw",
]
