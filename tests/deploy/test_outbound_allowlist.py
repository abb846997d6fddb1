"""Deployed stacks open no internal address to webhooks and channels: only the development
script allow-lists loopback (for the local ERP, webhook and SMTP stand-ins)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_compose_and_k8s_set_no_outbound_allowlist() -> None:
    manifests = [ROOT / "compose.yaml", *sorted((ROOT / "deploy").rglob("*.yaml"))]
    assert [m for m in manifests if "OUTBOUND_ALLOWLIST" in m.read_text()] == []


def _allowlist_of_services_sh(environment: str) -> str:
    script = (ROOT / "scripts" / "services.sh").read_text()
    start = script.index("DEV_OUTBOUND_ALLOWLIST=")
    end = script.index("\n}\n", script.index("outbound_allowlist() {")) + 3
    shell = f"{script[start:end]}\nENVIRONMENT={environment}\noutbound_allowlist\n"
    env = {k: v for k, v in os.environ.items() if k not in ("OUTBOUND_ALLOWLIST", "ENVIRONMENT")}
    done = subprocess.run(
        ["bash", "-c", shell], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.strip()


def test_services_sh_allow_lists_loopback_in_development_only() -> None:
    assert _allowlist_of_services_sh("development") == "127.0.0.0/8,::1,localhost"
    assert _allowlist_of_services_sh("production") == ""
    assert _allowlist_of_services_sh("test") == ""
