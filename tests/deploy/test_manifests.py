"""Static checks of the deployment artifacts (Dockerfile, compose.yaml, deploy/).

Nothing here needs Docker or a cluster: the files are parsed and checked against
docs/conventions.md and against each other. promtool and kubectl, when on PATH, are run too.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
PROMETHEUS = DEPLOY / "prometheus"
GRAFANA = DEPLOY / "grafana"
DASHBOARDS = GRAFANA / "dashboards"
TOPICS_SCRIPT = DEPLOY / "kafka" / "create-topics.sh"
ENTRYPOINT = DEPLOY / "docker" / "entrypoint.sh"

# The topics of the public contract (docs: ARCHITECTURE) with their partition counts.
EXPECTED_TOPICS = {
    "inventory.orders": 6,
    "inventory.master-data": 3,
    "inventory.stock-movements": 6,
    "inventory.reservations": 6,
    "inventory.availability": 6,
    "inventory.replenishment": 3,
    "inventory.approvals": 3,
    "inventory.purchase-orders": 3,
    "inventory.alerts": 3,
}
EXPECTED_SERVICES = {
    "stock-ledger",
    "reservation",
    "replenishment",
    "approval",
    "alerting",
    "integration-gateway",
}
REPLICATED = {"reservation": 2, "integration-gateway": 2}
KAFKA_IMAGE = "apache/kafka:4.1.1"
CONTAINER_PORT = 8000
NAMESPACE = "inventory"


# --------------------------------------------------------------------------- conventions.md


@dataclass(frozen=True)
class Metric:
    name: str
    type: str
    labels: dict[str, frozenset[str] | None]  # label -> allowed values, None = free


@dataclass(frozen=True)
class Conventions:
    services: dict[str, str]  # distribution (= service, console script) -> import package
    ports: dict[str, int]
    env_vars: frozenset[str]
    metrics: dict[str, Metric]

    def database(self, service: str) -> str:
        return self.services[service]


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/conventions.md has no section '## {heading}'"
    return match.group(1)


def _table(section: str) -> list[list[str]]:
    rows = []
    for line in section.splitlines():
        line = line.strip()
        if not line.startswith("|") or re.fullmatch(r"\|[\s|:-]+\|", line):
            continue
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[1:]  # without the header


def _unquote(cell: str) -> str:
    return cell.strip().strip("`")


@cache
def conventions() -> Conventions:
    text = (ROOT / "docs" / "conventions.md").read_text()

    services = {
        _unquote(dist): _unquote(imp)
        for folder, dist, imp in _table(_section(text, "Packages and imports"))
        if _unquote(folder).startswith("services/")
    }
    ports = {}
    for component, port in _table(_section(text, "Ports")):
        number = re.match(r"\d+", port)
        assert number, f"conventions.md: no port number for {component}"
        ports[component] = int(number.group())
    controller = re.search(r"controller (\d+)", _section(text, "Ports"))
    if controller:
        ports["Kafka controller"] = int(controller.group(1))
    env_vars = frozenset(
        name
        for name in re.findall(r"`([^`]+)`", _section(text, "Environment variables"))
        if re.fullmatch(r"[A-Z][A-Z0-9_]+", name)
    )
    metrics = {}
    for name, kind, labels_cell in _table(_section(text, "Metric names")):
        labels: dict[str, frozenset[str] | None] = {}
        for label, values in re.findall(r"`(\w+)`(?:\s*\(([^)]*)\))?", labels_cell):
            enum = re.findall(r"`([^`]+)`", values)
            labels[label] = frozenset(enum) if enum else None
        metrics[_unquote(name)] = Metric(_unquote(name), kind.strip(), labels)
    return Conventions(services, ports, env_vars, metrics)


SERVICES = sorted(conventions().services)


def test_conventions_parse_to_the_expected_platform() -> None:
    conv = conventions()
    assert set(conv.services) == EXPECTED_SERVICES
    assert {conv.ports[s] for s in SERVICES} == set(range(8001, 8007))
    assert conv.ports["PostgreSQL"] == 5432
    assert conv.ports["Kafka (PLAINTEXT)"] == 9092
    assert conv.ports["Kafka controller"] == 9093
    assert {"SERVICE_NAME", "DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "HTTP_PORT"} <= conv.env_vars
    assert conv.metrics["inventory_messages_consumed_total"].labels["outcome"] == {
        "ok",
        "duplicate",
        "ignored",
        "dlq",
        "retry",
    }
    assert conv.metrics["inventory_handler_duration_seconds"].type == "histogram"
    assert len(conv.metrics) >= 10


# --------------------------------------------------------------------------- topics


@cache
def script_topics() -> dict[str, int]:
    text = TOPICS_SCRIPT.read_text()
    block = re.search(r'^TOPICS="(.*?)"$', text, re.M | re.S)
    assert block, 'create-topics.sh has no TOPICS="..." block'
    topics = {}
    for line in block.group(1).strip().splitlines():
        name, partitions = line.split()
        topics[name] = int(partitions)
    return topics


def known_topics() -> set[str]:
    return set(script_topics()) | {f"{t}.dlq" for t in script_topics()}


def test_topic_script_lists_the_contract_topics() -> None:
    assert script_topics() == EXPECTED_TOPICS


def _fake_command(path: Path, log: Path, body: str = "") -> Path:
    path.write_text(f'#!/bin/sh\necho "$(basename "$0") $*" >> "{log}"\n{body}')
    path.chmod(0o755)
    return path


def test_topic_script_creates_every_topic_and_its_dlq(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    fake = _fake_command(tmp_path / "kafka-topics.sh", log)
    env = {
        "PATH": os.environ["PATH"],
        "KAFKA_TOPICS": str(fake),
        "KAFKA_BOOTSTRAP_SERVERS": "broker:9092",
        "REPLICATION_FACTOR": "3",
        "MIN_INSYNC_REPLICAS": "2",
    }
    result = subprocess.run(
        ["bash", str(TOPICS_SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr

    created: dict[str, list[str]] = {}
    for line in log.read_text().splitlines():
        args = line.split()[1:]
        assert args[:2] == ["--bootstrap-server", "broker:9092"]
        if "--create" in args:
            assert "--if-not-exists" in args, "re-running the Job must not fail on existing topics"
            created[args[args.index("--topic") + 1]] = args
    expected = {**EXPECTED_TOPICS, **{f"{t}.dlq": n for t, n in EXPECTED_TOPICS.items()}}
    assert set(created) == set(expected)
    for topic, args in created.items():
        assert args[args.index("--partitions") + 1] == str(expected[topic]), topic
        assert args[args.index("--replication-factor") + 1] == "3", topic
        assert "min.insync.replicas=2" in args, topic
        assert any(a.startswith("retention.ms=") for a in args) == topic.endswith(".dlq"), topic


def test_topic_script_fails_without_bootstrap_servers() -> None:
    env = {"PATH": os.environ["PATH"], "KAFKA_TOPICS": "/bin/true"}
    result = subprocess.run(["bash", str(TOPICS_SCRIPT)], env=env, capture_output=True, timeout=30)
    assert result.returncode != 0


def test_topic_script_matches_the_contracts() -> None:
    topics = pytest.importorskip("inventory_contracts.topics")
    assert script_topics() == dict(topics.PARTITIONS)


# --------------------------------------------------------------------------- PromQL


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


# --------------------------------------------------------------------------- Dockerfile


@dataclass
class Instruction:
    keyword: str
    args: str


def dockerfile() -> list[Instruction]:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    instructions: list[Instruction] = []
    buffer = ""
    for line in lines:
        if line.strip().startswith("#") and not buffer:
            continue
        if line.strip().startswith("#"):
            continue
        buffer += line.rstrip()
        if buffer.endswith("\\"):
            buffer = buffer[:-1] + " "
            continue
        if buffer.strip():
            keyword, _, args = buffer.strip().partition(" ")
            instructions.append(Instruction(keyword.upper(), " ".join(args.split())))
        buffer = ""
    return instructions


def stages() -> list[list[Instruction]]:
    result: list[list[Instruction]] = []
    for instruction in dockerfile():
        if instruction.keyword == "FROM":
            result.append([])
        if result:
            result[-1].append(instruction)
    return result


def copy_sources(instructions: list[Instruction]) -> list[tuple[str, str]]:
    pairs = []
    for instruction in instructions:
        if instruction.keyword != "COPY":
            continue
        parts = [p for p in instruction.args.split() if not p.startswith("--")]
        if any(p.startswith("--from") for p in instruction.args.split()):
            continue
        *sources, destination = parts
        pairs += [(source, destination) for source in sources]
    return pairs


@cache
def workspace_members() -> list[Path]:
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())
    members: list[Path] = []
    for pattern in root["tool"]["uv"]["workspace"]["members"]:
        members += sorted(p for p in ROOT.glob(pattern) if (p / "pyproject.toml").is_file())
    return members


def service_libraries() -> list[Path]:
    """The members outside services/ that services depend on, directly or through another
    (not the test kit: no service imports it)."""
    projects = {
        tomllib.loads((p / "pyproject.toml").read_text())["project"]["name"]: p
        for p in workspace_members()
    }

    def requirements(member: Path) -> set[str]:
        project = tomllib.loads((member / "pyproject.toml").read_text())["project"]
        return {re.split(r"[ <>=~!\[;]", d, maxsplit=1)[0] for d in project["dependencies"]}

    needed: set[str] = set()
    pending = [p for p in workspace_members() if p.relative_to(ROOT).parts[0] == "services"]
    while pending:
        for name in requirements(pending.pop()) & set(projects) - needed:
            needed.add(name)
            pending.append(projects[name])
    return sorted(p for n, p in projects.items() if n in needed and "services" not in p.parts)


def test_dockerfile_is_multi_stage_on_python_311_slim() -> None:
    instructions = dockerfile()
    default_image = next(
        i.args.split("=", 1)[1]
        for i in instructions
        if i.keyword == "ARG" and i.args.startswith("PYTHON_IMAGE=")
    )
    assert default_image == "python:3.11-slim"
    froms = [i.args for i in instructions if i.keyword == "FROM"]
    assert len(froms) >= 2
    assert all(f.split()[0] in ("${PYTHON_IMAGE}", "python:3.11-slim") for f in froms), froms


def test_dockerfile_builder_installs_the_locked_service_with_uv() -> None:
    builder = stages()[0]
    runs = [i.args for i in builder if i.keyword == "RUN"]
    assert any(re.search(r"pip install .*\buv==\S+", r) for r in runs), (
        "uv must come from PyPI via pip"
    )
    syncs = [r for r in runs if "uv sync" in r]
    assert syncs, "no uv sync in the builder stage"
    for sync in syncs:
        for flag in ("--frozen", "--no-dev", "--no-editable"):
            assert flag in sync, f"{flag} missing in: {sync}"
        assert re.search(r'--package "?\$\{?SERVICE\}?"?', sync), sync
    assert any(i.keyword == "ARG" and i.args.split("=")[0] == "SERVICE" for i in builder)


def test_dockerfile_copies_every_workspace_manifest() -> None:
    # uv cannot read the workspace (and the lock) without every member's pyproject.toml.
    sources = {source for source, _ in copy_sources(stages()[0])}
    assert {"pyproject.toml", "uv.lock"} <= sources
    for member in workspace_members():
        manifest = (member / "pyproject.toml").relative_to(ROOT).as_posix()
        assert manifest in sources, f"Dockerfile does not COPY {manifest}"
    for source in sources:
        if "$" not in source:
            assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"


def test_dockerfile_copies_the_sources_a_service_needs() -> None:
    sources = {source for source, _ in copy_sources(stages()[0])}
    assert sources & {"services/${SERVICE}", "services/${SERVICE}/src"}
    for member in service_libraries():
        relative = member.relative_to(ROOT).as_posix()
        assert sources & {relative, f"{relative}/src"}, f"{relative} is needed by every service"


def test_runtime_stage_runs_non_root_on_port_8000_with_the_entrypoint() -> None:
    runtime = stages()[-1]
    users = [i.args for i in runtime if i.keyword == "USER"]
    assert users, "the runtime stage must set USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "USER must be a numeric non-root uid (for runAsNonRoot)"
    assert [i.args for i in runtime if i.keyword == "EXPOSE"] == [str(CONTAINER_PORT)]
    env = " ".join(i.args for i in runtime if i.keyword == "ENV")
    assert f"HTTP_PORT={CONTAINER_PORT}" in env
    assert "HTTP_HOST=0.0.0.0" in env
    assert re.search(r"SERVICE=\$\{?SERVICE\}?", env), "the entrypoint reads $SERVICE"
    entrypoint = json.loads(next(i.args for i in runtime if i.keyword == "ENTRYPOINT"))
    copied = {dest: src for src, dest in copy_sources(runtime)}
    assert copied.get(f"/usr/local/bin/{entrypoint[0]}") == ENTRYPOINT.relative_to(ROOT).as_posix()
    assert json.loads(next(i.args for i in runtime if i.keyword == "CMD")) == ["start"]


@pytest.mark.parametrize("service", SERVICES)
def test_service_package_has_its_console_script(service: str) -> None:
    manifest = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())
    assert manifest["project"]["name"] == service
    assert service in manifest["project"].get("scripts", {}), (
        f"the image runs `{service} migrate` and `{service} serve`: "
        f"[project.scripts] needs an entry named {service!r}"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_ship_inside_the_service_package(service: str) -> None:
    # The image installs the service as a wheel (--no-editable) and holds no source tree, so Alembic
    # files next to pyproject.toml would be missing in the container.
    service_dir = ROOT / "services" / service
    strays = [
        name for name in ("alembic.ini", "alembic", "migrations") if (service_dir / name).exists()
    ]
    assert not strays, (
        f"move {strays} into services/{service}/src/{conventions().services[service]}/"
    )


# --------------------------------------------------------------------------- entrypoint


def run_entrypoint(tmp_path: Path, *args: str, fail: str = "") -> tuple[int, list[str]]:
    log = tmp_path / "calls.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    body = f'[ "$1" = "{fail}" ] && exit 3\nexit 0\n' if fail else "exit 0\n"
    _fake_command(bin_dir / "reservation", log, body)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "SERVICE": "reservation"}
    result = subprocess.run(
        ["sh", str(ENTRYPOINT), *args], env=env, capture_output=True, timeout=30
    )
    calls = log.read_text().splitlines() if log.exists() else []
    return result.returncode, calls


def test_entrypoint_default_migrates_then_serves(tmp_path: Path) -> None:
    assert run_entrypoint(tmp_path) == (0, ["reservation migrate", "reservation serve"])


@pytest.mark.parametrize("step", ["migrate", "serve"])
def test_entrypoint_runs_one_step(tmp_path: Path, step: str) -> None:
    assert run_entrypoint(tmp_path, step) == (0, [f"reservation {step}"])


def test_entrypoint_does_not_serve_when_migration_fails(tmp_path: Path) -> None:
    code, calls = run_entrypoint(tmp_path, fail="migrate")
    assert code == 3
    assert calls == ["reservation migrate"]


def test_entrypoint_runs_other_commands_as_given(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code, calls = run_entrypoint(tmp_path, "touch", str(marker))
    assert code == 0 and calls == [] and marker.exists()


def test_entrypoint_requires_service() -> None:
    result = subprocess.run(
        ["sh", str(ENTRYPOINT)], env={"PATH": os.environ["PATH"]}, capture_output=True
    )
    assert result.returncode != 0


# --------------------------------------------------------------------------- .dockerignore


def _dockerignore_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out += pattern[i : end + 1]
            i = end + 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def dockerignore_excludes(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        rules.append((negate, _dockerignore_regex(os.path.normpath(line.lstrip("!").lstrip("/")))))
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for negate, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not negate
    return excluded


def test_dockerignore_sends_what_the_build_copies_and_nothing_else() -> None:
    needed = ["pyproject.toml", "uv.lock", ENTRYPOINT.relative_to(ROOT).as_posix()]
    for member in workspace_members():
        relative = member.relative_to(ROOT).as_posix()
        needed += [f"{relative}/pyproject.toml", f"{relative}/src/pkg/__init__.py"]
    for path in needed:
        assert not dockerignore_excludes(path), f".dockerignore excludes {path}"
    for path in [
        ".git/HEAD",
        ".venv/bin/python",
        "docs/conventions.md",
        "deploy/k8s/secrets.yaml",
        "services/reservation/tests/test_x.py",
        "contracts/src/inventory_contracts/__pycache__/x.cpython-311.pyc",
        ".env",
    ]:
        assert dockerignore_excludes(path), f".dockerignore lets {path} into the build context"


# --------------------------------------------------------------------------- compose.yaml


@cache
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def compose_service(name: str) -> dict[str, Any]:
    services = compose()["services"]
    assert name in services, f"compose.yaml has no service {name!r}"
    return services[name]


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def published_ports(service: dict[str, Any]) -> list[tuple[int, int]]:
    pairs = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            pairs.append((int(port["published"]), int(port["target"])))
        else:
            *_, published, target = str(port).split(":")
            pairs.append((int(published), int(target.split("/")[0])))
    return pairs


def bind_mounts(service: dict[str, Any]) -> dict[str, str]:
    """target -> source (relative to the repository) of the bind mounts."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            source, target = volume.get("source", ""), volume["target"]
        else:
            source, target = str(volume).split(":")[:2]
        if source.startswith((".", "/")):
            mounts[target] = os.path.normpath(source)
    return mounts


