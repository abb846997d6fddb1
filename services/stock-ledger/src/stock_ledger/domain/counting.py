"""Cycle counting: which stock points are due, the count document of a task, and which
variances need approval before they post (ApprovalRequested, recorded by the document)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from inventory_contracts import ApprovalRequested

from stock_ledger.domain.errors import DocumentStateError
from stock_ledger.domain.model import ZERO, Balance, Document, DocumentLine, Item, PointKey
from stock_ledger.domain.posting import count_book_quantity
from stock_ledger.domain.valuation import CostLayer

ABC_CLASSES = ("A", "B", "C")
DEFAULT_INTERVAL_DAYS = {"A": 30, "B": 90, "C": 365}
"""A monthly, B quarterly, C yearly."""
APPROVAL_SUBJECT = "stock_count_variance"
"""`subject_type` of the ApprovalRequested a large count variance publishes."""
REVIEWED_TYPES = ("stock_count", "adjustment")
"""The documents whose variance needs approval above the configured amount, on every path
that posts them (a count task, `POST /v1/documents?post=true`, posting a draft)."""


def is_due(last_counted: date | None, interval_days: int, today: date) -> bool:
    """Never counted, or last counted `interval_days` or more days ago."""
    return last_counted is None or last_counted + timedelta(days=interval_days) <= today


@dataclass(frozen=True)
class Variance:
    book: Decimal
    counted: Decimal
    unit_cost: Decimal

    @property
    def quantity(self) -> Decimal:
        return self.counted - self.book

    @property
    def value(self) -> Decimal:
        """Absolute value of the difference at the current cost (a loss and a gain alike)."""
        return abs(self.quantity) * self.unit_cost

    def needs_approval(self, threshold: Decimal) -> bool:
        return self.value > threshold


def variance_of(
    line: DocumentLine, balance: Balance, layers: Sequence[CostLayer], item: Item
) -> Variance:
    """The count `line` against the books, valued at the average (or the item's) cost."""
    book = count_book_quantity(line, balance, layers)
    return Variance(book, line.quantity, balance.average_cost or item.unit_cost)


@dataclass(frozen=True)
class CountTask:
    """Counting one stock point, opened when its ABC class says it is due."""

    task_id: str
    sku: str
    location: str
    status: str

    @property
    def key(self) -> PointKey:
        return (self.sku, self.location)

    def count_document(self, counted: Decimal, lot: str | None, counted_by: str) -> Document:
        """The stock count document (盘点单) of an open task."""
        if self.status != "open":
            raise DocumentStateError(f"count task {self.task_id} is {self.status}")
        line = DocumentLine(1, self.sku, self.location, counted, lot=lot)
        return Document(
            f"CNT-{self.task_id}", "stock_count", [line], posted_by=counted_by,
            created_by=counted_by,
        )  # fmt: skip


@dataclass(frozen=True)
class CountApproval:
    """A count document waiting for (or decided by) the approval service."""

    document_id: str
    task_id: str | None
    status: str

    @property
    def pending(self) -> bool:
        return self.status == "pending"


def self_approver(document: Document, approvers: Iterable[str]) -> str | None:
    """Who among `approvers` made `document` (counted, created or posted it), if anyone: a
    variance is never approved by the person it is about, whatever the approval flow said."""
    authors = {document.created_by, document.posted_by} - {None}
    return next((login for login in approvers if login in authors), None)


def request_approval(
    document: Document, task: CountTask, variance: Variance, currency: str
) -> ApprovalRequested:
    """The count waits for approval: the document records the ApprovalRequested it sends."""
    document.status = "pending_approval"
    line = document.lines[0]
    where = f"{line.sku}@{line.location}"
    request = ApprovalRequested(
        request_id=f"APR-{document.document_id}",
        subject_type=APPROVAL_SUBJECT,
        subject_id=document.document_id,
        amount=variance.value,
        currency=currency,
        department="warehouse",
        requested_by=document.posted_by,
        summary=(
            f"Stock count variance {where}: book {variance.book}, counted {variance.counted} "
            f"(盘点差异 {variance.quantity})"
        ),
        details={
            "sku": line.sku,
            "location": line.location,
            "lot": line.lot,
            "book_quantity": str(variance.book),
            "counted_quantity": str(variance.counted),
            "variance_quantity": str(variance.quantity),
            "unit_cost": str(variance.unit_cost),
            "task_id": task.task_id,
        },
    )
    document.events.append(request)
    return request


def variance_amount(
    document: Document,
    balances: Mapping[PointKey, Balance],
    layers: Mapping[PointKey, Sequence[CostLayer]],
    items: Mapping[str, Item],
) -> Decimal:
    """What a count or adjustment changes, in absolute value: per line the quantity it moves
    (a count: counted against the book) at the higher of its own and the current cost, so a low
    declared cost cannot slip a large quantity past approval."""
    total = ZERO
    for line in document.lines:
        balance, item = balances[line.key], items[line.sku]
        cost = max(balance.average_cost or item.unit_cost, line.unit_cost or ZERO)
        quantity = line.quantity
        if document.document_type == "stock_count":
            book = count_book_quantity(line, balance, layers.get(line.key, []))
            quantity = abs(line.quantity - book)
        total += quantity * cost
    return total


def request_document_approval(
    document: Document, amount: Decimal, currency: str
) -> ApprovalRequested:
    """A count or adjustment made outside a count task waits for approval: the document records
    the ApprovalRequested it sends (the same subject as a count task's variance)."""
    document.status = "pending_approval"
    request = ApprovalRequested(
        request_id=f"APR-{document.document_id}",
        subject_type=APPROVAL_SUBJECT,
        subject_id=document.document_id,
        amount=amount,
        currency=currency,
        department="warehouse",
        requested_by=document.posted_by,
        summary=(
            f"{document.document_type} {document.document_id}: variance worth {amount} "
            f"{currency} (库存差异待审批)"
        ),
        details={
            "document_type": document.document_type,
            "created_by": document.created_by,
            "lines": [
                {
                    "sku": line.sku,
                    "location": line.location,
                    "lot": line.lot,
                    "quantity": str(line.quantity),
                    "reason_code": line.reason_code,
                }
                for line in document.lines
            ],
        },
    )
    document.events.append(request)
    return request
