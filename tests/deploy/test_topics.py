"""The topic script (deploy/kafka/create-topics.sh) against the contracts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.deploy.artifacts import EXPECTED_TOPICS, TOPICS_SCRIPT, _fake_command, script_topics


def test_topic_script_lists_the_contract_topics() -> None:
    assert script_topics() == EXPECTED_TOPICS


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
