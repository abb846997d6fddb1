"""Cycle counting handlers: count tasks become stock count documents; large variances wait
for the approval service (ApprovalRequested out, ApprovalGranted/ApprovalRejected in)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from inventory_contracts import ApprovalGranted, ApprovalRejected, ApprovalRequested

from stock_ledger import handlers
from stock_ledger.domain import Document, DocumentLine, DocumentStateError
from stock_ledger.domain.counting import APPROVAL_SUBJECT, Variance
from stock_ledger.domain.posting import count_book_quantity
from stock_ledger.domain.rules import check_master_data
from stock_ledger.store import LedgerUnitOfWork
from stock_ledger.store import counting as store


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
    uow: LedgerUnitOfWork,
    now: datetime,
) -> Counted:
    """Record the count of a task: post it, or ask for approval when the variance is large."""
    task = await store.task(uow.session, task_id, lock=True)
    if task is None:
        raise LookupError(task_id)
    if task["status"] != "open":
        raise DocumentStateError(f"count task {task_id} is {task['status']}")
    key = (task["sku"], task["location"])
    line = DocumentLine(1, key[0], key[1], counted, lot=lot)
    document = Document(
        f"CNT-{task_id}", "stock_count", [line], posted_by=counted_by, created_by=counted_by
    )
    items, locations = await uow.ledger.master_data([key])
    check_master_data(document, items, locations)
    balance = (await uow.ledger.lock_balances([key]))[key]
    state = await uow.ledger.cost_state([key])
    book = count_book_quantity(line, balance, state.layers.get(key, []))
    variance = Variance(book, counted, balance.average_cost or items[key[0]].unit_cost)
    if not variance.needs_approval(threshold):
        await handlers.post_document(document, uow, now)
        await store.close_task(uow.session, task_id, "done", document.document_id, now)
        await store.mark_counted(uow.session, *key, now.date())
        return Counted(document, variance, None)
    document.status = "pending_approval"
    await uow.ledger.save_draft(document)
    request_id = f"APR-{document.document_id}"
    await store.add_approval(
        uow.session, document.document_id, request_id, task_id, variance.value, book, counted
    )
    await store.close_task(uow.session, task_id, "awaiting_approval", document.document_id, now)
    uow.publish(
        ApprovalRequested(
            request_id=request_id,
            subject_type=APPROVAL_SUBJECT,
            subject_id=document.document_id,
            amount=variance.value,
            currency=items[key[0]].currency,
            department="warehouse",
            requested_by=counted_by,
            summary=(
                f"Stock count variance {key[0]}@{key[1]}: book {book}, counted {counted} "
                f"(盘点差异 {variance.quantity})"
            ),
            details={
                "sku": key[0],
                "location": key[1],
                "lot": lot,
                "book_quantity": str(book),
                "counted_quantity": str(counted),
                "variance_quantity": str(variance.quantity),
                "unit_cost": str(variance.unit_cost),
                "task_id": task_id,
            },
        )
    )
    return Counted(document, variance, request_id)


async def decided(event: ApprovalGranted | ApprovalRejected, uow: LedgerUnitOfWork) -> None:
    """Post (granted) or reject the count waiting for this decision; others are not ours."""
    if event.subject_type != APPROVAL_SUBJECT:
        return
    waiting = await store.approval(uow.session, event.subject_id)
    if waiting is None or waiting["status"] != "pending":
        return  # unknown to us, or decided already (redelivery)
    document = await uow.ledger.get(event.subject_id)
    assert document is not None and document.status == "pending_approval"
    task_id = waiting["task_id"]
    if isinstance(event, ApprovalGranted):
        await store.decide(
            uow.session, document.document_id, "granted", event.decided_by, event.decided_at, None
        )
        # The counted quantity posts against the book at approval time: stock that moved
        # meanwhile (a shipment) is not counted as a variance twice.
        await handlers.post_draft(
            document.document_id, document.posted_by, uow, event.decided_at, approved=True
        )
        if task_id:
            await store.close_task(
                uow.session, task_id, "done", document.document_id, event.decided_at
            )
        line = document.lines[0]
        await store.mark_counted(uow.session, line.sku, line.location, event.decided_at.date())
        return
    await store.decide(
        uow.session,
        document.document_id,
        "rejected",
        event.decided_by,
        event.decided_at,
        event.reason,
    )
    document.status = "rejected"
    await uow.ledger.save_draft(document)
    if task_id:
        await store.close_task(
            uow.session, task_id, "rejected", document.document_id, event.decided_at
        )


async def generate(uow: LedgerUnitOfWork, today: date) -> list[str]:
    """Open count tasks for every stock point due by its item's ABC class schedule."""
    return await store.generate_tasks(uow.session, today)
