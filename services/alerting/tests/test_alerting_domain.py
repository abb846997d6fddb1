"""Unit tests of alerting's pure rules and texts."""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from alerting import domain
from alerting.adapters.channels import redacted
from alerting.config import AlertingSettings
from alerting.domain import Alert, AlertStateError, Notification, Rule
from inventory_contracts.events.alerts import AlertRaised, AlertResolved
from inventory_contracts.events.replenishment import StockBelowThreshold
from inventory_contracts.events.reservations import ReservationRejected, ShortLine
from inventory_runtime.delivery import DeliveryTuning
from inventory_runtime.signing import signature

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
LOW_STOCK_RULE = Rule("low_stock", "low_stock", "warning", True)
BREACH = StockBelowThreshold(
    sku="SKU-1",
    location="WH1",
    inventory_position=Decimal("3.000"),
    on_hand=Decimal("4"),
    reserved=Decimal("2"),
    on_order=Decimal("1"),
    reorder_point=Decimal("5"),
)


def notification_of(draft: domain.AlertDraft) -> Notification:
    return Notification(
        "alr_1", draft.rule_id, draft.severity, draft.subject, draft.title_zh, draft.title_en,
        draft.message_zh, draft.message_en, draft.details, T0,
    )  # fmt: skip


def test_low_stock_text_is_chinese_first_with_glossary_terms_and_plain_numbers() -> None:
    draft = domain.low_stock_alert(LOW_STOCK_RULE, BREACH, T0)
    assert draft.subject == "SKU-1@WH1" and draft.severity == "warning"
    assert draft.title == "库存低于再订货点 / Stock below reorder point"
    assert draft.message_zh.startswith("SKU-1 @ WH1：库存净额 3 ≤ 再订货点 5")
    assert "现存量 4" in draft.message_zh and "预占量 2" in draft.message_zh
    assert "在途量 1" in draft.message_zh
    assert draft.message_en.startswith("SKU-1 @ WH1, inventory position 3 ≤ reorder point 5")
    assert draft.message.index(draft.message_zh) < draft.message.index(draft.message_en)
    assert draft.details["reorder_point"] == "5" and draft.details["observed_at"] == T0.isoformat()
    headline = notification_of(draft).headline
    assert headline == "库存低于再订货点 / Stock below reorder point: SKU-1 @ WH1"


def test_rejected_reservation_text_names_the_reason_and_short_lines() -> None:
    rule = Rule("reservation_rejected", "reservation_rejected", "warning", True)
    event = ReservationRejected(
        order_id="SO-9",
        reason="insufficient_stock",
        message="not enough",
        short_lines=(
            ShortLine(sku="SKU-1", location="WH1", requested=Decimal("5"), available=Decimal("2")),
        ),
    )
    draft = domain.reservation_rejected_alert(rule, event, T0)
    assert draft.subject == "SKU-1@WH1"  # one open condition per short stock point
    assert draft.message_zh == "订单 SO-9：库存不足（SKU-1 @ WH1 需求 5，可用量 2）"
    assert (
        draft.message_en == "Order SO-9: insufficient stock (SKU-1 @ WH1 requested 5, available 2)"
    )


@pytest.mark.parametrize(
    ("available", "as_of", "resolves"),
    [
        (Decimal("6"), T0 + timedelta(seconds=1), True),
        (Decimal("5"), T0 + timedelta(seconds=1), False),  # at the reorder point: still low
        (Decimal("50"), T0 - timedelta(seconds=1), False),  # older than the breach
    ],
)
def test_low_stock_resolves_only_on_newer_availability_above_the_reorder_point(
    available: Decimal, as_of: datetime, resolves: bool
) -> None:
    details = domain.low_stock_alert(LOW_STOCK_RULE, BREACH, T0).details
    assert domain.resolves_low_stock(details, available, as_of) is resolves
    assert not domain.resolves_low_stock({}, available, as_of)


def test_rule_targets_its_own_enabled_channels_or_all_enabled_ones() -> None:
    enabled = ["chn_mail", "chn_hook"]
    assert LOW_STOCK_RULE.targets(enabled) == enabled
    own = Rule("low_stock", "low_stock", "warning", True, ("chn_hook", "chn_disabled"))
    assert own.targets(enabled) == ["chn_hook"]


def raised_alert() -> Alert:
    draft = domain.low_stock_alert(LOW_STOCK_RULE, BREACH, T0)
    return Alert.raise_for("alr_1", LOW_STOCK_RULE, draft, T0)


