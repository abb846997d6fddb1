"""What the page tests share: Debian's headless Chromium (installed by `scripts/chromium.sh`),
the flags it runs with, where screenshots go, and a free port to serve an app on."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from inventory_testkit.stack import STACK_ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or STACK_ROOT / ".local" / "screenshots")
CHROMIUM_MISSING = "needs Debian's chromium: bash scripts/chromium.sh"


def screenshot(name: str) -> Path:
    """Where the screenshot `name` goes (the folder is made on first use)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / name


def free_port() -> int:
    """A TCP port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
