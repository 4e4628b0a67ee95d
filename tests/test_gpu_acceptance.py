"""`make gpu-check` is one prepared command for a GPU machine: here, on a CPU, its `--tiny` mode runs every
part of it (the GPU tests, skipped; both benchmarks on the tiny pipelines) and writes its results page, so
the command works the day a GPU is lent. The figures of a tiny run mean nothing and are not looked at."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import ROOT


def test_the_gpu_acceptance_command_runs_whole_and_writes_its_results(tmp_path: Path) -> None:
    import sys

    results = tmp_path / "RESULTS.md"
    run = subprocess.run(
        ["bash", "bench/gpu_acceptance.sh", "--tiny"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHON": sys.executable, "RESULTS": str(results)},
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    page = results.read_text()
    for heading in ("# GPU acceptance", "## RUN_GPU=1 tests", "## Diffusion engine", "## Fine-tune speed"):
        assert heading in page
    assert "| SD 1.5 inpainting (tiny) |" in page and "| SDXL inpainting (tiny) |" in page
    assert "skipped" in page  # the GPU tests, on a machine without one
