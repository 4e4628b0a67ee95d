"""bench/RESULTS.md from what bench/gpu_acceptance.sh gathered in a folder: the tests' summary line,
diffusion.json (bench/diffusion_gpu.py) and finetune.json (bench/finetune_gpu.py)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def gib(value: Any) -> str:
    return "n/a (CPU)" if value is None else f"{value} GiB"


def diffusion_rows(figures: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| model | painted at | 1 creative | 6 creatives, one call | images/s | peak GPU memory | goal |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        goal = (
            ""
            if f["goal"] is None
            else f"{f['goal']}: " + {True: "met", False: "missed", None: "n/a"}[f["met"]]
        )
        rows.append(
            f"| {f['model']} | {f['painted_at']} | {f['one_seconds']:.2f} s | {f['six_seconds']:.2f} s | "
            f"{f['images_per_second']} | {gib(f['peak_gib'])} | {goal} |"
        )
    return rows


def finetune_rows(figures: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| model | resolution, batch, precision | steps/s | images/s | a step ÷ the bare optimiser step | peak GPU memory |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        rows.append(
            f"| {f['model']} | {f['resolution']}², {f['batch']}, {f['precision']} | {f['steps_per_second']} | "
            f"{f['images_per_second']} | {f['step_over_bare_step']} | {gib(f['peak_gib'])} |"
        )
    return rows


def main(folder: Path) -> str:
    diffusion = json.loads((folder / "diffusion.json").read_text())
    finetune = json.loads((folder / "finetune.json").read_text())
    tests = (folder / "tests.txt").read_text().strip().splitlines()
    device = diffusion[0]["device"]
    lines = [
        "# GPU acceptance",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {device}; `make gpu-check` (bench/gpu_acceptance.sh) took "
        f"{(folder / 'seconds').read_text().strip()} s. Random weights in the real architectures (no hub is "
        "reachable; speed does not depend on the weights).",
        "",
        "## RUN_GPU=1 tests",
        "",
        f"`{tests[-1] if tests else 'no output'}`",
        "",
        f"## Diffusion engine: one process of 6 creatives (1674x628), {diffusion[0]['steps']} steps, "
        f"{'fp32' if device == 'CPU' else 'fp16'}",
        "",
        *diffusion_rows(diffusion),
        "",
        "## Fine-tune speed: LoRA on the inpainting UNet's attention",
        "",
        *finetune_rows(finetune),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(Path(sys.argv[1])))
