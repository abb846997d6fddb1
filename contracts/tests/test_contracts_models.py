"""Event models: the business rules they enforce, their Kafka keys, topics and registry."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from inventory_contracts import (
    ALL_EVENT_MODELS,
    EVENT_TYPES,
    PARTITIONS,
    ApprovalEscalated,
    Event,
    OrderLine,
    OrderPlaced,
    ReservedLine,
    StockMoved,
    Topics,
    UnknownEventType,
    dlq,
    model_for,
    topic_for,
)
from inventory_contracts.errors import describe_validation_error
from inventory_contracts.events.base import EVENT_TYPE_PATTERN
from inventory_contracts.examples import example_for
from inventory_contracts.services import SERVICES, publisher_of
from pydantic import ValidationError


def _order(quantity: object) -> OrderPlaced:
    return OrderPlaced.model_validate(
        {"order_id": "SO-1", "lines": [{"sku": "A", "location": "L", "quantity": quantity}]}
    )


@pytest.mark.parametrize("quantity", [0, -1, "-0.001", "0"])
def test_order_line_quantity_must_be_positive(quantity: object) -> None:
    with pytest.raises(ValidationError) as caught:
        _order(quantity)

    assert describe_validation_error(caught.value).startswith("lines.0.quantity: ")


@pytest.mark.parametrize(
    ("given", "kept"), [(5, "5"), ("2.5", "2.5"), (0.1, "0.1"), ("1e2", "100")]
)
def test_quantities_are_exact_decimals_from_numbers_or_strings(given: object, kept: str) -> None:
    assert _order(given).lines[0].quantity == Decimal(kept)


def test_quantities_beyond_twelve_decimal_places_are_refused() -> None:
    with pytest.raises(ValidationError, match="decimal places"):
        _order("0.0000000000001")


def test_order_needs_at_least_one_line() -> None:
    with pytest.raises(ValidationError, match="at least 1"):
        OrderPlaced(order_id="SO-1", lines=())


def test_reservation_line_cannot_reserve_more_than_requested() -> None:
    with pytest.raises(ValidationError, match="reserved must not exceed requested"):
        ReservedLine(sku="A", location="L", requested=Decimal(2), reserved=Decimal(3))


def test_escalation_names_who_or_which_role_takes_over() -> None:
    with pytest.raises(ValidationError, match="to_approver or to_role"):
        ApprovalEscalated(
            request_id="AR-1",
            subject_type="purchase_requisition",
            subject_id="PR-1",
            step_role="department_manager",
            overdue_since=datetime(2025, 3, 3, tzinfo=UTC),
        )


def test_timestamps_must_carry_a_timezone() -> None:
    data = example_for("inventory.stock.moved.v1").model_dump()
    data["posted_at"] = datetime(2025, 3, 3, 8, 0)

    with pytest.raises(ValidationError, match="timezone"):
        StockMoved.model_validate(data)


def test_money_comes_with_a_currency_defaulting_to_cny() -> None:
    for model in ALL_EVENT_MODELS:
        fields = model.model_fields
        money = {"unit_cost", "amount", "total_amount", "value"} & set(fields)
        if money:
            assert fields["currency"].default == "CNY", model.__name__


@pytest.mark.parametrize(
    ("event_type", "key"),
    [
        ("inventory.order.placed.v1", "SO-1001"),
        ("inventory.stock.reserved.v1", "SO-1001"),
        ("inventory.stock.moved.v1", "TEA-LJ-250G@SH-01"),
        ("inventory.availability.changed.v1", "TEA-LJ-250G@SH-01"),
        ("inventory.stock.overcommitted.v1", "TEA-LJ-250G@SH-01"),
        ("inventory.stock.below-threshold.v1", "TEA-LJ-250G@SH-01"),
        ("inventory.replenishment.proposed.v1", "PR-2025-0042"),
        ("inventory.approval.requested.v1", "PR-2025-0042"),
        ("inventory.approval.granted.v1", "PR-2025-0042"),
        ("inventory.purchase-order.released.v1", "PO-2025-0107"),
        ("inventory.goods.received.v1", "PO-2025-0107"),
        ("inventory.item.upserted.v1", "TEA-LJ-250G"),
        ("inventory.alert.raised.v1", "AL-3001"),
    ],
)
def test_partition_key_keeps_related_events_in_order(event_type: str, key: str) -> None:
    assert example_for(event_type).key() == key


def test_goods_received_without_purchase_order_is_keyed_by_receipt() -> None:
    receipt = example_for("inventory.goods.received.v1").model_copy(
        update={"purchase_order_id": None}
    )

    assert receipt.key() == "GR-2025-0220"


def test_every_concrete_event_model_is_registered() -> None:
    def concrete(cls: type[Any]) -> set[type[Any]]:
        found = {cls} if "event_type" in vars(cls) else set()
        return found.union(*(concrete(sub) for sub in cls.__subclasses__()))

    assert concrete(Event) == set(ALL_EVENT_MODELS)
    assert len(EVENT_TYPES) == len(ALL_EVENT_MODELS)


@pytest.mark.parametrize("model", ALL_EVENT_MODELS, ids=lambda m: m.__name__)
def test_event_type_names_topic_and_docstring(model: type[Event]) -> None:
    assert EVENT_TYPE_PATTERN.match(model.event_type)
    assert model.topic in Topics.ALL
    assert model_for(model.event_type) is model
    assert topic_for(model.event_type) == model.topic
    assert model.__doc__ and "Published by" in model.__doc__


def test_registry_lookup_of_unknown_type_fails_with_decode_error_code() -> None:
    with pytest.raises(UnknownEventType):
        topic_for("inventory.order.teleported.v1")


def test_topics_partitions_and_dead_letter_names() -> None:
    assert Topics.ORDERS == "inventory.orders"
    assert dlq(Topics.ORDERS) == "inventory.orders.dlq"
    assert set(PARTITIONS) == set(Topics.ALL)
    assert PARTITIONS[Topics.ORDERS] == PARTITIONS[Topics.STOCK_MOVEMENTS] == 6
    assert PARTITIONS[Topics.APPROVALS] == 3


# Asking for approval is open to every service that needs a human decision.
SHARED_PUBLICATIONS = {"inventory.approval.requested.v1": {"replenishment", "stock-ledger"}}


def test_every_event_type_has_exactly_one_publishing_service_unless_shared() -> None:
    for model in ALL_EVENT_MODELS:
        publishers = [s.name for s in SERVICES if model in s.publishes]
        if model.event_type in SHARED_PUBLICATIONS:
            assert set(publishers) == SHARED_PUBLICATIONS[model.event_type]
            continue
        assert len(publishers) == 1, (model.__name__, publishers)
        assert publisher_of(model.event_type).source == f"/services/{publishers[0]}"


def test_every_event_type_has_a_consumer_or_is_for_people() -> None:
    consumed = {model for service in SERVICES for model in service.consumes}
    # Alerts reach people through notifications, not another service.
    unconsumed = {m.__name__ for m in ALL_EVENT_MODELS if m not in consumed}
    assert unconsumed <= {
        "AlertRaised",
        "AlertResolved",
        "ReservationReleased",
        "ReservationExpired",
        "ReservationFulfilled",
        # A quote's hold, conversion and release: the CRM reads the quote over the gateway.
        "QuoteHeld",
        "QuoteConverted",
        "QuoteReleased",
        "ReplenishmentProposed",
        # Reaches the assignees through notifications (issue 16, item 5).
        "ApprovalReminderDue",
        # Replenishment and stock-ledger will close their side on it (issue 16).
        "ApprovalWithdrawn",
        # Approval and alerting will read it to resolve assignees and addresses (issue 15).
        "PersonChanged",
    }


def test_order_line_is_hashable_and_comparable_by_value() -> None:
    line = OrderLine(sku="A", location="L", quantity=Decimal("1.0"))

    assert line == OrderLine(sku="A", location="L", quantity=1)
    assert len({line, OrderLine(sku="A", location="L", quantity=1)}) == 1


def test_event_ids_stay_unique_when_something_reseeds_the_global_random() -> None:
    import random

    from inventory_contracts.envelope import _new_id

    random.seed(7)
    first = _new_id()
    random.seed(7)
    assert _new_id() != first
