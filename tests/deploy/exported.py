"""The metrics the code defines: the runtime's and each service's `metrics` module, imported
as a service imports them (the objects its /metrics serves)."""

from __future__ import annotations

import importlib
from functools import cache

from prometheus_client.metrics import MetricWrapperBase

METRICS_MODULES = [
    "inventory_runtime.metrics",
    "inventory_runtime.kpi",
    "stock_ledger.metrics",
    "reservation.metrics",
    "replenishment.metrics",
    "approval.metrics",
    "alerting.metrics",
    "integration_gateway.metrics",
]


@cache
def defined_metrics() -> dict[str, MetricWrapperBase]:
    """Every metric object of the runtime and the services, by its exposed family name."""
    found: dict[str, MetricWrapperBase] = {}
    for module_name in METRICS_MODULES:
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if isinstance(value, MetricWrapperBase):
                (family,) = value.describe()
                name = f"{family.name}_total" if family.type == "counter" else family.name
                found[name] = value
    return found


def label_names(metric: MetricWrapperBase) -> tuple[str, ...]:
    names: tuple[str, ...] = metric._labelnames  # no public accessor in prometheus_client
    return names
