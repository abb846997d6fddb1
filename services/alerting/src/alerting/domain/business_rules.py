"""Evaluating rules on suppliers and on kinds of approval request: the subject's figure as of a
moment (from the purchase orders and approval requests alerting keeps), whether the condition
holds, which alerts to raise and resolve (the same hysteresis as stock points: an open alert
resolves when nothing fires and the recovery condition holds), and the alert's bilingual text.
Pure: the live evaluation and the back-test both call `business_facts` and `decide_business`."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from alerting.domain.backtest import BacktestResult, Happening, evaluation_days
from alerting.domain.business_language import BusinessCondition, OverdueApprovals, SupplierOnTime
from alerting.domain.evaluation import OPS
from alerting.domain.kpis import on_time_rate
from alerting.domain.language import RuleDefinition
from alerting.domain.routing import targets
from alerting.domain.rules import AlertDraft


@dataclass(frozen=True)
class Delivery:
    """A released purchase order: its supplier, expected date and first arrival (if any)."""

    supplier: str
    expected: date
    first_received_at: datetime | None


@dataclass(frozen=True)
class Request:
    """An approval request: its kind, when it went past its time limit, when it was decided."""

    subject_type: str
    overdue_since: datetime | None
    decided_at: datetime | None


@dataclass(frozen=True)
class SubjectFacts:
    """One supplier or kind of request: the figure the condition compares, and what it is
    made of (shown in the alert)."""

    field: str  # "supplier" or "subject_type"
    name: str
    value: Decimal | None
    shown: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class OnTime:
    """A supplier's purchase orders due in a window whose outcome is known: received (on time
    when first received by the expected date) or overdue (nothing received, date passed)."""

    received: int
    on_time: int
    overdue: int

    @property
    def rate(self) -> Decimal | None:
        """Supplier on-time rate (准时交货率): on time / (received + overdue)."""
        return on_time_rate(self.received + self.overdue, self.on_time)


def on_time_by_supplier(
    deliveries: Iterable[Delivery], start: date, end: date, now: datetime
) -> dict[str, OnTime]:
    """Per supplier, the orders due from `start` to `end` as known at `now`; an order not yet
    received and not yet late (due today or later) is pending and not counted."""
    today = now.astimezone(UTC).date()
    tallies: dict[str, list[int]] = {}
    for order in deliveries:
        if not start <= order.expected <= end:
            continue
        arrived = order.first_received_at
        tally = tallies.setdefault(order.supplier, [0, 0, 0])
        if arrived is not None and arrived <= now:
            tally[0] += 1
            tally[1] += arrived.astimezone(UTC).date() <= order.expected
        elif order.expected < today:
            tally[2] += 1
    return {s: OnTime(*t) for s, t in sorted(tallies.items()) if t[0] + t[2]}


def supplier_facts(
    condition: SupplierOnTime,
    deliveries: Iterable[Delivery],
    now: datetime,
    suppliers: Sequence[str],
) -> list[SubjectFacts]:
    """Each supplier's on-time rate over the orders due in the `window_days` up to `now`; a
    supplier with fewer than `min_orders` judged has no figure."""
    end = now.astimezone(UTC).date()
    found = []
    window = on_time_by_supplier(deliveries, end - timedelta(days=condition.window_days), end, now)
    for supplier, counted in window.items():
        if suppliers and supplier not in suppliers:
            continue
        judged = counted.received + counted.overdue
        rate = counted.rate if judged >= condition.min_orders else None
        shown = (("received", str(counted.received)), ("on_time", str(counted.on_time)),
                 ("overdue", str(counted.overdue)))  # fmt: skip
        found.append(SubjectFacts("supplier", supplier, rate, shown))
    return found


def approval_facts(
    condition: OverdueApprovals, requests: Iterable[Request], now: datetime
) -> list[SubjectFacts]:
    """Per kind of request: how many were overdue and undecided at `now`, and the hours
    since the oldest of them went overdue."""
    oldest: dict[str, list[datetime]] = {}
    for request in requests:
        since = request.overdue_since
        kinds = condition.subject_types
        if since is None or since > now or (kinds and request.subject_type not in kinds):
            continue
        if request.decided_at is None or request.decided_at > now:
            oldest.setdefault(request.subject_type, []).append(since)
    found = []
    for kind, overdue in sorted(oldest.items()):
        hours = Decimal((now - min(overdue)).total_seconds() / 3600).quantize(Decimal("0.1"))
        value = Decimal(len(overdue)) if condition.measure == "count" else hours
        shown = (("overdue", str(len(overdue))), ("oldest_hours", str(hours)))
        found.append(SubjectFacts("subject_type", kind, value, shown))
    return found


def business_facts(
    definition: RuleDefinition,
    deliveries: Iterable[Delivery],
    requests: Iterable[Request],
    now: datetime,
) -> list[SubjectFacts]:
    """The figures of the rule's suppliers or kinds of request as of `now`."""
    condition = definition.business
    if isinstance(condition, SupplierOnTime):
        return supplier_facts(condition, deliveries, now, definition.scope.suppliers)
    assert condition is not None, "a rule on stock points"
    return approval_facts(condition, requests, now)


