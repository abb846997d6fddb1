"""A small PromQL checker: the metrics and labels a query names must exist (docs/conventions.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from tests.deploy.artifacts import SERVICES, conventions, known_topics

PROMQL_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right",
    "and", "or", "unless", "bool", "offset", "inf", "nan",
}  # fmt: skip


TARGET_LABELS = {"job", "instance", "namespace", "pod"}


GRAFANA_BUILTINS = {"__rate_interval", "__interval", "__range", "__range_s", "__interval_ms"}


@cache
def series_labels() -> dict[str, dict[str, frozenset[str] | None]]:
    """Every series name a query may use, with the labels it carries."""
    series: dict[str, dict[str, frozenset[str] | None]] = {"up": {}}
    for metric in conventions().metrics.values():
        if metric.type == "histogram":
            series[f"{metric.name}_bucket"] = {**metric.labels, "le": None}
            series[f"{metric.name}_sum"] = dict(metric.labels)
            series[f"{metric.name}_count"] = dict(metric.labels)
        else:
            series[metric.name] = dict(metric.labels)
    for labels in series.values():
        for target_label in TARGET_LABELS:
            labels.setdefault(target_label, None)
    return series


@dataclass
class Query:
    selectors: list[tuple[str, list[tuple[str, str, str]]]] = field(default_factory=list)
    groupings: list[list[str]] = field(default_factory=list)  # by/without/on/ignoring, in order
    by_clauses: list[list[str]] = field(default_factory=list)
    variables: set[str] = field(default_factory=set)


def parse_promql(expr: str) -> Query:
    """A small PromQL scanner: metric selectors, their matchers and grouping labels.

    Not a parser, but enough to find every metric and label name a query refers to.
    """
    query = Query()
    query.variables = {v for v in re.findall(r"\$\{?(\w+)", expr) if v not in GRAFANA_BUILTINS}
    strings: list[str] = []

    def stash(match: re.Match[str]) -> str:
        strings.append(match.group(0)[1:-1])
        return f"\x00{len(strings) - 1}\x00"

    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', stash, expr)

    def selector(match: re.Match[str]) -> str:
        name = match.group(1) or ""
        matchers = [
            (label, op, strings[int(index)])
            for label, op, index in re.findall(
                r"(\w+)\s*(=~|!~|!=|=)\s*\x00(\d+)\x00", match.group(2)
            )
        ]
        query.selectors.append((name, matchers))
        return " "

    text = re.sub(r"([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}", selector, text)
    text = re.sub(r"\[[^\]]*\]", " ", text)

    def grouping(match: re.Match[str]) -> str:
        labels = [label.strip() for label in match.group(2).split(",") if label.strip()]
        query.groupings.append(labels)
        if match.group(1) == "by":
            query.by_clauses.append(labels)
        return " "

    text = re.sub(
        r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", grouping, text
    )
    text = re.sub(r"\boffset\s+-?[\w$]+", " ", text)
    for name in re.findall(r"(?<![\w:.$\x00])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()", text):
        if name.lower() not in PROMQL_KEYWORDS:
            query.selectors.append((name, []))
    return query


def promql_problems(expr: str) -> list[str]:
    known = series_labels()
    services = set(SERVICES)
    query = parse_promql(expr)
    problems = []
    used_labels: set[str] = set()
    for name, matchers in query.selectors:
        if name not in known:
            problems.append(f"unknown metric {name!r}")
            continue
        labels = known[name]
        used_labels |= set(labels)
        for label, op, value in matchers:
            if label not in labels:
                problems.append(f"{name} has no label {label!r}")
                continue
            if value.startswith("$") or op in ("!=", "!~"):
                continue
            values = value.replace("\\.", ".").split("|") if op == "=~" else [value]
            # A regex that is more than an alternation of names cannot be checked value by value;
            # for the labels below it is not needed either.
            if op == "=~" and any(re.search(r"[*+?()\[\]\\^$]", v) for v in values):
                if label in ("topic", "job", "outcome"):
                    problems.append(f"use a plain alternation for {label}, not {value!r}")
                continue
            allowed = labels[label]
            if label == "topic":
                allowed = frozenset(known_topics())
            elif label == "job":
                allowed = frozenset(services)
            if allowed is not None:
                problems += [
                    f"{name}{{{label}={v!r}}} is not a known value"
                    for v in values
                    if v not in allowed
                ]
    if not query.selectors:
        problems.append("no metric in the expression")
    for grouping in query.groupings:
        for label in grouping:
            if label not in used_labels:
                problems.append(f"grouping label {label!r} is not a label of the metrics used")
    return problems


def output_labels(expr: str) -> set[str]:
    """Labels an expression's result keeps: its first `by` clause, else its metrics' labels."""
    query = parse_promql(expr)
    if query.by_clauses:
        return set(query.by_clauses[0])
    labels: set[str] = set()
    for name, matchers in query.selectors:
        labels |= set(series_labels().get(name, {}))
        labels |= {label for label, op, _ in matchers if op == "="}
    return labels
