"""Approval use cases: start an instance, decide a step and the other actions on a request,
delegations, set up flows and approvers, keep the people directory, and fire the timers of
pending steps (reminders, escalation).

Each loads through the ports, lets the domain decide and commits; the events the instances
record reach the outbox through the unit of work. The event handler runs inside the consumer's
transaction (the consumer loop commits); the command handlers, called by the API, open and
commit their own.
"""

from approval.handlers.assign import FALLBACK_ROLE, assign_current
from approval.handlers.decisions import (
    InstanceWithAudit,
    comment,
    decide,
    may_decide,
    resubmit,
    transfer,
    withdraw,
)
from approval.handlers.delegations import cancel_delegation, delegate, delegations_of
from approval.handlers.setup import add_approver, apply_person, put_flow, start_approval
from approval.handlers.timers import fire_due_timers

__all__ = [
    "FALLBACK_ROLE",
    "InstanceWithAudit",
    "add_approver",
    "apply_person",
    "assign_current",
    "cancel_delegation",
    "comment",
    "decide",
    "delegate",
    "delegations_of",
    "fire_due_timers",
    "may_decide",
    "put_flow",
    "resubmit",
    "start_approval",
    "transfer",
    "withdraw",
]
