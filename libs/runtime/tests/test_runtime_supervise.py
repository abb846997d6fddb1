"""Background tasks that crash are reported, then started again after a backoff."""

from __future__ import annotations

import asyncio

import pytest
from inventory_runtime import supervise as supervision
from inventory_runtime.metrics import BACKGROUND_TASK_RESTARTS as RESTARTS
from inventory_runtime.supervise import supervise


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(supervision, "RESTART_FIRST_SECONDS", 0.01)
    monkeypatch.setattr(supervision, "RESTART_MAX_SECONDS", 0.04)
    monkeypatch.setattr(supervision, "HEALTHY_AFTER_SECONDS", 0.1)


async def test_a_crashing_task_is_reported_restarted_with_backoff_and_healthy_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tasks: dict[str, asyncio.Task[None]] = {}
    failures: dict[str, str] = {}
    runs: list[float] = []
    settled = asyncio.Event()

    async def job() -> None:
        runs.append(asyncio.get_running_loop().time())
        if len(runs) <= 3:
            raise RuntimeError(f"store unreachable ({len(runs)})")
        settled.set()
        await asyncio.sleep(3600)

    before = RESTARTS.labels("flaky")._value.get()
    supervise("flaky", job, tasks, failures, lambda: False)
    await asyncio.wait_for(settled.wait(), 5)
    assert len(runs) == 4
    assert RESTARTS.labels("flaky")._value.get() == before + 3
    said = [r.getMessage() for r in caplog.records if r.name == supervision.__name__]
    assert [m.split("restarting in ")[1] for m in said] == ["0.01 s", "0.02 s", "0.04 s"]
    assert said[0].startswith("background task flaky crashed")
    assert "store unreachable (3)" in failures["flaky"]  # still shown just after the restart
    await asyncio.sleep(0.2)
    assert "flaky" not in failures  # the new run lasted: healthy again
    tasks["flaky"].cancel()


async def test_a_task_that_ends_is_restarted_but_nothing_is_once_the_service_stops() -> None:
    tasks: dict[str, asyncio.Task[None]] = {}
    failures: dict[str, str] = {}
    stopping = False
    runs = 0

    async def job() -> None:
        nonlocal runs
        runs += 1

    supervise("ends", job, tasks, failures, lambda: stopping)
    await asyncio.sleep(0.05)
    assert runs >= 2 and "ended unexpectedly" in failures["ends"]
    stopping = True
    seen = runs
    await asyncio.sleep(0.1)
    assert runs <= seen + 1  # at most the one already scheduled checks `stopping` and stays
