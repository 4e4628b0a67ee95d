"""make bench's table: figures against baselines and goals, gathered from the scripts, and its chart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from bench.figures import Figure, read, record
from bench.run import chart, table


def test_a_goal_is_checked_on_the_ratio_when_there_is_a_baseline_else_on_the_value() -> None:
    slower = Figure("round trip", 0.6, "s", baseline=0.5, goal=1.1)
    assert slower.ratio == pytest.approx(1.2) and slower.met is False and slower.goal_text() == "≤ 1.1x"
    assert Figure("studio", 0.4, "s", goal=0.5).met is True  # absolute: 0.4 s against 0.5 s
    floor = Figure("downloads", 900.0, "req/s", baseline=1000.0, goal=0.8, at_most=False)
    assert floor.met is True and floor.goal_text() == "≥ 0.8x"
    assert Figure("idle CPU", 1.0, "%").met is None  # reported, no goal


def test_scripts_record_into_bench_results_and_the_table_lists_every_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = tmp_path / "figures.jsonl"
    monkeypatch.setenv("BENCH_RESULTS", str(results))
    record(Figure("named right", 76.0, "%", goal=90.0, at_most=False, script="naming.py"))
    record(Figure("cut-out", 0.26, "s", baseline=0.2, goal=1.05, spread=0.3, script="cutout.py"))
    figures = read(results)
    assert [f.name for f in figures] == ["named right", "cut-out"]
    assert all(json.loads(line)["script"] for line in results.read_text().splitlines())
    header, named, cutout = table(figures)
    assert header.split()[:2] == ["figure", "project"]
    assert "76 %" in named and "MISSED" in named
    assert "0.26 s" in cutout and "0.2 s" in cutout and "1.30x" in cutout and "≤ 1.05x" in cutout
    about = {"cores": "2", "cpu": "a CPU", "memory": "24 GiB", "gpu": "none", "date": "today"}
    chart(figures, about, tmp_path / "results.png")
    with Image.open(tmp_path / "results.png") as image:
        assert image.format == "PNG" and image.width > 600