COMPOSE_TOP_LEVEL = {"name", "services", "volumes", "networks", "configs", "secrets", "x-common"}
COMPOSE_SERVICE_KEYS = {
    "security_opt",
    "cap_drop",
    "cap_add",
    "stop_signal",
    "mem_limit",
    "cpus",
    "image",
    "build",
    "command",
    "entrypoint",
    "environment",
    "env_file",
    "ports",
    "volumes",
    "depends_on",
    "healthcheck",
    "restart",
    "user",
    "working_dir",
    "networks",
    "labels",
    "x-service",
    "profiles",
    "init",
    "stop_grace_period",
    "read_only",
    "tmpfs",
    "configs",
    "hostname",
    "container_name",
    "expose",
    "ulimits",
    "shm_size",
    "logging",
}


def test_compose_uses_only_known_keys_and_shapes() -> None:
    spec = compose()
    assert set(spec) <= COMPOSE_TOP_LEVEL | {k for k in spec if k.startswith("x-")}
    for name, service in spec["services"].items():
        assert set(service) <= COMPOSE_SERVICE_KEYS, (
            f"{name}: {set(service) - COMPOSE_SERVICE_KEYS}"
        )
        assert "image" in service or "build" in service, f"{name} has neither image nor build"
        for port in service.get("ports", []):
            assert re.fullmatch(r"(\d+\.\d+\.\d+\.\d+:)?\d+:\d+", str(port)), f"{name}: {port}"
        depends = service.get("depends_on", {})
        if isinstance(depends, dict):
            for other, condition in depends.items():
                assert other in spec["services"], f"{name} depends on unknown {other}"
                assert condition.get("condition") in {
                    "service_started",
                    "service_healthy",
                    "service_completed_successfully",
                }


