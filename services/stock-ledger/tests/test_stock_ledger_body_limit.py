"""The ledger's request size limit leaves room for its largest documents."""

from __future__ import annotations

import json

from inventory_runtime.http import DEFAULT_MAX_BODY_BYTES
from stock_ledger.api.schemas import MAX_LINES, DocumentIn
from stock_ledger.config import StockLedgerSettings


def widest_document() -> dict[str, object]:
    """A transfer of the most lines a document may have, every field long and filled in."""
    line = {
        "sku": "SKU-" + "9" * 36,
        "location": "WH-SHANGHAI-PUDONG-01",
        "to_location": "WH-BEIJING-CHAOYANG-02",
        "quantity": "123456.789",
        "unit_cost": "12345.6789",
        "lot": "L" * 100,
        "expiry_date": "2027-12-31",
        "reason_code": "damaged-in-transit-claim-with-carrier",
    }
    return {
        "document_type": "transfer",
        "document_id": "DOC-" + "7" * 56,
        "lines": [line] * MAX_LINES,
        "fields": {"note": "n" * 2000},
    }


def test_the_widest_document_fits_four_times_under_the_ledger_limit() -> None:
    document = widest_document()
    DocumentIn.model_validate(document)  # it is a valid request, not an oversized one
    size = len(json.dumps(document, indent=2).encode())
    limit = StockLedgerSettings(environment="development").http_max_body_bytes
    assert size * 4 < limit
    assert size < DEFAULT_MAX_BODY_BYTES < limit, "the ledger raises the runtime's default"