def holds(condition: BusinessCondition, facts: SubjectFacts) -> bool:
    return facts.value is not None and OPS[condition.op](facts.value, condition.value)


def subject_of(definition: RuleDefinition, facts: SubjectFacts) -> str:
    return definition.key.format(**{facts.field: facts.name})


@dataclass
class BusinessDecision:
    """Alerts to raise (subject -> its members that fire) and subjects whose alert resolves."""

    raise_: dict[str, list[SubjectFacts]] = field(default_factory=dict)
    resolve: list[str] = field(default_factory=list)


def decide_business(
    definition: RuleDefinition,
    facts: Sequence[SubjectFacts],
    open_subjects: Collection[str],
    quiet_subjects: Iterable[str] = (),
) -> BusinessDecision:
    """Raise for subjects with a member that fires, no open alert, no cooldown or snooze;
    resolve an open subject when no member fires and all meet the recovery condition (a
    subject with no figure left, e.g. no overdue request any more, has recovered)."""
    condition = definition.business
    assert condition is not None, "a rule on stock points"
    recovery = definition.recovery if isinstance(definition.recovery, BusinessCondition) else None
    groups: dict[str, list[SubjectFacts]] = {s: [] for s in open_subjects}
    for item in facts:
        groups.setdefault(subject_of(definition, item), []).append(item)
    quiet = set(quiet_subjects)
    decision = BusinessDecision()
    for subject, members in groups.items():
        firing = [item for item in members if holds(condition, item)]
        if subject in open_subjects:
            known = [m for m in members if m.value is not None]
            if not firing and (recovery is None or all(holds(recovery, m) for m in known)):
                decision.resolve.append(subject)
        elif firing and subject not in quiet:
            decision.raise_[subject] = firing
    return decision


NAMES = {"supplier": ("供应商", "supplier"), "subject_type": ("审批类型", "request kind")}
SHOWN_ZH = {
    "supplier_on_time": {"received": "已到货订单", "on_time": "准时", "overdue": "逾期未到货"},
    "overdue_approvals": {"overdue": "逾期未审", "oldest_hours": "最久逾期小时"},
}


def business_draft(
    rule_id: str, definition: RuleDefinition, subject: str, firing: Sequence[SubjectFacts]
) -> AlertDraft:
    """The alert about `subject`: the rule's name and each firing supplier or kind's figures."""
    condition = definition.business
    assert condition is not None
    measure = "on_time_rate" if isinstance(condition, SupplierOnTime) else condition.measure
    lines_zh, lines_en, items = [], [], []
    for item in firing:
        zh, en = NAMES[item.field]
        value = "-" if item.value is None else format(item.value.normalize(), "f")
        shown_zh = "；".join(f"{SHOWN_ZH[condition.kind][k]} {v}" for k, v in item.shown)
        lines_zh.append(f"{zh} {item.name}：{value}（{shown_zh}）")
        lines_en.append(f"{en} {item.name}: {measure} {value} (" + "; ".join(
            f"{k} {v}" for k, v in item.shown) + ")")  # fmt: skip
        items.append({item.field: item.name, measure: value, **dict(item.shown)})
    return AlertDraft(
        rule_id=rule_id, subject=subject, severity=definition.severity,
        title_zh=definition.name_zh, title_en=definition.name_en,
        message_zh="\n".join(lines_zh), message_en="\n".join(lines_en),
        details={"items": items, "team": definition.team},
    )  # fmt: skip


def backtest_business(
    definition: RuleDefinition,
    deliveries: Sequence[Delivery],
    requests: Sequence[Request],
    today: date,
    weeks: int,
    every_channel: int,
) -> BacktestResult:
    """What the rule would have done at the start of each of the last `weeks` Mondays, with
    the same facts, decision and cooldown as the live evaluation."""
    condition = definition.business
    assert condition is not None
    result = BacktestResult(weeks)
    open_subjects: set[str] = set()
    resolved_on: dict[str, date] = {}
    cooldown = timedelta(minutes=definition.cooldown_minutes)
    for monday in evaluation_days(today, weeks):
        at = datetime.combine(monday, time(0), tzinfo=UTC)
        result.evaluated_on.append(monday)
        facts = business_facts(definition, deliveries, requests, at)
        quiet = {s for s, on in resolved_on.items() if monday - on < cooldown}
        decision = decide_business(definition, facts, open_subjects, quiet)
        for subject in decision.resolve:
            open_subjects.discard(subject)
            resolved_on[subject] = monday
            result.happenings.append(Happening(monday, "resolved", subject))
        for subject, firing in decision.raise_.items():
            chosen = targets(definition, [], at)
            sent = every_channel if chosen is None else len(chosen)
            names = tuple(item.name for item in firing)
            result.happenings.append(Happening(monday, "raised", subject, names, sent))
            open_subjects.add(subject)
    return result