def test_alert_transitions() -> None:
    alert = raised_alert()
    [raised] = alert.events
    assert isinstance(raised, AlertRaised) and (raised.alert_id, raised.rule_kind) == (
        "alr_1",
        "low_stock",
    )
    alert.acknowledge("zhao.op", T0 + timedelta(minutes=1))
    assert alert.status == "acknowledged"
    alert.acknowledge("qian.op", T0 + timedelta(minutes=2))  # acknowledging twice is harmless
    assert (alert.status, alert.acknowledged_at, alert.acknowledged_by) == (
        "acknowledged",
        T0 + timedelta(minutes=1),
        "zhao.op",
    )
    alert.resolve("manual", T0 + timedelta(minutes=3), by="sun.planner")  # acknowledged: fine
    assert (alert.status, alert.resolution, alert.resolved_by) == (
        "resolved",
        "manual",
        "sun.planner",
    )
    assert isinstance(alert.events[-1], AlertResolved) and len(alert.events) == 2
    with pytest.raises(AlertStateError):
        alert.acknowledge("zhao.op", T0 + timedelta(minutes=4))
    with pytest.raises(AlertStateError):
        alert.resolve("manual", T0 + timedelta(minutes=4))
    assert len(alert.events) == 2


def test_retry_schedule_backs_off_with_jitter_and_gives_up() -> None:
    settings = AlertingSettings(
        notification_max_attempts=4,
        notification_backoff_base_seconds=10,
        notification_backoff_cap_seconds=30,
    )
    policy = DeliveryTuning.from_settings(settings, "notification").retry
    rng = random.Random(1)
    for attempts, ceiling in [(1, 10), (2, 20), (3, 30)]:
        due = policy.next_try(attempts, T0, rng)
        assert due is not None
        assert T0 + timedelta(seconds=ceiling / 2) <= due <= T0 + timedelta(seconds=ceiling)
    assert policy.next_try(4, T0) is None


def test_signature_is_the_platform_hmac_scheme_over_timestamp_and_body() -> None:
    body = b'{"alert_id":"a"}'
    digest = hmac.new(b"secret-123", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature(body, "secret-123", "1700000000") == f"sha256={digest}"


def test_messages_are_bilingual_by_default_or_in_the_channels_language() -> None:
    notification = notification_of(domain.low_stock_alert(LOW_STOCK_RULE, BREACH, T0))
    assert (
        notification.title_in("bilingual")
        == "[预警 Alert · 警告 warning] 库存低于再订货点 / Stock below reorder point: SKU-1 @ WH1"
    )
    both = notification.text_in("bilingual")
    assert both.index("库存净额 3 ≤ 再订货点 5") < both.index(
        "inventory position 3 ≤ reorder point 5"
    )
    assert notification.title_in("zh-CN") == "[预警 · 警告] 库存低于再订货点：SKU-1 @ WH1"
    chinese = notification.text_in("zh-CN")
    assert "再订货点 5" in chinese and "reorder point" not in chinese and "alr_1" in chinese
    assert notification.title_in("en") == "[Alert · warning] Stock below reorder point: SKU-1 @ WH1"
    english = notification.text_in("en")
    assert "reorder point 5" in english and "再订货点" not in english


def test_secrets_are_hidden_in_views() -> None:
    assert redacted({"url": "http://x", "secret": "s3cret-123"}) == {
        "url": "http://x",
        "secret": "***",
    }
    assert redacted({"host": "h", "password": None}) == {"host": "h", "password": None}


def test_rejections_for_other_reasons_stay_per_order() -> None:
    rule = Rule("reservation_rejected", "reservation_rejected", "warning", True)
    event = ReservationRejected(order_id="SO-10", reason="unknown_sku", message="no such SKU")
    assert domain.reservation_rejected_alert(rule, event, T0).subject == "SO-10"


@pytest.mark.parametrize(
    ("available", "as_of", "resolves"),
    [
        (Decimal("5"), T0 + timedelta(seconds=1), True),  # the 5 turned away can be served now
        (Decimal("4"), T0 + timedelta(seconds=1), False),
        (Decimal("50"), T0 - timedelta(seconds=1), False),  # older than the rejection
    ],
)
def test_shortage_alert_resolves_when_newer_availability_covers_the_request(
    available: Decimal, as_of: datetime, resolves: bool
) -> None:
    details = {"requested": "5", "observed_at": T0.isoformat()}
    assert domain.resolves_shortage(details, available, as_of) is resolves
