# mypy: disable-error-code="no-untyped-call,attr-defined"
"""The placement fine-tune on a GPU: steps/s at 512², batch 4, fp16, on the real SD 1.5 inpainting
architecture with random weights, and its peak GPU memory.

The baseline, measured in the same run on the same models: the bare optimiser step (the inpainting loss,
backward, AdamW) on one batch made once, so the ratio is what the run adds per step (drawing and augmenting
the batch, logging). `--tiny` runs the same code on the tiny test pipeline at 64² (any CPU: it checks the
script, its figures mean nothing). `--json FILE` writes the figures for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WARM_UP, MEASURED = 3, 20


def dataset(resolution: int) -> Any:
    """Four drawn product-in-scene photos: a bottle on a table, each its own colour and place."""
    from PIL import Image, ImageDraw

    from workers.finetune.dataset import Dataset, Example

    examples = []
    for index, colour in enumerate([(200, 30, 40), (30, 120, 200), (240, 200, 40), (40, 160, 90)]):
        side = resolution * 2
        photo = Image.new("RGB", (side, side), (90 + 30 * index, 140, 200))
        ImageDraw.Draw(photo).rectangle((0, side * 3 // 4, side, side), fill=(170, 130, 90))
        mask = Image.new("L", photo.size, 0)
        left = side // 4 + index * side // 10
        ImageDraw.Draw(mask).rectangle((left, side // 3, left + side // 5, side * 4 // 5), fill=255)
        photo.paste(colour, mask=mask)
        examples.append(Example(f"drawn-{index}", photo, mask, "a bottle on a wooden table"))
    return Dataset(examples, [], "bench")


def measure(tiny: bool) -> dict[str, Any]:
    import torch

    from bench.diffusion_gpu import build
    from workers.finetune.train import TrainConfig, load, loss_on, samples_for, tensors, train

    cuda = torch.cuda.is_available()
    folder = Path(tempfile.mkdtemp(prefix="finetune-bench-"))
    resolution, batch = (64, 2) if tiny else (512, 4)
    config = TrainConfig(
        base=str(build("sd15", folder / "model", tiny)),
        out=str(folder / "out"),
        steps=WARM_UP + MEASURED,
        batch=batch,
        resolution=resolution,
        mixed_precision="fp16",
        checkpoint_every=10**6,
        validate_every=0,
    )
    data = dataset(resolution)
    stamps: list[float] = []

    def stamp(record: dict[str, float]) -> None:
        if cuda:
            torch.cuda.synchronize()
        stamps.append(time.perf_counter())

    if cuda:
        torch.cuda.reset_peak_memory_stats()
    train(config, data, stamp)
    peak = torch.cuda.max_memory_allocated() / 2**30 if cuda else None
    step_seconds = (stamps[-1] - stamps[WARM_UP - 1]) / MEASURED

    models = load(config)  # the baseline: the bare optimiser step on one batch made once
    fixed = tensors(samples_for(data, config, 0, 0), config)
    for index in range(WARM_UP + MEASURED):
        if index == WARM_UP:
            if cuda:
                torch.cuda.synchronize()
            started = time.perf_counter()
        loss = loss_on(models, fixed)
        models.accelerator.backward(loss)
        models.optimizer.step()
        models.optimizer.zero_grad()
    if cuda:
        torch.cuda.synchronize()
    bare_seconds = (time.perf_counter() - started) / MEASURED
    return {
        "model": "SD 1.5 inpainting" + (" (tiny)" if tiny else ""),
        "device": torch.cuda.get_device_name() if cuda else "CPU", "resolution": resolution, "batch": batch,
        "precision": "fp16" if cuda else "fp32", "steps_per_second": round(1 / step_seconds, 2),
        "images_per_second": round(batch / step_seconds, 1), "bare_steps_per_second": round(1 / bare_seconds, 2),
        "step_over_bare_step": round(step_seconds / bare_seconds, 2),
        "peak_gib": round(peak, 2) if peak is not None else None,
    }  # fmt: skip


def record_figures(figures: dict[str, Any]) -> None:
    """The figures as rows of `make bench`'s table: a step against the bare optimiser step, and memory."""
    from bench.figures import Figure, record

    name = f"fine-tune step, {figures['resolution']}² batch {figures['batch']} {figures['precision']} ({figures['device']})"
    record(
        Figure(
            name,
            round(1 / figures["steps_per_second"], 4),
            "s",
            baseline=round(1 / figures["bare_steps_per_second"], 4),
            script="finetune_gpu.py",
        )
    )
    if figures["peak_gib"] is not None:
        record(Figure("fine-tune peak GPU memory", figures["peak_gib"], "GiB", script="finetune_gpu.py"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true", help="the tiny test pipeline, on any CPU")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    options = parser.parse_args()
    import torch

    if not torch.cuda.is_available() and not options.tiny:
        sys.exit(
            "No CUDA device: this benchmark measures the fine-tune on a GPU (--tiny checks it on a CPU)."
        )
    figures = measure(options.tiny)
    print(
        f"{figures['device']}, fine-tune of {figures['model']} at {figures['resolution']}², batch {figures['batch']}, "
        f"{figures['precision']}: {figures['steps_per_second']} steps/s ({figures['images_per_second']} images/s), "
        f"peak {figures['peak_gib']} GiB; a step ÷ the bare optimiser step {figures['step_over_bare_step']}"
    )
    if not options.tiny:  # the tiny pipeline checks the script; its figures mean nothing
        record_figures(figures)
    if options.json:
        options.json.write_text(json.dumps([figures], indent=2))


if __name__ == "__main__":
    main()
