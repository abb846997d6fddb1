"""The PromQL checker itself."""

from __future__ import annotations

import pytest

from tests.deploy.promql import promql_problems


@pytest.mark.parametrize(
    ("expr", "problem"),
    [
        ("sum(rate(inventory_messages_consumed_total[5m]))", None),
        ('inventory_messages_consumed_total{outcome="ok", topic="inventory.orders"}', None),
        ('inventory_messages_consumed_total{outcome=~"dlq|retry"} offset 5m', None),
        (
            "histogram_quantile(0.99, sum by (le, topic)"
            " (rate(inventory_handler_duration_seconds_bucket[5m])))",
            None,
        ),
        ('absent(up{job="reservation"}) or up{job=~"$job"} == 0', None),
        ("sum(rate(inventory_messages_consumd_total[5m]))", "unknown metric"),
        ("rate(inventory_messages_consumed_total_bucket[5m])", "unknown metric"),
        ("inventory_outbox_depth > bogus_metric", "unknown metric"),
        ('inventory_messages_consumed_total{status="500"}', "no label 'status'"),
        ('inventory_messages_consumed_total{outcome="failed"}', "not a known value"),
        ('inventory_messages_consumed_total{outcome=~"ok|dead"}', "not a known value"),
        ('inventory_messages_produced_total{topic="inventory.order"}', "not a known value"),
        ('up{job="stockledger"}', "not a known value"),
        ("sum by (route) (inventory_dlq_messages_total)", "grouping label 'route'"),
    ],
)
def test_promql_checker(expr: str, problem: str | None) -> None:
    problems = promql_problems(expr)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems
