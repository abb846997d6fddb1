"""Use cases of rules on suppliers and kinds of approval request: the scheduled evaluation
(raise and resolve with the stock point rules' noise controls: cooldown, snooze, routes,
escalation) and the back-test."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from alerting.domain.backtest import BacktestResult, evaluation_days
from alerting.domain.business_language import SupplierOnTime
from alerting.domain.business_rules import (
    Delivery,
    SubjectFacts,
    backtest_business,
    business_draft,
    business_facts,
    decide_business,
)
from alerting.domain.language import RuleDefinition
from alerting.domain.points import StockPoint
from alerting.domain.rules import AlertDraft
from alerting.handlers.round_writes import Change, write_changes
from alerting.ports import KpiUoW


async def _deliveries(uow: KpiUoW, definition: RuleDefinition, now: datetime) -> list[Delivery]:
    condition = definition.business
    if not isinstance(condition, SupplierOnTime):
        return []
    return await uow.business.deliveries(now.date() - timedelta(days=condition.window_days))


async def evaluate_business(
    rules: Sequence[tuple[str, RuleDefinition]], uow: KpiUoW, now: datetime
) -> None:
    """Evaluate each rule on its suppliers or kinds of request as of `now`."""
    requests = None
    for rule_id, definition in rules:
        condition = definition.business
        assert condition is not None
        deliveries = await _deliveries(uow, definition, now)
        if requests is None and not isinstance(condition, SupplierOnTime):
            requests = await uow.business.overdue_requests()
        facts = business_facts(definition, deliveries, requests or [], now)
        await _raise_and_resolve(rule_id, definition, facts, uow, now)


async def evaluate_on_event(kind: str, uow: KpiUoW, now: datetime) -> None:
    """After a receipt against a purchase order (`supplier_on_time`) or a change of an
    approval request (`overdue_approvals`): the enabled rules of that kind."""
    enabled = await uow.rule_book.enabled()
    rules = [(i, d) for i, d in enabled if d.business is not None and d.business.kind == kind]
    await evaluate_business(rules, uow, now)


async def _raise_and_resolve(
    rule_id: str,
    definition: RuleDefinition,
    facts: Sequence[SubjectFacts],
    uow: KpiUoW,
    now: datetime,
) -> None:
    found = {a.subject: a for a in await uow.alerts.open_among([rule_id], None)}
    decision = decide_business(definition, facts, set(found))
    if decision.raise_:
        cooldown = definition.cooldown_minutes
        wanted = [(rule_id, subject, cooldown) for subject in decision.raise_]
        for _, subject in await uow.rule_book.quiet_among(wanted, now):
            decision.raise_.pop(subject, None)
    raised: list[tuple[AlertDraft, Sequence[StockPoint]]] = [
        (business_draft(rule_id, definition, subject, firing), [])
        for subject, firing in decision.raise_.items()
    ]
    resolved = [found[subject] for subject in decision.resolve]
    await write_changes([Change(rule_id, definition, resolved, raised)], uow, now)


async def backtest_business_rule(
    definition: RuleDefinition, weeks: int, uow: KpiUoW, now: datetime
) -> BacktestResult:
    """Run the rule over the last `weeks` Mondays of the purchase orders and approval
    requests alerting keeps (nothing is stored or sent)."""
    condition = definition.business
    assert condition is not None
    first = evaluation_days(now.date(), weeks)[0]
    since = datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo)
    async with uow:
        deliveries = await _deliveries(uow, definition, since)
        requests = await uow.business.overdue_requests(since)
        every_channel = len(await uow.channels.enabled_ids())
    return backtest_business(definition, deliveries, requests, now.date(), weeks, every_channel)