def test_compose_has_every_component() -> None:
    expected = {*SERVICES, "kafka", "kafka-init", "postgres", "prometheus", "grafana"}
    assert expected <= set(compose()["services"])


def test_compose_bind_mounts_exist() -> None:
    for name, service in compose()["services"].items():
        for source in bind_mounts(service).values():
            assert (ROOT / source).exists(), f"{name} mounts missing {source}"
        build = service.get("build")
        if build:
            context = ROOT / build.get("context", ".")
            assert (context / build.get("dockerfile", "Dockerfile")).is_file(), name


def test_compose_healthchecks_back_every_health_dependency() -> None:
    services = compose()["services"]
    for name in [*SERVICES, "kafka", "postgres", "prometheus", "grafana"]:
        test = services[name].get("healthcheck", {}).get("test")
        assert test and test != ["NONE"], f"{name} has no healthcheck"
    for name, service in services.items():
        depends = service.get("depends_on", {})
        for target, spec in depends.items() if isinstance(depends, dict) else []:
            assert target in services, f"{name} depends on unknown {target}"
            if spec.get("condition") == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits for {target}'s health"
            if spec.get("condition") == "service_completed_successfully":
                assert services[target].get("restart", "no") == "no", target


def test_compose_host_ports_are_unique() -> None:
    published = [p for s in compose()["services"].values() for p, _ in published_ports(s)]
    assert len(published) == len(set(published))


