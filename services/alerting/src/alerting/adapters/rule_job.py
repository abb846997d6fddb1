"""The rule job: the scheduled evaluations of KPI rules and the escalation of alerts nobody
acknowledged.

The rules due are claimed together with SKIP LOCKED and evaluated on one read of the KPI
roll-ups; their next evaluations are written in the same transaction, so two instances never
evaluate one rule at once and a crash evaluates them again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Final, cast

from inventory_runtime.app import BackgroundJob, ServiceRuntime
from inventory_runtime.clock import Clock, utc_now
from inventory_runtime.retry import is_transient, summarize

from alerting.config import AlertingSettings
from alerting.ports import KpiUoW

log = logging.getLogger(__name__)
JOB_NAME: Final = "rule-evaluation"

EvaluateDue = Callable[[KpiUoW, datetime], Awaitable[list[str]]]
"""Evaluate the rules that are due and say which (`handlers.rules.evaluate_due`)."""
Escalate = Callable[[KpiUoW, datetime], Awaitable[int]]
"""Escalate the alerts nobody acknowledged in time (`handlers.rules.escalate`)."""


async def run_due(
    uow_factory: Callable[[], object],
    evaluate_due: EvaluateDue,
    escalate: Escalate,
    clock: Clock = utc_now,
) -> list[str]:
    """Evaluate the rules that are due (in one transaction), then escalate; the rules run."""
    async with cast(KpiUoW, uow_factory()) as uow:
        evaluated = await evaluate_due(uow, clock())
        await uow.commit()
    async with cast(KpiUoW, uow_factory()) as uow:
        await escalate(uow, clock())
        await uow.commit()
    return evaluated


def rule_job(evaluate_due: EvaluateDue, escalate: Escalate) -> BackgroundJob:
    """The background job `rule-evaluation`: every `rule_evaluation_poll_seconds`, the due
    rules and the escalations; instances share the work (SKIP LOCKED)."""

    async def run(runtime: ServiceRuntime) -> None:
        settings = runtime.settings
        assert isinstance(settings, AlertingSettings)
        while not runtime.stopping:
            try:
                await run_due(runtime.uow_factory, evaluate_due, escalate)
            except Exception as exc:  # the database may be away; try again next round
                level = logging.WARNING if is_transient(exc) else logging.ERROR
                log.log(level, "rule evaluation failed: %s", summarize(exc))
            await asyncio.sleep(settings.rule_evaluation_poll_seconds)

    return BackgroundJob(JOB_NAME, run)
