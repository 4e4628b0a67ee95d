"""make bench's table: figures against baselines and goals, gathered from the scripts, and its chart."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from bench.figures import Figure, read, record
from bench.photosets import Part, Tally, Verdict, confidently_wrong, judge, part_of, read_table
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


def test_the_gpu_scripts_figures_are_rows_of_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import diffusion_gpu, finetune_gpu

    results = tmp_path / "figures.jsonl"
    monkeypatch.setenv("BENCH_RESULTS", str(results))
    diffusion_gpu.record_figures(
        {
            "model": "SD 1.5 inpainting",
            "device": "NVIDIA H200",
            "steps": 30,
            "one_seconds": 1.5,
            "six_seconds": 4.5,
            "peak_gib": 9.1,
            "goal": "≤ 6 s",
        }
    )
    finetune_gpu.record_figures(
        {
            "resolution": 512,
            "batch": 4,
            "precision": "fp16",
            "device": "NVIDIA H200",
            "steps_per_second": 4.0,
            "bare_steps_per_second": 5.0,
            "peak_gib": 12.0,
        }
    )
    rows = {f.name: f for f in read(results)}
    six = rows["SD 1.5 inpainting: six creatives in one call, 30 steps (NVIDIA H200)"]
    assert six.value == 4.5 and six.goal == 6.0 and six.met is True
    assert rows["SD 1.5 inpainting: six in one call vs six single calls"].ratio == pytest.approx(0.5)
    step = rows["fine-tune step, 512² batch 4 fp16 (NVIDIA H200)"]
    assert step.ratio == pytest.approx(1.25)  # 0.25 s a step against the bare 0.2 s
    assert rows["fine-tune peak GPU memory"].value == 12.0
    assert len(table(list(rows.values()))) == 1 + 5


def test_the_held_out_split_is_the_hash_rule_about_a_third_and_ignores_the_folder() -> None:
    photos = [f"product_{number:03d}.jpg" for number in range(300)]
    parts = [part_of(photo) for photo in photos]
    assert parts == [part_of(photo) for photo in photos]  # the same every time
    assert 0.25 < parts.count("holdout") / len(photos) < 0.42
    first = photos[0]
    expected = (
        "holdout"
        if int(hashlib.sha1(first.encode(), usedforsecurity=False).hexdigest(), 16) % 3 == 0
        else "tune"
    )
    assert part_of(first) == expected and part_of(f"../shared/photos/dev/{first}") == expected


def test_a_name_is_right_generic_or_wrong_by_the_two_tables_and_only_wrong_can_be_confident() -> None:
    right, generic = re.compile("juice|carton", re.IGNORECASE), re.compile("drink|food", re.IGNORECASE)
    assert judge("Orange Juice", right, generic) == "right"
    assert judge("drink", right, generic) == "generic"
    assert judge("ball", right, generic) == "wrong"
    assert judge("drink", right, None) == "wrong"  # a photo without a generic.tsv line
    categories = re.compile(r"sport|item|video ?game|product", re.IGNORECASE)
    assert judge("sports item", right, categories) == "generic"  # every word a category word
    assert judge("video game", right, categories) == "generic"  # a category of two words
    assert judge("video game piece", right, categories) == "generic"  # "piece" claims nothing
    assert judge("cosmetic product", right, categories) == "wrong"  # "cosmetic" claims what it is not
    assert confidently_wrong("wrong", None, 0.6) and confidently_wrong(
        "wrong", 0.5, None
    )  # no confidence yet
    assert confidently_wrong("wrong", 0.6, 0.6) and not confidently_wrong("wrong", 0.59, 0.6)
    assert not confidently_wrong("generic", 0.99, 0.6) and not confidently_wrong("right", None, None)


def test_the_answer_tables_are_read_case_insensitively_and_a_tally_gives_shares(tmp_path: Path) -> None:
    table = tmp_path / "names.tsv"
    table.write_text("# photo\tregex\n\na.jpg\tjuice|carton\nb.jpg\t toy \n", encoding="utf-8")
    patterns = read_table(table)
    assert sorted(patterns) == ["a.jpg", "b.jpg"] and patterns["a.jpg"].search("JUICE")
    assert read_table(tmp_path / "generic.tsv") == {}
    tally = Tally()
    tallied: list[tuple[Verdict, bool]] = [
        ("right", False),
        ("right", False),
        ("generic", False),
        ("wrong", True),
    ]
    for verdict, confident in tallied:
        tally.add(verdict, confident)
    assert tally.total == 4 and tally.share(tally.counts["right"]) == 50.0
    assert tally.share(tally.confident_wrong) == 25.0 and "confidently wrong 1 (25 %)" in tally.line()
    assert Tally().share(0) == 0.0


def test_naming_tallies_each_folder_by_part_and_records_a_figure_per_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import naming

    def row(folder: str, part: Part, verdict: Verdict) -> naming.Row:
        wrong = verdict == "wrong"
        return naming.Row(
            folder, "p.jpg", part, verdict, wrong, "ball", None, "", "", "", "tin", "wrong", 2.0, 1.0
        )

    rows = [row("dev", "tune", "right"), row("dev", "holdout", "wrong"), row("dev2", "tune", "generic")]
    tallied = naming.tallies(rows)
    assert list(tallied) == [("dev", "tune"), ("dev", "holdout"), ("dev", "all"), ("dev2", "tune")]
    assert tallied["dev", "all"].counts == {"right": 1, "generic": 0, "wrong": 1}
    assert tallied["dev", "all"].confident_wrong == 1
    results = tmp_path / "figures.jsonl"
    monkeypatch.setenv("BENCH_RESULTS", str(results))
    naming.record_figures(rows)
    figures = {f.name: f for f in read(results)}
    assert figures["named right, dev holdout"].goal == naming.UNSEEN_GOAL
    assert figures["names confidently wrong"].value == pytest.approx(100 / 3)
    assert figures["Recommendations pipeline per photo"].ratio == pytest.approx(2.0)
