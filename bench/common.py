"""What every benchmark here shares: timing side by side, so a figure and its baseline see the same machine."""
from __future__ import annotations

import statistics
import time


def interleaved(fns: dict, rounds: int, before=None) -> dict[str, float]:
    """Median wall time (seconds) of each callable over ``rounds`` rounds run side by side
    (``before``, if given, runs untimed before each call)."""
    runs: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            if before is not None:
                before()
            start = time.perf_counter()
            fn()
            runs[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in runs.items()}