@cache
def kafka_listeners(env: tuple[tuple[str, str], ...]) -> dict[str, dict[str, str]]:
    e = dict(env)

    def parse(value: str) -> dict[str, str]:
        return dict(item.split("://", 1) for item in value.split(","))

    return {
        "listeners": parse(e["KAFKA_LISTENERS"]),
        "advertised": parse(e["KAFKA_ADVERTISED_LISTENERS"]),
        "protocols": dict(
            item.split(":") for item in e["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
        ),
    }


def check_kraft_env(env: dict[str, str]) -> None:
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert not any("ZOOKEEPER" in key for key in env)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", env["CLUSTER_ID"]), "CLUSTER_ID: 22 chars base64 uuid"
    listeners = kafka_listeners(tuple(sorted(env.items())))
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert controller in listeners["listeners"]
    assert controller not in listeners["advertised"], "the controller listener is not advertised"
    assert set(listeners["listeners"]) <= set(listeners["protocols"])
    assert set(listeners["advertised"]) <= set(listeners["listeners"])
    assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] in listeners["advertised"]
    node_id, voter = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split("@")
    assert node_id == env["KAFKA_NODE_ID"]
    assert voter.rsplit(":", 1)[1] == listeners["listeners"][controller].rsplit(":", 1)[1]
    assert voter.rsplit(":", 1)[1] == str(conventions().ports["Kafka controller"])
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", "topics come from create-topics.sh"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1", "single broker"
    assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "1", "single broker"


def test_compose_kafka_is_a_single_kraft_node() -> None:
    kafka = compose_service("kafka")
    assert kafka["image"] == KAFKA_IMAGE
    env = environment(kafka)
    check_kraft_env(env)
    listeners = kafka_listeners(tuple(sorted(env.items())))
    host_port = conventions().ports["Kafka (PLAINTEXT)"]
    assert listeners["advertised"]["PLAINTEXT"] == f"localhost:{host_port}"
    assert (host_port, host_port) in published_ports(kafka)
    assert any(
        target == "/var/lib/kafka/data"
        for target in [str(v).split(":")[1] for v in kafka.get("volumes", [])]
    )


