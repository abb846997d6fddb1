"""Stock ledger domain: documents, ledger entries, lots and cost layers, valuation, aging.

Pure: no database, no Kafka.
"""

from stock_ledger.domain.model import (
    ADJUSTMENT_REASONS,
    DOCUMENT_TYPES,
    ZERO,
    Balance,
    Document,
    DocumentLine,
    DocumentStateError,
    DocumentType,
    IdempotencyConflict,
    InvalidDocument,
    Item,
    LedgerEntry,
    Location,
    NegativeStock,
    PointKey,
    Problem,
    Shortfall,
)
from stock_ledger.domain.posting import LaterOutbound, Posting, post
from stock_ledger.domain.reversal import post_reversal, reversal_of
from stock_ledger.domain.rules import check_master_data, consuming_points
from stock_ledger.domain.valuation import Consumption, CostLayer

__all__ = [
    "ADJUSTMENT_REASONS",
    "DOCUMENT_TYPES",
    "ZERO",
    "Balance",
    "Consumption",
    "CostLayer",
    "Document",
    "DocumentLine",
    "DocumentStateError",
    "DocumentType",
    "IdempotencyConflict",
    "InvalidDocument",
    "Item",
    "LaterOutbound",
    "LedgerEntry",
    "Location",
    "NegativeStock",
    "PointKey",
    "Posting",
    "Problem",
    "Shortfall",
    "check_master_data",
    "consuming_points",
    "post",
    "post_reversal",
    "reversal_of",
]
