"""The approval rules, pure: no database, web or broker.

`flows` (steps by amount), `approvers` (roles per department), `tasks` (one step of a request)
and `instances` (a request going through its steps, recording the events its outcome causes);
`actions` (transfer, withdraw, resubmit, comment), `delegations` (absence windows),
`authority` (who may decide a step); `errors` are the refusals. The names below are what the
rest of the service uses.
"""

from approval.domain.actions import add_comment, participants, resubmit, transfer, withdraw
from approval.domain.approvers import ALL_DEPARTMENTS, Assignment
from approval.domain.authority import refusal
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
from approval.domain.flows import Flow, FlowStep, flow_problems
from approval.domain.instances import (
    SYSTEM_ACTOR,
    ApprovalInstance,
    AuditEntry,
    Decision,
    InstanceStatus,
)
from approval.domain.people import Person
from approval.domain.tasks import Task, TaskStatus
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
    "Assignment",
    "AuditEntry",
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
    "SubjectTypeTaken",
    "Task",
    "TaskStatus",
    "Timer",
    "TimerKind",
    "UnknownDelegation",
    "UnknownRequest",
    "WrongStatus",
    "add_comment",
    "delegation_problems",
    "escalate",
    "escalation_target",
    "flow_problems",
    "participants",
    "refusal",
    "remind",
    "resubmit",
    "timers_for",
    "transfer",
    "withdraw",
]