def compose_bootstrap_listener() -> str:
    env = environment(compose_service("kafka"))
    return kafka_listeners(tuple(sorted(env.items())))["advertised"][
        env["KAFKA_INTER_BROKER_LISTENER_NAME"]
    ]


def test_compose_topic_job_runs_the_topic_script() -> None:
    init = compose_service("kafka-init")
    assert init["image"] == KAFKA_IMAGE
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"
    mounts = bind_mounts(init)
    target = next(t for t, s in mounts.items() if s == TOPICS_SCRIPT.relative_to(ROOT).as_posix())
    assert target in [*init.get("entrypoint", []), *init.get("command", [])]
    assert environment(init)["KAFKA_BOOTSTRAP_SERVERS"] == compose_bootstrap_listener()


def test_compose_postgres_creates_every_service_database() -> None:
    postgres = compose_service("postgres")
    assert postgres["image"] == "postgres:15"
    port = conventions().ports["PostgreSQL"]
    assert (port, port) in published_ports(postgres)
    mounts = bind_mounts(postgres)
    init = next(s for t, s in mounts.items() if t.startswith("/docker-entrypoint-initdb.d/"))
    created = re.findall(r"CREATE DATABASE (\w+) OWNER (\w+)", (ROOT / init).read_text(), re.I)
    assert {db for db, _ in created} == set(conventions().services.values())
    assert {owner for _, owner in created} == {environment(postgres)["POSTGRES_USER"]}


@pytest.mark.parametrize("service", SERVICES)
def test_compose_service(service: str) -> None:
    conv = conventions()
    spec = compose_service(service)
    assert spec["build"]["args"]["SERVICE"] == service
    assert spec["build"].get("context", ".") == "."

    env = environment(spec)
    assert conv.env_vars <= set(env), f"missing env vars {sorted(conv.env_vars - set(env))}"
    assert env["SERVICE_NAME"] == service
    assert env["ENVIRONMENT"] in ("development", "test", "production")
    port = conv.ports[service]
    assert env["HTTP_PORT"] == str(port)
    assert env["HTTP_HOST"] == "0.0.0.0"
    assert published_ports(spec) == [(port, port)]

    url = urlsplit(env["DATABASE_URL"])
    assert url.scheme == "postgresql+asyncpg"
    assert url.hostname == "postgres" and url.port == conv.ports["PostgreSQL"]
    assert url.path == f"/{conv.database(service)}"
    postgres_env = environment(compose_service("postgres"))
    assert url.username == postgres_env["POSTGRES_USER"]
    assert url.password == postgres_env["POSTGRES_PASSWORD"]
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == compose_bootstrap_listener()

    depends = spec["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["kafka"]["condition"] == "service_healthy"
    assert depends["kafka-init"]["condition"] == "service_completed_successfully"
    test = " ".join(spec["healthcheck"]["test"])
    assert "/ready" in test or "/health" in test
    assert "HTTP_PORT" in test or str(port) in test


def test_compose_prometheus_loads_config_and_rules() -> None:
    prometheus = compose_service("prometheus")
    mounts = bind_mounts(prometheus)
    config_target = next(
        a.split("=", 1)[1] for a in prometheus["command"] if a.startswith("--config.file=")
    )
    assert mounts[config_target] == "deploy/prometheus/prometheus.yml"
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    for rule_file in config["rule_files"]:
        assert mounts.get(rule_file) == "deploy/prometheus/alerts.yml", rule_file


def test_compose_grafana_is_provisioned() -> None:
    grafana = compose_service("grafana")
    mounts = bind_mounts(grafana)
    assert mounts["/etc/grafana/provisioning"] == "deploy/grafana/provisioning"
    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/inventory.yml").read_text())
    path = providers["providers"][0]["options"]["path"]
    assert mounts[path] == "deploy/grafana/dashboards"
    home = environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        assert home.startswith(path + "/")
        assert (DASHBOARDS / home[len(path) + 1 :]).is_file()
    datasource = provisioned_datasource()
    url = urlsplit(datasource["url"])
    assert url.hostname == "prometheus" and url.port == 9090
    assert (9090, 9090) in published_ports(compose_service("prometheus"))


# --------------------------------------------------------------------------- Prometheus


@cache
def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def test_prometheus_scrapes_every_service_as_its_own_job() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    for service in SERVICES:
        assert service in jobs, f"no scrape job {service}"
        targets = [t for sc in jobs[service]["static_configs"] for t in sc["targets"]]
        port = environment(compose_service(service))["HTTP_PORT"]
        assert targets == [f"{service}:{port}"]
        assert jobs[service].get("metrics_path", "/metrics") == "/metrics"
    assert config["rule_files"]


def test_prometheus_k8s_config_derives_the_job_from_the_pod() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus-k8s.yml").read_text())
    assert (
        config["rule_files"]
        == yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())["rule_files"]
    )
    (job,) = config["scrape_configs"]
    (sd,) = job["kubernetes_sd_configs"]
    assert sd["role"] == "pod"
    assert sd["namespaces"]["names"] == [NAMESPACE]
    relabels = job["relabel_configs"]
    keep = next(
        r
        for r in relabels
        if r.get("action") == "keep"
        and r["source_labels"] == ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"]
    )
    assert keep["regex"] == "true"
    to_job = next(r for r in relabels if r.get("target_label") == "job")
    assert to_job["source_labels"] == ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    to_address = next(r for r in relabels if r.get("target_label") == "__address__")
    assert "__meta_kubernetes_pod_annotation_prometheus_io_port" in to_address["source_labels"]
    assert {r.get("target_label") for r in relabels} >= {"namespace", "pod"}


