"""What a long study shows while it runs: a progress bar over simulated periods (every replay of
the study, with the time left), the time of each planning run, and the peak memory at the end."""

from __future__ import annotations

import resource
import sys

from tqdm import tqdm


class Progress:
    """Periods replayed so far out of those expected; `expect` adds replays as the study plans
    them, `planned` shows the last planning run's time."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.bar = tqdm(
            total=0,
            unit=" periods",
            desc="simulating",
            disable=not enabled,
            file=sys.stderr,
            dynamic_ncols=True,
            mininterval=1.0,
        )

    def expect(self, replays: int, periods: int) -> None:
        self.bar.total = (self.bar.total or 0) + replays * periods
        self.bar.refresh()

    def step(self) -> None:
        self.bar.update(1)

    def planned(self, seconds: float, runs: int) -> None:
        self.bar.set_postfix_str(f"planning run {runs}: {seconds:.1f} s", refresh=False)

    def close(self) -> None:
        """The study is over: the bar ends at 100 % (a search may have stopped early)."""
        self.bar.total = self.bar.n
        self.bar.refresh()
        self.bar.close()


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
