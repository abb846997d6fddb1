"""HTTP API of the stock ledger, a router per subject: `documents` (drafts, posting, reversal,
reads), `receipts` (the one-step receipt and issue of the core chain), `forms` (form
definitions, GTINs, scans), `reports`, `counting` (cycle counting) and `ui` (the web page).
Request bodies are in `schemas`, responses in `views`.

Errors have the platform's one shape (`inventory_runtime.errors`): ``{"error": "<code>",
"detail": ..., "message"?}`` -- 404 ``not_found``, 409 ``insufficient_stock`` (the shortfall per
line), ``idempotency_conflict`` or ``document_state``, 422 ``validation_error`` naming each bad
field as ``{"field": ..., "problem": ...}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from inventory_runtime.app import uow_dependency

from stock_ledger.adapters import LedgerUnitOfWork

get_uow = uow_dependency(LedgerUnitOfWork)
"""A new unit of work per request (tests override this dependency)."""

Uow = Annotated[LedgerUnitOfWork, Depends(get_uow)]