def test_alert_rules_are_well_formed() -> None:
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
    assert len({g["name"] for g in groups}) == len(groups)
    names = []
    for group in groups:
        assert group["rules"], group["name"]
        for rule in group["rules"]:
            assert set(rule) <= {
                "alert",
                "expr",
                "for",
                "keep_firing_for",
                "labels",
                "annotations",
            }, rule
            names.append(rule["alert"])
            assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", rule["alert"])
            assert isinstance(rule["expr"], str) and rule["expr"].strip()
            assert re.fullmatch(r"(\d+[smhdwy])+", rule["for"]), rule["alert"]
            assert rule["labels"]["severity"] in ("critical", "warning", "info")
            assert rule["annotations"]["summary"].strip()
            assert rule["annotations"]["description"].strip()
    assert len(names) == len(set(names)), "alert names must be unique"


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda r: r["alert"])
def test_alert_rule_uses_known_metrics_and_labels(rule: dict[str, Any]) -> None:
    assert promql_problems(rule["expr"]) == []
    available = output_labels(rule["expr"])
    for text in rule["annotations"].values():
        for label in re.findall(r"\$labels\.(\w+)", text):
            assert label in available, (
                f"{rule['alert']}: $labels.{label} is not kept by the expression"
            )


def test_alert_rules_cover_the_platform_failure_modes() -> None:
    exprs = {rule["alert"]: " ".join(rule["expr"].split()) for rule in alert_rules()}
    fors = {rule["alert"]: rule["for"] for rule in alert_rules()}

    def find(pattern: str) -> list[str]:
        return [name for name, expr in exprs.items() if re.search(pattern, expr)]

    assert find(r"\bup\{[^}]*\} == 0"), "service down"
    assert find(r"inventory_outbox_oldest_age_seconds\) > 60\b"), "oldest outbox event > 60 s"
    assert find(r"deriv\(inventory_outbox_depth"), "outbox backlog growing"
    assert find(r"inventory_dlq_messages_total"), "messages arriving in a DLQ"
    lag = find(r"inventory_consumer_lag")
    assert lag and any(fors[name] == "5m" for name in lag), "consumer lag high for 5m"
    assert find(r"histogram_quantile\(0\.99, .*inventory_handler_duration_seconds_bucket"), (
        "handler p99"
    )
    assert find(r'inventory_http_requests_total\{[^}]*status=~"5\.\."'), "HTTP 5xx ratio"


def _promtool() -> str:
    promtool = shutil.which("promtool")
    if not promtool:
        pytest.skip("promtool is not on PATH")
    return promtool


