"""Use cases of the stock ledger, typed against the ports: load, let the domain decide, save.

`documents` (post, drafts, reversal), `messages` (what consumed events do), `counting` (cycle
counts and their approvals).
"""

from stock_ledger.handlers.counting import (
    Counted,
    approval_granted,
    approval_rejected,
    approval_withdrawn,
    count,
)
from stock_ledger.handlers.documents import (
    Posted,
    create_document,
    edit_draft,
    post_document,
    post_draft,
    reverse,
    save_draft,
)
from stock_ledger.handlers.messages import (
    issue_shipment,
    receive_goods,
    upsert_item,
    upsert_items,
    upsert_location,
)

__all__ = [
    "Counted",
    "Posted",
    "approval_granted",
    "approval_rejected",
    "approval_withdrawn",
    "count",
    "create_document",
    "edit_draft",
    "issue_shipment",
    "post_document",
    "post_draft",
    "receive_goods",
    "reverse",
    "save_draft",
    "upsert_item",
    "upsert_items",
    "upsert_location",
]
