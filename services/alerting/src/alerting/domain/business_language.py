"""The conditions of the rule language on subjects other than stock points: suppliers
(on-time rate) and kinds of approval request (overdue approvals). A rule with one of them
watches those subjects instead of stock points: the condition stands alone, the scope can name
suppliers, and the dedupe key names the subject (``{supplier}``, ``{subject_type}``)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Op = Literal["<", "<=", ">", ">=", "==", "!="]
SUBJECT_FIELDS = ("supplier", "subject_type")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SupplierOnTime(_Strict):
    """Per supplier (准时交货率): purchase orders first received in the last `window_days` days
    by their expected date / those first received, compared with `value` (0-1); a supplier
    with fewer than `min_orders` received is not judged. Stands alone in its rule."""

    kind: Literal["supplier_on_time"]
    window_days: int = Field(90, ge=7, le=730)
    min_orders: int = Field(3, ge=1, le=10_000)
    op: Op
    value: Decimal = Field(ge=0, le=1)


class OverdueApprovals(_Strict):
    """Per kind of approval request (逾期审批): the undecided requests past their time limit
    (`measure` count) or the hours since the oldest went past it (`oldest_hours`), compared
    with `value`; `subject_types` limits the kinds (none: all). Stands alone in its rule."""

    kind: Literal["overdue_approvals"]
    measure: Literal["count", "oldest_hours"] = "count"
    op: Op
    value: Decimal = Field(ge=0)
    subject_types: list[str] = []


BusinessCondition = SupplierOnTime | OverdueApprovals
SUBJECT_KEYS = {"supplier_on_time": "{supplier}", "overdue_approvals": "{subject_type}"}
"""A business condition's subject (a supplier, a kind of approval request): its key field."""


def placeholders(key: str) -> list[str]:
    """The ``{field}`` names of a dedupe key."""
    return re.findall(r"\{([^}]*)\}", key)
