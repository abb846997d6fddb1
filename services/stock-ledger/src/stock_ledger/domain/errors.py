"""What the domain refuses, and why: each error says which field or stock point is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple


class Problem(NamedTuple):
    """What is wrong with one field of a request, as the API reports it: ``(field, problem)``."""

    field: str
    problem: str


class InvalidDocument(Exception):
    """The document is invalid (unknown SKU or location, bad field); nothing was posted.
    `missing_skus` and `missing_locations` are the unknown master data it names."""

    def __init__(
        self,
        problems: Sequence[Problem],
        *,
        missing_skus: Sequence[str] = (),
        missing_locations: Sequence[str] = (),
    ) -> None:
        self.problems = list(problems)
        self.missing_skus = tuple(sorted(set(missing_skus)))
        self.missing_locations = tuple(sorted(set(missing_locations)))
        super().__init__("; ".join(f"{p.field}: {p.problem}" for p in self.problems))

    @property
    def only_master_data_missing(self) -> bool:
        """Whether the master data it names not existing yet is all that is wrong: a message
        that arrived before its item or location can wait for them."""
        missing = sum(p.problem.startswith("unknown ") for p in self.problems)
        return bool(self.missing_skus or self.missing_locations) and missing == len(self.problems)


@dataclass(frozen=True)
class Shortfall:
    line_no: int
    sku: str
    location: str
    requested: Decimal
    on_hand: Decimal
    shortfall: Decimal
    lot: str | None = None


class NegativeStock(Exception):
    """Posting would take stock below zero where the location does not allow it."""

    def __init__(self, document_id: str, shortfalls: Sequence[Shortfall]) -> None:
        self.shortfalls = list(shortfalls)
        detail = "; ".join(
            f"line {s.line_no} {s.sku}@{s.location}{'/' + s.lot if s.lot else ''}: "
            f"issue {s.requested}, on hand {s.on_hand}, short {s.shortfall}"
            for s in self.shortfalls
        )
        super().__init__(f"{document_id} refused, stock would go negative: {detail}")


class IdempotencyConflict(Exception):
    """The same document id or idempotency key was used for a different document."""


class DocumentStateError(Exception):
    """The document is not in a state that allows this (e.g. editing a posted document)."""


class ApprovalRequired(Exception):
    """A count or adjustment changes stock worth more than the approval amount: it may not
    post before the approval service grants it (nothing was posted)."""

    def __init__(self, amount: Decimal, currency: str) -> None:
        super().__init__(f"a variance worth {amount} {currency} needs approval")
        self.amount = amount
        self.currency = currency
