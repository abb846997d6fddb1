"""The approval rules, pure: no database, web or broker.

`flows` (steps by amount), `approvers` (roles per department), `tasks` (one step of a request)
and `instances` (a request going through its steps, recording the events its outcome causes);
`errors` are the refusals. The names below are what the rest of the service uses.
"""

from approval.domain.approvers import ALL_DEPARTMENTS, Assignment
from approval.domain.errors import (
    AlreadyDecided,
    ApprovalError,
    NotAuthorized,
    ReasonRequired,
    SubjectTypeTaken,
    UnknownRequest,
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
    "EscalationTarget",
    "Flow",
    "FlowStep",
    "InstanceStatus",
    "NotAuthorized",
    "Person",
    "ReasonRequired",
    "SubjectTypeTaken",
    "Task",
    "TaskStatus",
    "Timer",
    "TimerKind",
    "UnknownRequest",
    "escalate",
    "escalation_target",
    "flow_problems",
    "remind",
    "timers_for",
]
