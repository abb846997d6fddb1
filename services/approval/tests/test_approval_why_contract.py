"""What the why panel reads is what the owning services answer: each of their response
models, as they serialize it, is read by the panel's readings (`domain.why`) without loss of
the facts shown. Guards against a renamed or dropped field in replenishment or reservation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from typing import Any

from approval.domain import why
from pydantic import BaseModel, TypeAdapter
from replenishment.api.demand import DemandBucketView, DemandView
from replenishment.api.planning import PolicyPlanningView
from replenishment.api.policies import PolicyView, PositionView
from replenishment.api.purchasing import PurchaseOrderView
from replenishment.api.suppliers import LeadTimeView, SupplierPerformanceView
from reservation.api.schemas import Availability, Backorders

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)


def read(shape: Any, answer: BaseModel | list[BaseModel]) -> Any:
    body = (
        "[" + ",".join(a.model_dump_json() for a in answer) + "]"
        if isinstance(answer, list)
        else answer.model_dump_json()
    )
    return TypeAdapter(shape).validate_json(body)


def test_replenishment_answers_are_read_as_the_panel_needs() -> None:
    planning = PolicyPlanningView(
        planning_run_id="RUN-1", planned_at=NOW, period="week", abc_class="A", xyz_class="X",
        demand_pattern="smooth", forecast_model="AutoETS", forecast_per_period=D("120.5"),
        forecast_rmse=None, forecast_mase=None, forecast_bias=None, service_target=D("0.95"),
        expected_fill_rate=D("0.96"), lead_time_mean_days=D("14"), lead_time_observations=9,
        safety_stock=D(80), reorder_point=D(420), order_quantity=D(1200), order_up_to=D(1620),
        applied=True,
    )  # fmt: skip
    assert read(why.Planning, planning) == why.Planning(
        "week", D("120.5"), "AutoETS", D(80), D(420), D(1200), D(14), D("0.95"), "A"
    )
    policy = PolicyView(sku="S", location="L", reorder_point=D(420), order_quantity=D(1200),
                        supplier_id="SUP-1", effective=None)  # fmt: skip
    assert read(why.Policy, policy) == why.Policy(D(420), D(1200))
    position = PositionView(sku="S", location="L", on_hand=D(50), reserved=D(0), on_order=D(300),
                            inventory_position=D(350), reorder_point=D(420),
                            below_threshold=True, as_of=NOW)  # fmt: skip
    assert read(why.Position, position) == why.Position(D(300), D(350))
    bucket = DemandBucketView(period_start=date(2026, 11, 30), period_end=date(2026, 12, 6),
                              quantity=D(118), order_count=4)  # fmt: skip
    demand = DemandView(sku="S", location="L", period="week", total=D(118), buckets=[bucket])
    assert read(why.Demand, demand).buckets == [why.DemandBucket(date(2026, 11, 30), D(118))]
    lead = LeadTimeView(observations=25, mean_days=14, std_days=2, min_days=9, p50_days=13,
                        p90_days=19, max_days=22, histogram={13: 5})  # fmt: skip
    supplier = SupplierPerformanceView(
        supplier_id="SUP-1", lines=25, on_time=22, late=2, overdue=1, pending=0,
        on_time_rate=0.88, average_days_late=1.5, lead_time=lead, lead_time_by_sku={},
        recent_lines=[],
    )  # fmt: skip
    assert read(why.Supplier, supplier) == why.Supplier(25, 22, 2, 1, 0.88, why.LeadTime(13, 19))
    never = supplier.model_copy(update={"lead_time": None, "on_time_rate": None})
    assert read(why.Supplier, never).lead_time is None
    order = PurchaseOrderView(
        purchase_order_id="PO-1", requisition_id="REQ-1", supplier_id="SUP-1", sku="S",
        location="L", quantity=D(1200), received_quantity=D(0), open_quantity=D(1200),
        unit_cost=D("11.80"), amount=D(14160), currency="CNY", status="open",
        expected_receipt_date=date(2026, 12, 15), released_at=NOW, last_receipt_at=None,
        closed_at=None,
    )  # fmt: skip
    assert read(list[why.Order], [order]) == [
        why.Order("PO-1", "S", D("11.80"), "CNY", D(1200), NOW)
    ]


def test_reservation_answers_are_read_as_the_panel_needs() -> None:
    available = Availability(sku="S", location="L", on_hand=D(1250), reserved=D(1200),
                             available_to_promise=D(50))  # fmt: skip
    assert read(why.Availability, available) == why.Availability(D(1250), D(1200), D(50))
    waiting = Backorders(sku="S", location="L", backordered=D(40), lines=2)
    assert read(why.Backorders, waiting) == why.Backorders(D(40))
