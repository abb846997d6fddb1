"""Grafana: provisioning and dashboards, their queries against the metrics and event types."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.deploy.artifacts import (
    DASHBOARDS,
    GRAFANA,
    SERVICES,
    alert_rules,
    all_panels,
    dashboards,
    provisioned_datasource,
    targets,
)
from tests.deploy.promql import output_labels, parse_promql, promql_problems


def test_grafana_provisioning() -> None:
    datasource = provisioned_datasource()
    assert datasource["uid"] and datasource["access"] == "proxy"
    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/inventory.yml").read_text())
    (provider,) = providers["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"].startswith("/")


def test_dashboards_exist() -> None:
    titles = {d["title"] for d in dashboards().values()}
    assert {"Platform overview", "Inventory flow"} <= titles
    uids = [d["uid"] for d in dashboards().values()]
    assert len(uids) == len(set(uids))


@pytest.mark.parametrize("name", sorted(dashboards()))
def test_dashboard_structure(name: str) -> None:
    dashboard = dashboards()[name]
    assert 36 <= dashboard["schemaVersion"] <= 41
    assert "${DS_" not in json.dumps(dashboard), "refer to the datasource by its provisioned uid"
    panels = list(all_panels(dashboard))
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids)), f"duplicate panel ids in {name}"
    boxes = []
    for panel in panels:
        pos = panel["gridPos"]
        assert all(isinstance(pos[k], int) and pos[k] >= 0 for k in ("h", "w", "x", "y")), panel[
            "title"
        ]
        assert pos["h"] > 0 and pos["w"] > 0 and pos["x"] + pos["w"] <= 24, panel["title"]
        boxes.append((panel["title"], pos))
        if panel["type"] != "row":
            assert panel["targets"], f"{panel['title']} has no query"
            assert panel["datasource"] == {
                "type": "prometheus",
                "uid": provisioned_datasource()["uid"],
            }
            ref_ids = [t["refId"] for t in panel["targets"]]
            assert len(ref_ids) == len(set(ref_ids))
    for i, (title_a, a) in enumerate(boxes):
        for title_b, b in boxes[i + 1 :]:
            overlap = (
                a["x"] < b["x"] + b["w"]
                and b["x"] < a["x"] + a["w"]
                and a["y"] < b["y"] + b["h"]
                and b["y"] < a["y"] + a["h"]
            )
            assert not overlap, f"panels {title_a!r} and {title_b!r} overlap"


@pytest.mark.parametrize("name", sorted(dashboards()))
def test_dashboard_queries_use_known_metrics(name: str) -> None:
    dashboard = dashboards()[name]
    variables = {v["name"]: v for v in dashboard.get("templating", {}).get("list", [])}
    for panel, target in targets(dashboard):
        where = f"{name} / {panel['title']}"
        assert target.get("datasource", panel["datasource"]) == panel["datasource"], where
        problems = promql_problems(target["expr"])
        assert problems == [], f"{where}: {problems}"
        missing = parse_promql(target["expr"]).variables - set(variables)
        assert not missing, f"{where}: undefined variables {missing}"
        kept = output_labels(target["expr"])
        for label in re.findall(r"\{\{\s*(\w+)\s*\}\}", target.get("legendFormat", "")):
            assert label in kept, f"{where}: legend uses {label!r}, which the query drops"
    job = variables.get("job")
    if job:
        assert set(job["query"].split(",")) == set(SERVICES)


def dashboard_exprs(title: str) -> str:
    (dashboard,) = [d for d in dashboards().values() if d["title"] == title]
    return "\n".join(" ".join(t["expr"].split()) for _, t in targets(dashboard))


def test_platform_overview_covers_the_platform_metrics() -> None:
    exprs = dashboard_exprs("Platform overview")
    for series in [
        "up",
        "inventory_http_requests_total",
        "inventory_http_request_duration_seconds_bucket",
        "inventory_messages_consumed_total",
        "inventory_messages_produced_total",
        "inventory_dlq_messages_total",
        "inventory_outbox_depth",
        "inventory_outbox_oldest_age_seconds",
        "inventory_consumer_lag",
        "inventory_handler_duration_seconds_bucket",
        "inventory_gc_pause_seconds_bucket",
        "inventory_gc_pause_seconds_sum",
    ]:
        assert re.search(rf"\b{series}\b", exprs), f"Platform overview does not show {series}"
    assert re.search(r"by \([^)]*outcome", exprs), "consumed messages by outcome"
    assert 'status=~"5.."' in exprs


def test_inventory_flow_follows_orders_to_purchase_orders() -> None:
    exprs = dashboard_exprs("Inventory flow")
    assert re.search(r'inventory_messages_consumed_total\{[^}]*topic="inventory.orders"', exprs)
    assert re.search(
        r'inventory_messages_produced_total\{[^}]*topic="inventory.reservations"', exprs
    )
    reservation_outcomes = (
        r"by \(type\) \(rate\(inventory_messages_produced_total"
        r'\{[^}]*topic="inventory.reservations"'
    )
    assert re.search(reservation_outcomes, exprs), "reservation outcomes by type"
    assert re.search(r'inventory_messages_produced_total\{[^}]*job="replenishment"', exprs)
    assert re.search(r'inventory_messages_produced_total\{[^}]*job="approval"', exprs)
    assert re.search(
        r'inventory_messages_produced_total\{[^}]*topic="inventory.purchase-orders"', exprs
    )


def contract_events() -> dict[str, tuple[str, str]]:
    """CloudEvent type -> (topic, publishing service), from the contracts package."""
    registry = pytest.importorskip("inventory_contracts.registry")
    services = pytest.importorskip("inventory_contracts.services")
    return {
        event_type: (model.topic, services.publisher_of(event_type).name)
        for event_type, model in registry.EVENT_TYPES.items()
    }


def event_type_problems(expr: str, events: dict[str, tuple[str, str]]) -> list[str]:
    problems = []
    for name, matchers in parse_promql(expr).selectors:
        equal = {label: value for label, op, value in matchers if op == "="}
        types = [
            t
            for label, op, value in matchers
            if label == "type" and op in ("=", "=~")
            for t in value.replace("\\.", ".").split("|")
        ]
        for event_type in types:
            if event_type not in events:
                problems.append(f"unknown event type {event_type!r}")
                continue
            topic, publisher = events[event_type]
            if "topic" in equal and equal["topic"] != topic:
                problems.append(f"{event_type} is published on {topic}, not {equal['topic']}")
            if (
                name == "inventory_messages_produced_total"
                and equal.get("job", publisher) != publisher
            ):
                problems.append(f"{event_type} is published by {publisher}, not {equal['job']}")
    return problems


def test_event_type_checker() -> None:
    events = {"inventory.order.placed.v1": ("inventory.orders", "integration-gateway")}
    ok = (
        "inventory_messages_consumed_total"
        '{topic="inventory.orders", type="inventory.order.placed.v1"}'
    )
    assert event_type_problems(ok, events) == []
    assert event_type_problems(ok.replace("placed", "plced"), events)
    assert event_type_problems(
        ok.replace('topic="inventory.orders"', 'topic="inventory.alerts"'), events
    )
    produced = (
        'inventory_messages_produced_total{job="reservation", type="inventory.order.placed.v1"}'
    )
    assert event_type_problems(produced, events)


def test_queries_name_real_event_types() -> None:
    events = contract_events()
    exprs = [rule["expr"] for rule in alert_rules()]
    exprs += [target["expr"] for d in dashboards().values() for _, target in targets(d)]
    for expr in exprs:
        assert event_type_problems(expr, events) == [], expr


def business_builder() -> ModuleType:
    """deploy/grafana/business_dashboards.py (a script, not a package)."""
    path = GRAFANA / "business_dashboards.py"
    spec = importlib.util.spec_from_file_location("business_dashboards", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_business_dashboards_are_the_built_ones() -> None:
    builder = business_builder()
    for name in builder.BUILDERS:
        committed = (DASHBOARDS / name).read_text()
        assert committed == builder.render(name), (
            f"{name} differs from what deploy/grafana/business_dashboards.py builds: run it"
        )


def test_business_dashboards_exist_with_location_and_class() -> None:
    by_title = {d["title"]: d for d in dashboards().values()}
    for title in ("Inventory health", "Planning and supply", "Approvals and alerts"):
        assert title in by_title, title
    for title in ("Inventory health", "Planning and supply"):
        names = {v["name"] for v in by_title[title]["templating"]["list"]}
        assert {"location", "class"} <= names, title


def test_inventory_health_and_planning_show_what_the_issue_asks() -> None:
    health = dashboard_exprs("Inventory health")
    for metric in (
        "inventory_stock_turnover_ratio",
        "inventory_stock_aging_value",
        "inventory_stock_consumption_value",
        "inventory_stock_days_of_supply",
        "inventory_stock_dead_value",
    ):
        assert metric in health, metric
    planning = dashboard_exprs("Planning and supply")
    for metric in (
        "inventory_reservation_fill_rate",
        "inventory_forecast_error",
        "inventory_replenishment_suggestions_open",
        "inventory_supplier_on_time_rate",
        "inventory_purchase_orders_open",
    ):
        assert metric in planning, metric


def test_business_queries_take_max_over_instances() -> None:
    """Every instance exports the same database-derived value: a bare sum would double it."""
    for title in ("Inventory health", "Planning and supply", "Approvals and alerts"):
        for expr in dashboard_exprs(title).splitlines():
            for metric in re.findall(r"\b(inventory_\w+)\{|\b(inventory_\w+)\)", expr):
                name = metric[0] or metric[1]
                if name.endswith("_total"):
                    continue
                assert re.search(rf"max(?: by \([^)]*\))? ?\({name}\b", expr), expr


def lost_keys(original: Any, round_tripped: Any, path: str = "") -> list[str]:
    """Paths of `original` that did not survive a trip through the SDK's typed models."""
    if isinstance(original, dict):
        if not isinstance(round_tripped, dict):
            return [path or "/"]
        lost = []
        for key, value in original.items():
            if key not in round_tripped:
                lost.append(f"{path}/{key}")
            else:
                lost += lost_keys(value, round_tripped[key], f"{path}/{key}")
        return lost
    if isinstance(original, list):
        if not isinstance(round_tripped, list) or len(original) != len(round_tripped):
            return [path]
        return [
            p for a, b in zip(original, round_tripped, strict=True) for p in lost_keys(a, b, path)
        ]
    return []


