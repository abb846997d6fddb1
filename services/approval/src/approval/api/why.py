"""The detail page's "why" panel for a purchase requisition or a production work order proposal
(`domain.why`): what the request asks, with the facts behind it read live from the services
that own them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from approval.adapters.why_reader import WhyReader
from approval.domain import ApprovalInstance
from approval.domain.why import WHY_SUBJECT_TYPES, Requested, WhyPanel
from approval.domain.why_panel import why_panel


def get_why_reader(request: Request) -> WhyReader | None:
    """The app's reader (`main.create_app`; tests override this dependency)."""
    reader: WhyReader | None = getattr(request.app.state, "why_reader", None)
    return reader


WhyReaderDep = Annotated[WhyReader | None, Depends(get_why_reader)]


async def why_of(instance: ApprovalInstance, reader: WhyReader | None) -> WhyPanel | None:
    """The panel of a purchase requisition or work order proposal naming its item and location;
    None otherwise."""
    if reader is None or instance.subject_type not in WHY_SUBJECT_TYPES:
        return None
    ask = Requested.of(instance.details, instance.amount, instance.currency)
    if ask is None:
        return None
    return why_panel(ask, await reader.read(ask))
