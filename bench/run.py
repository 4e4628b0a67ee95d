"""`make bench`: every benchmark in bench/, one table of figures against their baselines, saved.

Runs each script (each under its own time limit) with BENCH_RESULTS set, gathers the figures they record
(bench/figures.py), prints one table (figure, project value, baseline measured in the same run, ratio,
goal, met or missed, spread of the repeats) headed by the machine it ran on, and writes it as
bench/results.json and a chart, bench/results.png. Scripts that need what this machine lacks (PostgreSQL
and Redis for --postgres, the sample photos for naming, CUDA for the GPU section) are listed as skipped,
with the reason.

    .venv/bin/python bench/run.py [--only NAME …] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import Figure, read  # noqa: E402
from bench.httpload import reachable  # noqa: E402

SHARED_DEV = ROOT.parent / "shared" / "photos" / "dev"


@dataclass(frozen=True)
class Script:
    name: str
    arguments: tuple[str, ...] = ()
    limit: float = 240.0
    needs: str = ""  # "services", "photos", "cuda": skipped, with the reason, where missing


SCRIPTS = (
    Script("web_startup.py", limit=120),
    Script("cutout.py", limit=180),
    Script("recommendations.py", limit=180),
    Script("studio.py", limit=120),
    Script("embedded.py", ("--rounds", "5"), limit=300),
    Script("embedded.py", ("--postgres", "--rounds", "5"), limit=300, needs="services"),
    Script("download.py", limit=300),
    Script("web_memory.py", limit=180),
    Script("enqueue.py", limit=120, needs="services"),
    Script("object_store.py", limit=300, needs="services"),
    Script("naming.py", limit=900, needs="photos"),  # both photo sets: ~9 min on 2 cores
    Script("diffusion_gpu.py", limit=600, needs="cuda"),
    Script("finetune_gpu.py", limit=600, needs="cuda"),
)


def missing(script: Script) -> str:
    """Why `script` cannot run here ("" when it can)."""
    if script.needs == "services" and not (reachable("127.0.0.1", 5432) and reachable("127.0.0.1", 6379)):
        return "PostgreSQL on :5432 and Redis on :6379 are not both reachable"
    if script.needs == "photos" and not (SHARED_DEV / "names.tsv").is_file():
        return f"no photos with a names.tsv at {SHARED_DEV}"
    if script.needs == "cuda" and not shutil.which("nvidia-smi"):
        return "no CUDA GPU"
    return ""


def machine() -> dict[str, str]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    gpu = ""
    if shutil.which("nvidia-smi"):
        gpu = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True).stdout.strip()
    return {
        "cores": str(os.cpu_count()), "cpu": model, "memory": memory, "gpu": gpu or "none",
        "python": platform.python_version(), "system": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }  # fmt: skip


def run(script: Script, results: Path, log: Path) -> str:
    """Run one script; its outcome in words ("ok", "failed (exit 1)", "timed out after 300 s")."""
    started = time.monotonic()
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n=== {script.name} {' '.join(script.arguments)}\n")
        out.flush()
        try:
            done = subprocess.run(
                [sys.executable, str(ROOT / "bench" / script.name), *script.arguments],
                cwd=ROOT,
                env={**os.environ, "BENCH_RESULTS": str(results)},
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=script.limit,
            )
        except subprocess.TimeoutExpired:
            return f"timed out after {script.limit:.0f} s"
    took = time.monotonic() - started
    return (
        f"ok in {took:.0f} s" if done.returncode == 0 else f"failed (exit {done.returncode}) in {took:.0f} s"
    )


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    text = f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return f"{text} {unit}".strip()


def table(figures: list[Figure]) -> list[str]:
    rows = [("figure", "project", "baseline", "ratio", "goal", "", "spread")]
    for f in figures:
        verdict = {True: "met", False: "MISSED", None: ""}[f.met]
        spread = "" if f.spread is None else f"{f.spread:.2g}"
        rows.append(
            (
                f.name,
                _number(f.value, f.unit),
                _number(f.baseline, f.unit),
                "" if f.ratio is None else f"{f.ratio:.2f}x",
                f.goal_text(),
                verdict,
                spread,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]


def chart(figures: list[Figure], about: dict[str, str], path: Path) -> None:
    """Each figure with a goal as a bar of how far it is from its goal (1 = exactly the goal; a ceiling's
    bar ends left of the line when met, a floor's right of it), green when met, red when missed."""
    from PIL import Image, ImageDraw, ImageFont

    goals = [f for f in figures if f.goal is not None]
    row, left, scale = 34, 520, 260  # pixels: a row's height, where bars start, the width of the goal
    image = Image.new("RGB", (left + scale * 2 + 140, 90 + row * max(1, len(goals))), "white")
    draw = ImageDraw.Draw(image)
    font, small = ImageFont.load_default(size=16), ImageFont.load_default(size=13)
    draw.text((16, 12), "make bench: each figure against its goal (the line)", fill="black", font=font)
    draw.text(
        (16, 36),
        f"{about['cores']} cores, {about['cpu']}, {about['memory']}, GPU: {about['gpu']}; {about['date']}",
        fill="dimgray",
        font=small,
    )
    goal_x = left + scale
    for index, figure in enumerate(goals):
        y = 70 + index * row
        share = figure.measured / figure.goal if figure.goal else 0.0
        colour = (46, 160, 67) if figure.met else (207, 34, 46)
        draw.text((16, y + 6), figure.name[:60], fill="black", font=small)
        draw.rectangle((left, y + 4, left + min(2 * scale, share * scale), y + row - 8), fill=colour)
        goal = figure.goal_text().replace("≤", "<=").replace("≥", ">=")  # glyphs the default font lacks
        label = f"{figure.measured:.3g}{'x' if figure.baseline else ' ' + figure.unit} (goal {goal})"
        draw.text((left + min(2 * scale, share * scale) + 8, y + 6), label, fill="black", font=small)
    draw.line((goal_x, 64, goal_x, image.height - 8), fill="black", width=2)
    image.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="script names to run (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench", help="where results.json and .png go")
    arguments = parser.parse_args()
    chosen = [s for s in SCRIPTS if not arguments.only or s.name in arguments.only]
    about = machine()
    work = Path(tempfile.mkdtemp(prefix="bench-run-"))
    results, log = work / "figures.jsonl", work / "log.txt"
    outcomes = []
    for script in chosen:
        title = f"{script.name} {' '.join(script.arguments)}".strip()
        why = missing(script)
        outcome = f"skipped: {why}" if why else run(script, results, log)
        outcomes.append({"script": title, "outcome": outcome})
        print(f"{title:40} {outcome}", flush=True)
    figures = read(results)
    print(
        f"\n{about['cores']} cores, {about['cpu']}, {about['memory']}, GPU: {about['gpu']}; {about['date']}"
    )
    print("\n".join(table(figures)))
    arguments.out.mkdir(parents=True, exist_ok=True)
    document = {"machine": about, "scripts": outcomes, "log": str(log),
                "figures": [asdict(f) | {"ratio": f.ratio, "met": f.met} for f in figures]}  # fmt: skip
    (arguments.out / "results.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    chart(figures, about, arguments.out / "results.png")
    print(f"\nwrote {arguments.out / 'results.json'} and results.png; every script's output: {log}")
    return 1 if any(o["outcome"].startswith(("failed", "timed out")) for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