def test_promtool_checks_rules_and_runs_their_unit_tests() -> None:
    promtool = _promtool()
    for args in (["check", "rules", "alerts.yml"], ["test", "rules", "alerts.test.yml"]):
        result = subprocess.run([promtool, *args], cwd=PROMETHEUS, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("config", ["prometheus.yml", "prometheus-k8s.yml"])
def test_promtool_checks_config(config: str, tmp_path: Path) -> None:
    promtool = _promtool()
    text = (
        (PROMETHEUS / config)
        .read_text()
        .replace("/etc/prometheus/alerts.yml", str(PROMETHEUS / "alerts.yml"))
    )
    (tmp_path / config).write_text(text)
    result = subprocess.run(
        [promtool, "check", "config", str(tmp_path / config)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- Grafana


@cache
def provisioned_datasource() -> dict[str, Any]:
    config = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    (datasource,) = [d for d in config["datasources"] if d["type"] == "prometheus"]
    return datasource


def dashboards() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}


def all_panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def targets(dashboard: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for panel in all_panels(dashboard):
        for target in panel.get("targets", []):
            yield panel, target


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


# --------------------------------------------------------------------------- Kubernetes


@dataclass(frozen=True)
class Doc:
    file: str
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        return self.body["kind"]

    @property
    def name(self) -> str:
        return self.body["metadata"]["name"]


def load_docs(path: Path) -> list[Doc]:
    return [
        Doc(path.relative_to(K8S).as_posix(), body)
        for body in yaml.safe_load_all(path.read_text())
        if body
    ]


@cache
def kustomization() -> dict[str, Any]:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


@cache
def k8s_docs() -> tuple[Doc, ...]:
    docs: list[Doc] = []
    for resource in kustomization()["resources"]:
        docs += load_docs(K8S / resource)
    return tuple(docs)


def k8s(kind: str, name: str) -> dict[str, Any]:
    found = [d.body for d in k8s_docs() if d.kind == kind and d.name == name]
    assert len(found) == 1, f"expected one {kind} {name!r} in deploy/k8s, found {len(found)}"
    return found[0]


@cache
def template_secrets() -> dict[str, dict[str, str]]:
    return {
        d.name: d.body["stringData"]
        for d in load_docs(K8S / "secrets.example.yaml")
        if d.kind == "Secret"
    }


def pod_specs() -> Iterator[tuple[str, dict[str, Any]]]:
    for doc in k8s_docs():
        if doc.kind in ("Deployment", "StatefulSet", "Job"):
            yield f"{doc.kind}/{doc.name}", doc.body["spec"]["template"]["spec"]


def containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def test_kustomization_lists_every_manifest_and_only_existing_ones() -> None:
    resources = kustomization()["resources"]
    assert len(resources) == len(set(resources))
    for resource in resources:
        assert (K8S / resource).is_file(), f"kustomization lists missing {resource}"
    on_disk = {
        p.relative_to(K8S).as_posix()
        for p in K8S.rglob("*.yaml")
        if p.name not in ("kustomization.yaml", "secrets.example.yaml")
    }
    assert on_disk == set(resources), "manifests not in kustomization.yaml (or listed but absent)"
    assert "secrets.example.yaml" not in resources, (
        "applying the template would overwrite real Secrets"
    )
    assert kustomization()["namespace"] == NAMESPACE
    images = {image["name"] for image in kustomization().get("images", [])}
    assert images == {f"inventory/{s}" for s in SERVICES}


def test_k8s_every_document_is_namespaced_and_labelled() -> None:
    assert (
        k8s("Namespace", NAMESPACE)["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        == "restricted"
    )
    for doc in k8s_docs():
        assert {"apiVersion", "kind", "metadata"} <= set(doc.body), doc.file
        if doc.kind not in CLUSTER_SCOPED:
            assert doc.body["metadata"].get("namespace") == NAMESPACE, (
                f"{doc.file}: {doc.kind}/{doc.name}"
            )
        assert doc.body["metadata"]["labels"]["app.kubernetes.io/part-of"] == "inventory-platform"
    keys = [(d.kind, d.name) for d in k8s_docs()]
    assert len(keys) == len(set(keys)), "duplicate objects"


CLUSTER_SCOPED = ("Namespace", "PriorityClass")
ORDER_PATH = ("integration-gateway", "reservation", "stock-ledger")
"""Services that answer orders and documents as they come; the rest may lag and catch up."""


def test_k8s_order_path_pods_outrank_background_pods() -> None:
    """On a busy node the scheduler preempts and the kubelet evicts planning, alerting and
    approvals before the pods an order goes through."""
    value = {d.name: d.body["value"] for d in k8s_docs() if d.kind == "PriorityClass"}
    classes = {name: pod.get("priorityClassName") for name, pod in pod_specs()}
    assert classes["StatefulSet/kafka"] in value, "the broker is on the order path"
    background = [value[classes[f"Deployment/{s}"]] for s in SERVICES if s not in ORDER_PATH]
    for service in SERVICES:
        own = value[classes[f"Deployment/{service}"]]
        if service in ORDER_PATH:
            assert own > max(background), service
            assert own == value[classes["StatefulSet/kafka"]]
        else:
            assert own < value[classes["Deployment/reservation"]], service
    assert not any(d.body.get("globalDefault") for d in k8s_docs() if d.kind == "PriorityClass")


def test_k8s_workloads_meet_the_restricted_pod_security_standard() -> None:
    for where, pod in pod_specs():
        security = pod.get("securityContext", {})
        assert security.get("runAsNonRoot") is True, where
        assert security.get("runAsUser", 1) != 0, where
        for container in containers(pod):
            c_security = container.get("securityContext", {})
            seccomp = c_security.get("seccompProfile") or security.get("seccompProfile")
            assert seccomp and seccomp["type"] in ("RuntimeDefault", "Localhost"), (
                f"{where}/{container['name']}"
            )
            assert c_security.get("allowPrivilegeEscalation") is False, (
                f"{where}/{container['name']}"
            )
            assert c_security.get("capabilities", {}).get("drop") == ["ALL"], (
                f"{where}/{container['name']}"
            )
            assert not c_security.get("privileged", False)
            resources = container.get("resources", {})
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(kind, {})), (
                    f"{where}/{container['name']} {kind}"
                )


def test_k8s_config_provides_the_shared_settings() -> None:
    config = k8s("ConfigMap", "inventory-config")["data"]
    assert set(config) == conventions().env_vars - {"SERVICE_NAME", "DATABASE_URL"}
    assert config["ENVIRONMENT"] == "production"
    assert config["HTTP_PORT"] == str(CONTAINER_PORT)
    assert all(isinstance(value, str) for value in config.values()), (
        "ConfigMap values must be strings"
    )


def env_names(container: dict[str, Any]) -> set[str]:
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            names |= set(k8s("ConfigMap", source["configMapRef"]["name"])["data"])
    return names


@pytest.mark.parametrize("service", SERVICES)
def test_k8s_service_deployment(service: str) -> None:
    deployment = k8s("Deployment", service)
    spec = deployment["spec"]
    assert spec["replicas"] == REPLICATED.get(service, 1)
    template = spec["template"]
    labels = template["metadata"]["labels"]
    assert labels["app.kubernetes.io/name"] == service, (
        "prometheus-k8s.yml takes the job from this label"
    )
    assert spec["selector"]["matchLabels"].items() <= labels.items()

    pod = template["spec"]
    (container,) = pod["containers"]
    (migrate,) = pod["initContainers"]
    assert container["image"].split(":")[0] == f"inventory/{service}"
    assert migrate["image"] == container["image"]
    assert container["args"] == ["serve"] and "command" not in container
    assert migrate["args"] == ["migrate"] and "command" not in migrate

    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": CONTAINER_PORT}
    for probe, path in (("livenessProbe", "/health"), ("readinessProbe", "/ready")):
        get = container[probe]["httpGet"]
        assert get["path"] == path, probe
        assert get["port"] in (*ports, *ports.values()), probe
    if "startupProbe" in container:
        assert container["startupProbe"]["httpGet"]["path"] == "/health"

    annotations = template["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(CONTAINER_PORT)
    assert annotations["prometheus.io/path"] == "/metrics"

    for c in (container, migrate):
        assert conventions().env_vars <= env_names(c), f"{c['name']} lacks settings"
        env = {e["name"]: e for e in c["env"]}
        assert env["SERVICE_NAME"]["value"] == service
        ref = env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]
        assert ref["key"] in template_secrets()[ref["name"]], (
            "Secret missing from secrets.example.yaml"
        )
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        assert {m["mountPath"] for m in c.get("volumeMounts", [])} >= {"/tmp"}

    secret_url = urlsplit(template_secrets()[f"{service}-database"]["DATABASE_URL"])
    assert secret_url.scheme == "postgresql+asyncpg"
    assert secret_url.path == f"/{conventions().database(service)}"
    assert "REPLACE_ME" in secret_url.netloc, "the template must hold placeholders, not credentials"


@pytest.mark.parametrize("service", SERVICES)
def test_k8s_service_exposes_the_conventions_port(service: str) -> None:
    svc = k8s("Service", service)
    pod_labels = k8s("Deployment", service)["spec"]["template"]["metadata"]["labels"]
    assert svc["spec"]["selector"].items() <= pod_labels.items()
    (port,) = svc["spec"]["ports"]
    assert port["port"] == conventions().ports[service]
    container_ports = k8s("Deployment", service)["spec"]["template"]["spec"]["containers"][0][
        "ports"
    ]
    assert port["targetPort"] in [p["name"] for p in container_ports] + [
        p["containerPort"] for p in container_ports
    ]


@pytest.mark.parametrize("service", sorted(REPLICATED))
def test_k8s_replicated_services_have_a_disruption_budget(service: str) -> None:
    pdb = k8s("PodDisruptionBudget", service)
    replicas = k8s("Deployment", service)["spec"]["replicas"]
    pod_labels = k8s("Deployment", service)["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert 1 <= pdb["spec"]["minAvailable"] < replicas, (
        "a budget equal to replicas blocks every drain"
    )


def test_k8s_kafka_statefulset() -> None:
    sts = k8s("StatefulSet", "kafka")
    assert sts["spec"]["replicas"] == 1
    headless = k8s("Service", sts["spec"]["serviceName"])
    assert headless["spec"]["clusterIP"] == "None"
    pod = sts["spec"]["template"]["spec"]
    assert pod["enableServiceLinks"] is False, (
        "service links inject KAFKA_* variables into the broker config"
    )
    (container,) = pod["containers"]
    assert container["image"] == KAFKA_IMAGE
    env = {e["name"]: e["value"] for e in container["env"]}
    check_kraft_env(env)
    pod_dns = (
        f"{sts['metadata']['name']}-0.{sts['spec']['serviceName']}.{NAMESPACE}.svc.cluster.local"
    )
    listeners = kafka_listeners(tuple(sorted(env.items())))
    for address in listeners["advertised"].values():
        assert address.rsplit(":", 1)[0] == pod_dns
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split("@")[1].rsplit(":", 1)[0] == pod_dns
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert any(env["KAFKA_LOG_DIRS"].startswith(m) for m in mounts), (
        "Kafka data must be on the volume"
    )
    assert sts["spec"]["volumeClaimTemplates"]

    bootstrap_host, bootstrap_port = k8s("ConfigMap", "inventory-config")["data"][
        "KAFKA_BOOTSTRAP_SERVERS"
    ].split(":")
    service_name = bootstrap_host.split(".")[0]
    assert bootstrap_host in (
        service_name,
        f"{service_name}.{NAMESPACE}",
        f"{service_name}.{NAMESPACE}.svc.cluster.local",
    )
    bootstrap = k8s("Service", service_name)
    assert (
        bootstrap["spec"]["selector"].items()
        <= sts["spec"]["template"]["metadata"]["labels"].items()
    )
    assert int(bootstrap_port) in [p["port"] for p in bootstrap["spec"]["ports"]]
    assert int(bootstrap_port) == conventions().ports["Kafka (PLAINTEXT)"]


def test_k8s_topic_job_runs_the_same_script() -> None:
    job = k8s("Job", "kafka-create-topics")
    pod = job["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == KAFKA_IMAGE
    volume = next(v for v in pod["volumes"] if "configMap" in v)
    config_map = k8s("ConfigMap", volume["configMap"]["name"])
    (key,) = config_map["data"]
    assert config_map["data"][key] == TOPICS_SCRIPT.read_text(), (
        "kafka-topics.yaml embeds an outdated copy of deploy/kafka/create-topics.sh"
    )
    mount = next(m for m in container["volumeMounts"] if m["name"] == volume["name"])
    assert f"{mount['mountPath']}/{key}" in container["command"] + container.get("args", [])
    bootstrap = next(e for e in container["env"] if e["name"] == "KAFKA_BOOTSTRAP_SERVERS")
    assert bootstrap["valueFrom"]["configMapKeyRef"] == {
        "name": "inventory-config",
        "key": "KAFKA_BOOTSTRAP_SERVERS",
    }
    assert pod["restartPolicy"] in ("OnFailure", "Never")


def test_k8s_secret_template_is_ignored_by_git() -> None:
    assert set(template_secrets()) == {f"{s}-database" for s in SERVICES}
    ignored = (K8S / ".gitignore").read_text().split()
    assert any(fnmatch.fnmatch("secrets.yaml", pattern) for pattern in ignored)


def test_kustomize_builds() -> None:
    kubectl = shutil.which("kubectl")
    kustomize = shutil.which("kustomize")
    if kustomize:
        command = [kustomize, "build", str(K8S)]
    elif kubectl:
        command = [kubectl, "kustomize", str(K8S)]
    else:
        pytest.skip("neither kustomize nor kubectl is on PATH")
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    built = [d for d in yaml.safe_load_all(result.stdout) if d]
    assert len(built) == len(k8s_docs())
    for doc in built:
        for pod_container in (
            doc.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])
        ):
            if pod_container["image"].startswith("inventory/"):
                assert ":" in pod_container["image"], "kustomize must pin the service images"
