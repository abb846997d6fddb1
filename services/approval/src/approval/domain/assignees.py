"""Whom a step goes to when it becomes pending (pure): its assignee rules resolved to logins.

A `single` or `any_of` step with one role rule stays with the role: any holder for the
request's department decides, as they are when they decide. Any other step is resolved to
named people when it becomes pending: the holders of each role rule, the requester's manager
`level` steps up (`manager_chain`), the named `people`; leaving out who may not decide (the
requester, an approver of an earlier step). A step resolved to nobody goes to the holders of
its first role rule, else to the fallback role; then, even in countersign, one holder decides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Final

from approval.domain.flows import AssigneeRule
from approval.domain.instances import SYSTEM_ACTOR, ApprovalInstance, AuditEntry
from approval.domain.tasks import Task

FALLBACK_ROLE: Final = "approval_admin"
"""Who a step goes to when nobody else may decide it (no escalation role holder, no manager
known, nobody its rules name): the default of `APPROVAL_ESCALATION_FALLBACK_ROLE`."""


def stays_with_role(task: Task) -> bool:
    """Whether `task` is decided by whoever holds its role when they decide (not resolved)."""
    rules = task.rules
    return not rules or (task.mode != "all_of" and len(rules) == 1 and rules[0].kind == "role")


def levels_needed(rules: Sequence[AssigneeRule]) -> int:
    """How far up the requester's manager chain the rules reach."""
    return max((rule.level for rule in rules if rule.kind == "manager_chain"), default=0)


def resolve(
    rules: Sequence[AssigneeRule],
    holders: Mapping[str, Sequence[str]],
    chain: Sequence[str],
    may_decide: Callable[[str], bool],
) -> tuple[str, ...]:
    """The logins `rules` name, in order, once each: `holders` by role, `chain` the
    requester's managers from the nearest up; those `may_decide` rejects are left out."""
    found: list[str] = []
    for rule in rules:
        if rule.kind == "role" and rule.role is not None:
            found += sorted(holders.get(rule.role, ()))
        elif rule.kind == "manager_chain" and 0 < rule.level <= len(chain):
            found.append(chain[rule.level - 1])
        elif rule.kind == "people":
            found += rule.logins
    return tuple(login for login in dict.fromkeys(found) if may_decide(login))


def assign(
    instance: ApprovalInstance, task: Task, people: Sequence[str], fallback_role: str
) -> None:
    """Give `task` the `people` it resolved to; none: its first role, else `fallback_role`
    (noted on the timeline)."""
    if people:
        task.assignees = tuple(people)
        return
    roles = [rule.role for rule in task.rules if rule.kind == "role" and rule.role]
    task.role, task.assignees = (roles[0] if roles else fallback_role), ()
    at: datetime = task.activated_at or instance.requested_at
    instance.new_audit.append(
        AuditEntry(
            "unassigned",
            SYSTEM_ACTOR,
            at,
            task.step_no,
            f"nobody the step names may decide it; handed to role {task.role!r}",
            instance.version,
        )
    )
