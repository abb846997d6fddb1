"""The business dashboards, built as code with grafana-foundation-sdk (Grafana's own typed
builders, generated from its dashboard schema): Inventory health, Planning and supply,
Approvals and alerts. Run `uv run python deploy/grafana/business_dashboards.py` after a change;
it rewrites their JSON under dashboards/ (tests/deploy/test_grafana.py fails while a committed
file differs from what this builds).

The business metrics are read from each service's database, so every instance of a service
exports the same value: queries take `max` over instances (`max by (...)`) before summing
across locations, categories or classes (docs/conventions.md, "Business metrics").
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grafana_foundation_sdk.builders import common, dashboard, prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.common import LegendDisplayMode, LegendPlacement
from grafana_foundation_sdk.models.dashboard import (
    DashboardCursorSync,
    DataSourceRef,
    GridPos,
    VariableRefresh,
)

DASHBOARDS = Path(__file__).parent / "dashboards"
DATASOURCE = DataSourceRef(type_val="prometheus", uid="prometheus")
POINT = 'location=~"$location", class=~"$class"'
RATE = "[$__rate_interval]"


@dataclass
class Query:
    expr: str
    legend: str = ""


@dataclass
class Layout:
    """Places panels left to right, 24 columns wide, wrapping to a new row."""

    x: int = 0
    y: int = 0
    row_height: int = 0
    next_id: int = 1
    placed: list[tuple[int, GridPos]] = field(default_factory=list)

    def place(self, width: int, height: int) -> tuple[int, GridPos]:
        if self.x + width > 24:
            self.x, self.y, self.row_height = 0, self.y + self.row_height, 0
        spot = (self.next_id, GridPos(h=height, w=width, x=self.x, y=self.y))
        self.x += width
        self.row_height = max(self.row_height, height)
        self.next_id += 1
        return spot


def targets(queries: list[Query]) -> list[prometheus.Dataquery]:
    return [
        prometheus.Dataquery()
        .ref_id(chr(ord("A") + n))
        .expr(q.expr)
        .legend_format(q.legend)
        .datasource(DATASOURCE)
        .range()
        for n, q in enumerate(queries)
    ]


def series(
    layout: Layout, title: str, description: str, queries: list[Query], unit: str = "short"
) -> timeseries.Panel:
    panel_id, pos = layout.place(12, 8)
    return (
        timeseries.Panel()
        .id(panel_id)
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .grid_pos(pos)
        .unit(unit)
        .legend(
            common.VizLegendOptions()
            .display_mode(LegendDisplayMode.LIST)
            .placement(LegendPlacement.BOTTOM)
            .show_legend(True)
        )
        .targets(targets(queries))  # type: ignore[arg-type]
    )


def single(
    layout: Layout, title: str, description: str, query: Query, unit: str = "short"
) -> stat.Panel:
    panel_id, pos = layout.place(6, 4)
    return (
        stat.Panel()
        .id(panel_id)
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .grid_pos(pos)
        .unit(unit)
        .reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
        .targets(targets([query]))  # type: ignore[arg-type]
    )


def variable(name: str, label: str, metric: str) -> dashboard.QueryVariable:
    return (
        dashboard.QueryVariable(name)
        .label(label)
        .datasource(DATASOURCE)
        .query(f"label_values({metric}, {name})")
        .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED)
        .multi(True)
        .include_all(True)
        .all_value(".*")
    )


def board(uid: str, title: str, description: str) -> dashboard.Dashboard:
    return (
        dashboard.Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(["inventory", "business"])
        .tooltip(DashboardCursorSync.CROSSHAIR)
        .time("now-7d", "now")
        .refresh("1m")
        .readonly()
    )


def point_sum(metric: str, by: str = "") -> str:
    """The sum over location x category x class points of a business gauge, max over
    instances first; `by` keeps labels."""
    keep = f" by ({by})" if by else ""
    return f"sum{keep} (max by (location, category, class) ({metric}{{{POINT}}}))"


def inventory_health() -> dashboard.Dashboard:
    lay = Layout()
    aging = f"sum by (bucket) (max by (location, category, class, bucket) (inventory_stock_aging_value{{{POINT}}}))"  # noqa: E501
    panels = [
        single(lay, "Value on hand", "At cost, in the ledger's currency.", Query(point_sum("inventory_stock_on_hand_value")), "none"),  # noqa: E501
        single(lay, "Dead stock value", "Older than 180 days, no issue for 180 days.", Query(point_sum("inventory_stock_dead_value")), "none"),  # noqa: E501
        single(lay, "Consumption, last 7 days", "COGS of the issues of the last 7 days.", Query(point_sum("inventory_stock_consumption_value")), "none"),  # noqa: E501
        single(lay, "Turnover (best class)", "Turns per year of the best location x category x class.", Query(f"max(inventory_stock_turnover_ratio{{{POINT}}})"), "none"),  # noqa: E501
        series(lay, "Value on hand by location", "At cost.", [Query(point_sum("inventory_stock_on_hand_value", "location"), "{{location}}")]),  # noqa: E501
        series(lay, "Value by age since receipt", "Days since receipt, summed over the points shown.", [Query(aging, "{{bucket}} days")]),  # noqa: E501
        series(lay, "Turnover by location, category and class", "COGS of 365 days / average value (turns per year).", [Query(f"max by (location, category, class) (inventory_stock_turnover_ratio{{{POINT}}})", "{{location}} {{category}} {{class}}")]),  # noqa: E501
        series(lay, "Days of supply", "Value on hand / daily COGS of the last 30 days.", [Query(f"max by (location, category, class) (inventory_stock_days_of_supply{{{POINT}}})", "{{location}} {{category}} {{class}}")], "d"),  # noqa: E501
        series(lay, "Consumption trend by class", "COGS of the last 7 days, over time.", [Query(point_sum("inventory_stock_consumption_value", "class"), "{{class}}")]),  # noqa: E501
        series(lay, "Dead stock by location and category", "Value older than 180 days without issues.", [Query(point_sum("inventory_stock_dead_value", "location, category"), "{{location}} {{category}}")]),  # noqa: E501
        series(lay, "Weekly sell-through (去化率) by location, category and class", "Last complete ISO week: units consumed / (opening on hand + units received), as alerting's rules read it.", [Query(f"max by (location, category, class) (inventory_week_sell_through_ratio{{{POINT}}})", "{{location}} {{category}} {{class}}")], "percentunit"),  # noqa: E501
        series(lay, "Stockout days last week by location", "Stock point days of the last complete ISO week that closed with nothing on hand.", [Query(point_sum("inventory_week_stockout_days", "location"), "{{location}}")]),  # noqa: E501
    ]  # fmt: skip
    built = board(
        "inventory-health",
        "Inventory health",
        "Value, turnover, aging, consumption, days of supply and dead stock by location and class.",
    )
    built.with_variable(variable("location", "Location", "inventory_stock_on_hand_value"))
    built.with_variable(variable("class", "ABC class", "inventory_stock_on_hand_value"))
    for panel in panels:
        built.with_panel(panel)
    return built


def planning_and_supply() -> dashboard.Dashboard:
    lay = Layout()
    loc = 'location=~"$location"'
    panels = [
        series(lay, "Fill rate by location", "Quantity reserved / ordered, orders of the last 24 h.", [Query(f"max by (location) (inventory_reservation_fill_rate{{{loc}}})", "{{location}}")], "percentunit"),  # noqa: E501
        series(lay, "Stockouts and backorders", "Stock points with nothing available; order lines waiting.", [Query(f"max by (location) (inventory_reservation_stockouts{{{loc}}})", "stockouts {{location}}"), Query(f"max by (location) (inventory_reservation_backorder_lines{{{loc}}})", "backorders {{location}}")]),  # noqa: E501
        series(lay, "Order rejections by reason", "Orders rejected in the last 24 h.", [Query("max by (reason) (inventory_reservation_rejections)", "{{reason}}")]),  # noqa: E501
        series(lay, "Forecast error (MASE)", "Below 1: better than the naive forecast.", [Query(f"max by (location, class) (inventory_forecast_error{{{POINT}}})", "{{location}} {{class}}")]),  # noqa: E501
        series(lay, "Forecast bias", "Above 0: over-forecast (share of the forecast).", [Query(f"max by (location, class) (inventory_forecast_bias{{{POINT}}})", "{{location}} {{class}}")], "percentunit"),  # noqa: E501
        series(lay, "Supplier on-time delivery", "Orders due in 90 days first received by their date.", [Query("max by (supplier) (inventory_supplier_on_time_rate)", "{{supplier}}")], "percentunit"),  # noqa: E501
        series(lay, "Suggestions and requisitions open", "Standing suggestions; requisitions not yet ordered.", [Query(f"max by (location) (inventory_replenishment_suggestions_open{{{loc}}})", "suggestions {{location}}"), Query(f"max by (location, status) (inventory_replenishment_requisitions_open{{{loc}}})", "{{status}} {{location}}")]),  # noqa: E501
        series(lay, "Open purchase orders", "Purchase orders not fully received, and their amount.", [Query(f"max by (location) (inventory_purchase_orders_open{{{loc}}})", "orders {{location}}"), Query(f"max by (location) (inventory_purchase_orders_open_amount{{{loc}}})", "amount {{location}}")]),  # noqa: E501
    ]  # fmt: skip
    built = board(
        "inventory-planning-supply",
        "Planning and supply",
        "Fill rate, stockouts, forecast accuracy, suggestions, requisitions, supplier "
        "delivery and open purchase orders.",
    )
    built.with_variable(variable("location", "Location", "inventory_reservation_fill_rate"))
    built.with_variable(variable("class", "ABC class", "inventory_forecast_error"))
    for panel in panels:
        built.with_panel(panel)
    return built


def approvals_and_alerts() -> dashboard.Dashboard:
    lay = Layout()
    panels = [
        series(lay, "Approvals pending by flow", "Requests waiting for a decision.", [Query("max by (flow) (inventory_approvals_pending)", "{{flow}}")]),  # noqa: E501
        series(lay, "Oldest pending approval", "Age of the oldest request waiting, per flow.", [Query("max by (flow) (inventory_approvals_pending_oldest_age_seconds)", "{{flow}}")], "s"),  # noqa: E501
        series(lay, "Overdue approval tasks", "Pending tasks past their step's time limit.", [Query("max by (flow) (inventory_approvals_overdue)", "{{flow}}")]),  # noqa: E501
        series(lay, "Approval decisions", "Events the approval service publishes.", [Query(f'sum by (type) (rate(inventory_messages_produced_total{{job="approval"}}{RATE}))', "{{type}}")], "ops"),  # noqa: E501
        series(lay, "Open alerts by severity", "Raised or acknowledged, not resolved.", [Query("max by (severity) (inventory_alerts_open)", "{{severity}}")]),  # noqa: E501
        series(lay, "Alerts raised", "Alert events published.", [Query(f'sum by (type) (rate(inventory_messages_produced_total{{topic="inventory.alerts"}}{RATE}))', "{{type}}")], "ops"),  # noqa: E501
        series(lay, "Notification tries", "By channel kind and result.", [Query(f"sum by (channel_kind, outcome) (rate(inventory_alerting_notification_attempts_total{RATE}))", "{{channel_kind}} {{outcome}}")], "ops"),  # noqa: E501
        series(lay, "Notifications waiting", "Waiting for their first or next try.", [Query("max(inventory_alerting_notifications_pending)", "pending")]),  # noqa: E501
    ]  # fmt: skip
    built = board(
        "inventory-approvals-alerts",
        "Approvals and alerts",
        "Approvals pending, their age and breaches; open alerts and their notifications.",
    )
    for panel in panels:
        built.with_panel(panel)
    return built


BUILDERS = {
    "inventory-health.json": inventory_health,
    "planning-and-supply.json": planning_and_supply,
    "approvals-and-alerts.json": approvals_and_alerts,
}


def render(name: str) -> str:
    return json.dumps(BUILDERS[name]().build(), cls=JSONEncoder, indent=2, sort_keys=True) + "\n"


def main() -> None:
    for name in BUILDERS:
        (DASHBOARDS / name).write_text(render(name))
        print(f"wrote {DASHBOARDS / name}", file=sys.stderr)


if __name__ == "__main__":
    main()