SCHEMA_FIELDS_THE_SDK_LACKS = {"/annotations/list/builtIn"}
"""Grafana's dashboard schema has `AnnotationQuery.builtIn` (1 marks the built-in "Annotations &
Alerts" query); the SDK's model of it, taken from grafana-data's annotations.ts, does not."""


@pytest.mark.parametrize("name", sorted(dashboards()))
def test_dashboard_conforms_to_grafanas_dashboard_schema(name: str) -> None:
    """grafana-foundation-sdk's models are generated from Grafana's dashboard schema: a file
    read into them and written back keeps every field it had only if each is a schema field
    (a misspelt or invented key is dropped), and the typed model checks the field kinds."""
    models = pytest.importorskip("grafana_foundation_sdk.models.dashboard")
    encoder = pytest.importorskip("grafana_foundation_sdk.cog.encoder")
    original = dashboards()[name]
    model = models.Dashboard.from_json(original)
    round_tripped = json.loads(json.dumps(model, cls=encoder.JSONEncoder))
    lost = set(lost_keys(original, round_tripped)) - SCHEMA_FIELDS_THE_SDK_LACKS
    assert not lost, f"not fields of Grafana's dashboard schema: {sorted(lost)}"


def test_schema_check_finds_a_misspelt_field() -> None:
    models = pytest.importorskip("grafana_foundation_sdk.models.dashboard")
    encoder = pytest.importorskip("grafana_foundation_sdk.cog.encoder")
    original = json.loads(json.dumps(dashboards()["inventory-health.json"]))
    original["panels"][0]["gridPoss"] = original["panels"][0].pop("gridPos")
    model = models.Dashboard.from_json(original)
    round_tripped = json.loads(json.dumps(model, cls=encoder.JSONEncoder))
    assert lost_keys(original, round_tripped) == ["/panels/gridPoss"]
