"""Alert rules over HTTP: list them; enable, disable, change severity or channels."""

from __future__ import annotations

from typing import Annotated, Any

from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.errors import ApiError, field_problems

from alerting.api import Uow
from alerting.api.schemas import RuleChanges, RuleView

router = secured_router(prefix="/v1", tags=["rules"])
RuleEditor = Annotated[Principal, require("alerts:write")]


def _audited(row: dict[str, Any]) -> dict[str, Any]:
    """What a rule change can change, as the audit log records it."""
    return {k: row[k] for k in ("enabled", "severity", "channel_ids")}


@router.get("/rules", response_model=list[RuleView], dependencies=[require("alerts:read")])
async def list_rules(uow: Uow) -> list[RuleView]:
    """The alert rules."""
    async with uow:
        return [RuleView.model_validate(row) for row in await uow.rules.all_rows()]


@router.put("/rules/{rule_id}", response_model=RuleView)
async def change_rule(rule_id: str, changes: RuleChanges, actor: RuleEditor, uow: Uow) -> RuleView:
    """Enable or disable a rule, change its severity or its channels."""
    values = changes.model_dump(exclude_none=True)
    async with uow:
        if changes.channel_ids:
            known = await uow.channels.existing_ids(changes.channel_ids)
            missing = sorted(set(changes.channel_ids) - known)
            if missing:
                problem = ("channel_ids", f"unknown channel(s): {missing}")
                raise ApiError(422, "validation_error", field_problems([problem]))
        found = [r for r in await uow.rules.all_rows() if r["id"] == rule_id]
        if not found:
            raise ApiError(404, "not_found", f"no rule {rule_id!r}")
        row = await uow.rules.update(rule_id, values) if values else found[0]
        assert row is not None  # found above, in this transaction
        if values:
            before, after = _audited(found[0]), _audited(row)
            uow.audit(actor, "update", "rule", rule_id, before=before, after=after)
        await uow.commit()
    return RuleView.model_validate(row)
