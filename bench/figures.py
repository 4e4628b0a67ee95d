"""A benchmark's figures, for `make bench` (bench/run.py) to gather into one table.

A script calls `record()` for each figure it prints: the project's value, the baseline measured in the
same run (None where the goal is absolute), the goal, and the spread of the repeats. With BENCH_RESULTS
set (bench/run.py sets it), each figure is appended to that file as one JSON line; otherwise nothing is
written and the script prints as it always did.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str  # of value and baseline ("s", "MB", "req/s", "%")
    baseline: float | None = None  # measured in the same run; the goal is then on value ÷ baseline
    goal: float | None = None
    at_most: bool = True  # the goal is a ceiling (times) or a floor (throughput, share named right)
    spread: float | None = None  # max - min of the repeats, in value's unit (or of the ratio)
    script: str = ""

    @property
    def ratio(self) -> float | None:
        return None if not self.baseline else self.value / self.baseline

    @property
    def measured(self) -> float:
        """What the goal is checked on: the ratio where there is a baseline, else the value itself."""
        ratio = self.ratio
        return self.value if ratio is None else ratio

    @property
    def met(self) -> bool | None:
        if self.goal is None:
            return None
        return self.measured <= self.goal if self.at_most else self.measured >= self.goal

    def goal_text(self) -> str:
        if self.goal is None:
            return ""
        unit = "x" if self.baseline else f" {self.unit}"
        return f"{'≤' if self.at_most else '≥'} {self.goal:g}{unit}"


def record(figure: Figure) -> Figure:
    """Append `figure` to BENCH_RESULTS (when set) and return it."""
    target = os.environ.get("BENCH_RESULTS")
    if target:
        with Path(target).open("a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(figure)) + "\n")
    return figure


def read(path: Path) -> list[Figure]:
    if not path.exists():
        return []
    return [
        Figure(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
