"""The seed's rule on the running stack, for the e2e test and `make demo`: "class A items whose
weekly sell-through (周去化率) fell by more than 20% two weeks in a row: e-mail the purchasing
manager".

The planner's rule is the documented file (`RULE_FILE`) with the purchasing manager's channel
filled in. The services take time from the wall clock and
the rule looks at complete ISO weeks, so the weeks before this one are written as the stock
ledger publishes them: `StockMoved` on Kafka with past posting times (`posted_at`, which the
KPI store files movements by); the ABC classes come as replenishment's planning publishes them
(`StockPointClassified`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any, Literal

from aiokafka import AIOKafkaProducer
from inventory_contracts.envelope import encode, new_event
from inventory_contracts.events.base import Event
from inventory_contracts.events.replenishment import StockPointClassified
from inventory_contracts.events.stock import StockMoved

RULE_FILE = (
    Path(__file__)
    .resolve()
    .parents[4]
    .joinpath("services", "alerting", "examples", "class-a-sell-through-drop.json")
)
"""The example rule the docs show (docs/alerting.md)."""

_ids = count(1)


def planners_rule(
    rule_id: str, channel_id: str, location: str, every_minutes: int = 1
) -> dict[str, Any]:
    """The documented rule file as a planner posts it: the purchasing manager's e-mail channel
    in place of the placeholders, scoped to `location`, without quiet hours (so the message is
    not held until morning in Shanghai), evaluated every `every_minutes`."""
    rule: dict[str, Any] = json.loads(RULE_FILE.read_text(encoding="utf-8"))
    rule["id"] = rule_id
    rule["scope"] = {**rule["scope"], "locations": [location]}
    rule["routes"] = [
        {key: value for key, value in route.items() if key != "quiet_hours"}
        | {"channel_ids": [channel_id]}
        for route in rule["routes"]
    ]
    rule["escalation"] = {**rule["escalation"], "channel_ids": [channel_id]}
    rule["evaluate_every_minutes"] = every_minutes
    return rule


def this_monday(today: date | None = None) -> date:
    today = today or datetime.now(UTC).date()
    return today - timedelta(days=today.weekday())


def _moved(sku: str, location: str, at: datetime, delta: int, after: int) -> StockMoved:
    kind: Literal["receipt", "issue"] = "receipt" if delta > 0 else "issue"
    return StockMoved(
        sku=sku, location=location, movement_id=f"MV-SEED-{sku}-{next(_ids)}",
        quantity_delta=Decimal(delta), movement_type=kind, unit_cost=Decimal(10),
        value=Decimal(delta * 10), on_hand_after=Decimal(after),
        document_id=f"DOC-SEED-{sku}", document_type="receipt" if delta > 0 else "issue",
        posted_by="seed-rule", posted_at=at,
    )  # fmt: skip


@dataclass(frozen=True)
class Weeks:
    """A stock point's weeks: each Monday it is filled up to 100, each Wednesday `issued[n]`
    leave, so a week's sell-through is issued / 100. The last week ends before this Monday."""

    sku: str
    location: str
    issued: Sequence[int]

    def first_monday(self) -> date:
        return this_monday() - timedelta(weeks=len(self.issued))

    def movements(self) -> list[StockMoved]:
        events, left = [], 0
        for n, quantity in enumerate(self.issued):
            monday = datetime.combine(self.first_monday() + timedelta(weeks=n), time(9), UTC)
            if left < 100:
                events.append(_moved(self.sku, self.location, monday, 100 - left, 100))
            wednesday = monday + timedelta(days=2)
            events.append(_moved(self.sku, self.location, wednesday, -quantity, 100 - quantity))
            left = 100 - quantity
        return events

    def late_issue(self, quantity: int) -> StockMoved:
        """An issue of last week posted late: on its Friday, after everything else."""
        friday = datetime.combine(this_monday() - timedelta(days=3), time(15), UTC)
        left = 100 - self.issued[-1]
        return _moved(self.sku, self.location, friday, -quantity, left - quantity)


def classified(
    sku: str, location: str, abc_class: Literal["A", "B", "C"], previous: str | None = None
) -> StockPointClassified:
    """What replenishment publishes when a planning run (re)classifies a stock point."""
    return StockPointClassified(
        sku=sku, location=location, abc_class=abc_class,
        previous_abc_class=previous,
        planning_run_id=f"PLAN-SEED-{next(_ids)}", classified_at=datetime.now(UTC),
    )  # fmt: skip


async def publish(bootstrap: str, events: Sequence[Event], source: str) -> None:
    """Publish `events` in order, each keyed as its publisher keys it (one stock point's
    movements stay in one partition, in order)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for event in events:
            cloud_event = new_event(event, source=source, subject=event.key())
            await producer.send_and_wait(event.topic, encode(cloud_event), key=event.key().encode())
    finally:
        await producer.stop()
