"""The diffusion engine, on a tiny random inpainting pipeline loaded by the production loader (CPU, no hub)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import presets
from tests.test_studio import drawn_cutout, product_fidelity
from tests.tiny_models import tiny_inpainting_pipeline
from workers.render.diffusion import DiffusionEngine, DiffusionJob, padded_size


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> DiffusionEngine:
    folder = tiny_inpainting_pipeline(tmp_path_factory.mktemp("sd-inpaint"))
    return DiffusionEngine(str(folder), steps=2, guidance=2.0)


def job(preset_id: str, seed: int, wide: bool = False) -> DiffusionJob:
    scene = presets.load_catalog()[preset_id].scene
    return DiffusionJob(
        drawn_cutout(), scene, list(scene.palette), not wide, seed, f"red bottle{preset_id}", "blurry"
    )


def test_it_renders_at_multiples_of_8_and_crops_to_the_exact_size() -> None:
    assert padded_size((1674, 628)) == (1680, 632) and padded_size((1200, 628)) == (1200, 632)


def test_it_inpaints_around_the_product_and_keeps_its_pixels(engine: DiffusionEngine) -> None:
    reported: list[int] = []
    jobs = [job("white_background", 1), job("mid_century_modern_office", 2)]
    creatives = engine.render(jobs, reported.append)
    assert [c.image.size for c in creatives] == [(1200, 628), (1200, 628)]
    for creative in creatives:
        placement = creative.placement
        assert product_fidelity(creative.image, creative.product, placement.left, placement.top) < 2
    assert reported == sorted(reported) and reported[-1] == 90  # one batched call of two steps
    # Each job has its own seeded generator: two different scenes come back, and a rerun repeats them.
    again = engine.render(jobs)
    assert np.array_equal(np.asarray(creatives[0].image), np.asarray(again[0].image))


def test_it_loads_through_the_same_code_as_production(engine: DiffusionEngine, tmp_path: Path) -> None:
    assert engine.device == "cpu" and engine.pipe.unet.config.in_channels == 9


def test_it_renders_a_process_batch_through_the_task_code(engine: DiffusionEngine) -> None:
    import io

    from PIL import Image

    from workers.render.job import RenderJob, run_batch

    jobs = [
        RenderJob(
            "white_background", "", True, True, 7, "red bottle, in front of a white background", "blurry"
        ),
        RenderJob(
            "", "on wet black stone with dramatic light", True, False, 8, "red bottle, on wet black stone", ""
        ),
    ]
    reported: list[int] = []
    results = run_batch(jobs, drawn_cutout(), presets.load_catalog(), reported.append, engine)
    assert [Image.open(io.BytesIO(r.png)).size for r in results] == [(1200, 628), (1200, 628)]
    assert [max(Image.open(io.BytesIO(r.thumbnail_jpeg)).size) for r in results] == [600, 600]
    assert reported == sorted(reported)
