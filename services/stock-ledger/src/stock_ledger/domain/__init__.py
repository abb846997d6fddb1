"""Stock ledger domain: documents, ledger entries, lots and cost layers, valuation, aging,
cycle counting. Aggregates (documents) record the events their changes cause.

Pure: no database, no Kafka.
"""

from stock_ledger.domain.backdating import LaterOutbound
from stock_ledger.domain.errors import (
    DocumentStateError,
    IdempotencyConflict,
    InvalidDocument,
    NegativeStock,
    Problem,
    Shortfall,
)
from stock_ledger.domain.model import (
    ADJUSTMENT_REASONS,
    DOCUMENT_TYPES,
    ZERO,
    Balance,
    Document,
    DocumentLine,
    DocumentType,
    Item,
    LedgerEntry,
    Location,
    PointKey,
)
from stock_ledger.domain.poster import Posting
from stock_ledger.domain.posting import backdated_points, post
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
    "backdated_points",
    "check_master_data",
    "consuming_points",
    "post",
    "post_reversal",
    "reversal_of",
]
