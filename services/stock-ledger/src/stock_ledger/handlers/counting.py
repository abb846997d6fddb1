"""Cycle counting: count tasks become stock count documents; large variances wait for the
approval service (ApprovalRequested out; ApprovalGranted, ApprovalRejected and
ApprovalWithdrawn in).

The approval service decides who may approve (an assignee of the step, authenticated by their
token); the ledger still refuses a grant in which the person who counted, created or posted the
document approved it (no self-approval, whatever the flow said): the document keeps waiting and
the refusal is audited. Every decision is audited with the document's state before and after.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from inventory_contracts import ApprovalGranted, ApprovalRejected, ApprovalWithdrawn
from inventory_runtime.auth.principal import Principal, PrincipalKind
from inventory_runtime.inbound import InboundEvent

from stock_ledger.domain import Document, check_master_data
from stock_ledger.domain.counting import (
    APPROVAL_SUBJECT,
    CountApproval,
    Variance,
    request_approval,
    self_approver,
    variance_of,
)
from stock_ledger.handlers.documents import post_document, post_draft
from stock_ledger.ports import CountingUoW

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counted:
    document: Document
    variance: Variance
    approval_request_id: str | None
    """Set when the variance waits for approval (the document is `pending_approval`)."""


async def count(
    task_id: str,
    counted: Decimal,
    lot: str | None,
    counted_by: str,
    threshold: Decimal,
    uow: CountingUoW,
    now: datetime,
) -> Counted:
    """Record the count of a task: post it, or ask for approval when the variance is large."""
    task = await uow.counting.task(task_id, lock=True)
    if task is None:
        raise LookupError(task_id)
    document = task.count_document(counted, lot, counted_by)
    variance, currency = await _variance(document, uow)
    if not variance.needs_approval(threshold):
        await post_document(document, uow, now, threshold=threshold)
        await uow.counting.close_task(task_id, "done", document.document_id, now)
        await uow.counting.mark_counted(task.key, now.date())
        return Counted(document, variance, None)
    request = request_approval(document, task, variance, currency)
    await uow.ledger.save_draft(document)
    await uow.counting.add_approval(
        document.document_id, request.request_id, variance.value, task_id, variance
    )
    await uow.counting.close_task(task_id, "awaiting_approval", document.document_id, now)
    return Counted(document, variance, request.request_id)


async def _variance(document: Document, uow: CountingUoW) -> tuple[Variance, str]:
    """The count against the books (the balance locked), and the item's currency."""
    line = document.lines[0]
    items, locations = await uow.ledger.master_data([line.key])
    check_master_data(document, items, locations)
    balance = (await uow.ledger.lock_balances([line.key]))[line.key]
    state = await uow.ledger.cost_state([line.key])
    item = items[line.sku]
    return variance_of(line, balance, state.layers.get(line.key, []), item), item.currency


async def approval_granted(message: InboundEvent[ApprovalGranted], uow: CountingUoW) -> None:
    """Post the count or adjustment waiting for this approval (others are not ours)."""
    event = message.data
    waiting = await _waiting(event, uow)
    if waiting is None:
        return
    approval, document = waiting
    before = _decision_state(document, approval.status)
    approvers = [event.decided_by, *(s.approver for s in event.steps if s.decision == "approved")]
    author = self_approver(document, approvers)
    if author is not None:
        logger.warning("refused %s approving their own %s", author, document.document_id)
        uow.audit(
            _decider(author, event), "refuse_self_approval", "document", document.document_id,
            before=before, after=before,
        )  # fmt: skip
        return
    await uow.counting.decide(
        document.document_id, "granted", event.decided_by, event.decided_at, None
    )
    # The counted quantity posts against the book at approval time: stock that moved
    # meanwhile (a shipment) is not counted as a variance twice.
    posted = await post_draft(
        document.document_id, document.posted_by, uow, event.decided_at, approved=True
    )
    if approval.task_id:
        await uow.counting.close_task(
            approval.task_id, "done", document.document_id, event.decided_at
        )
    if document.document_type == "stock_count":
        for line in document.lines:
            await uow.counting.mark_counted(line.key, event.decided_at.date())
    after = {**_decision_state(posted.document, "granted"), "decided_by": event.decided_by}
    uow.audit(
        _decider(event.decided_by, event), "approve", "document", document.document_id,
        before=before, after=after,
    )  # fmt: skip


async def approval_rejected(message: InboundEvent[ApprovalRejected], uow: CountingUoW) -> None:
    """Reject the count waiting for this decision: no stock changes."""
    event = message.data
    await _close_unposted(event, "rejected", event.decided_by, event.decided_at, event.reason, uow)


async def approval_withdrawn(message: InboundEvent[ApprovalWithdrawn], uow: CountingUoW) -> None:
    """The counter withdrew the request: the count never posts, like a rejected one, and the
    stock point stays due, so the next schedule opens a new count task for it."""
    event = message.data
    await _close_unposted(
        event, "withdrawn", event.withdrawn_by, event.withdrawn_at, event.reason, uow
    )


async def _close_unposted(
    event: ApprovalRejected | ApprovalWithdrawn,
    outcome: str,
    by: str,
    at: datetime,
    reason: str,
    uow: CountingUoW,
) -> None:
    waiting = await _waiting(event, uow)
    if waiting is None:
        return
    approval, document = waiting
    before = _decision_state(document, approval.status)
    await uow.counting.decide(document.document_id, outcome, by, at, reason)
    document.reject()
    await uow.ledger.save_draft(document)
    after = {**_decision_state(document, outcome), "decided_by": by, "reason": reason}
    if isinstance(event, ApprovalRejected):
        actor, action = _decider(by, event), "reject"
    else:  # only the person who requested it withdraws a request
        actor = Principal(id=by, subject=f"approval:{by}", roles=frozenset(), kind="person")
        action = "withdraw"
    uow.audit(actor, action, "document", document.document_id, before=before, after=after)
    if approval.task_id:
        await uow.counting.close_task(approval.task_id, "rejected", document.document_id, at)


async def _waiting(
    event: ApprovalGranted | ApprovalRejected | ApprovalWithdrawn, uow: CountingUoW
) -> tuple[CountApproval, Document] | None:
    """The pending count this decision is about; None when it is not ours, or decided already
    (a redelivery)."""
    if event.subject_type != APPROVAL_SUBJECT:
        return None
    approval = await uow.counting.approval(event.subject_id)
    if approval is None or not approval.pending:
        return None
    document = await uow.ledger.get(event.subject_id)
    assert document is not None and document.status == "pending_approval"
    return approval, document


def _decision_state(document: Document, approval_status: str) -> dict[str, Any]:
    """What an audit entry of a decision shows of the document."""
    return {
        "document_type": document.document_type,
        "status": document.status,
        "approval": approval_status,
        "created_by": document.created_by,
        "posted_by": document.posted_by,
        "lines": [
            {"sku": line.sku, "location": line.location, "quantity": line.quantity}
            for line in document.lines
        ],
    }


def _decider(login: str, event: ApprovalGranted | ApprovalRejected) -> Principal:
    """Who decided, as the approval service (which authenticated them) reports: a person who
    took a step, or the service itself when a rule decided without steps."""
    kind: PrincipalKind = "person" if event.steps else "service"
    return Principal(id=login, subject=f"approval:{login}", roles=frozenset(), kind=kind)
