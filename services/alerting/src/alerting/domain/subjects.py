"""Which subjects a rule watches (stock points, suppliers or kinds of approval request), and
the checks that keep one rule to one kind of subject."""

from __future__ import annotations

from typing import Any

from alerting.domain.business_language import BusinessCondition, placeholders
from alerting.domain.language import KEY_FIELDS, AllOf, AnyOf, Consecutive, RuleDefinition


def check_subjects(definition: RuleDefinition) -> None:
    """A condition on suppliers or approvals stands alone (its recovery is of its kind), its
    key names its subject's field only, and a scope by supplier is for supplier rules."""
    business = definition.business
    kind = business.kind if business is not None else None
    watched = [definition.condition] + ([definition.recovery] if definition.recovery else [])
    nested = [c for c in _leaves(watched) if isinstance(c, BusinessCondition)]
    if business is None and nested:
        raise ValueError(f"condition: {nested[0].kind} cannot be combined with other conditions")
    recovery = definition.recovery
    if (
        recovery is not None
        and getattr(recovery, "kind", None) != kind
        and (kind is not None or isinstance(recovery, BusinessCondition))
    ):
        raise ValueError(f"recovery: must be a {kind or 'stock point'} condition, as the rule's")
    scope = definition.scope
    if kind is not None:
        fields = {"supplier"} if kind == "supplier_on_time" else {"subject_type"}
        stock_scope = scope.abc_classes or scope.categories or scope.locations or scope.skus
        if stock_scope or (scope.suppliers and kind != "supplier_on_time"):
            raise ValueError(f"scope: a rule on {kind} has no stock points to scope")
    else:
        fields = set(KEY_FIELDS)
        if scope.suppliers:
            raise ValueError("scope: suppliers is for supplier_on_time rules")
    wrong = sorted(set(placeholders(definition.key)) - fields)
    if wrong:
        raise ValueError(
            f"dedupe_key: {wrong} do not name this rule's subjects; use {sorted(fields)}"
        )


def _leaves(conditions: list[Any]) -> list[Any]:
    found = []
    for condition in conditions:
        found.append(condition)
        if isinstance(condition, (AllOf, AnyOf)):
            found += _leaves(condition.conditions)
        elif isinstance(condition, Consecutive):
            found.append(condition.condition)
    return found
