"""What every benchmark here shares: timing side by side, so a figure and its baseline see the same machine."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Median wall time and median CPU time of this process (``time.process_time``), seconds."""

    wall: float
    cpu: float


def interleaved_timing(fns: dict, rounds: int, before=None) -> dict[str, Timing]:
    """Median wall and CPU time (seconds) of each callable over ``rounds`` rounds run side by side
    (``before``, if given, runs untimed before each call). CPU time is this process's user + system
    time: on a shared machine it does not count the time other processes held the cores."""
    walls: dict[str, list[float]] = {name: [] for name in fns}
    cpus: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            if before is not None:
                before()
            cpu, wall = time.process_time(), time.perf_counter()
            fn()
            walls[name].append(time.perf_counter() - wall)
            cpus[name].append(time.process_time() - cpu)
    return {name: Timing(statistics.median(walls[name]), statistics.median(cpus[name])) for name in fns}


def interleaved(fns: dict, rounds: int, before=None) -> dict[str, float]:
    """Median wall time (seconds) of each callable over ``rounds`` rounds run side by side
    (``before``, if given, runs untimed before each call)."""
    return {name: t.wall for name, t in interleaved_timing(fns, rounds, before).items()}
