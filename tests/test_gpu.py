"""On a CUDA GPU (RUN_GPU=1; skipped elsewhere): the diffusion engine in fp16 keeps exact sizes and the
product's own pixels, for SD 1.x and SDXL; a fine-tune in fp16 mixed precision learns, and its LoRA loads
into the engine on the GPU, changes the scene and comes off exactly. Tiny random pipelines: the hub is not
reachable and these check the CUDA paths, not image quality (bench/ measures the real architectures)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tests.drawing import product_fidelity
from tests.test_diffusion import job
from tests.test_finetune_train import config, one_photo
from tests.tiny_models import tiny_inpainting_pipeline, tiny_sdxl_inpainting_pipeline

pytestmark = pytest.mark.gpu


@pytest.mark.parametrize("build", [tiny_inpainting_pipeline, tiny_sdxl_inpainting_pipeline])
def test_the_engine_renders_in_fp16_on_the_gpu_exact_sizes_and_the_product_kept(
    build: object, tmp_path: Path
) -> None:
    import torch

    from workers.render.diffusion import DiffusionEngine

    engine = DiffusionEngine(str(build(tmp_path)), steps=4, guidance=2.0)  # type: ignore[operator]
    assert engine.device == "cuda" and engine.pipe.unet.dtype == torch.float16
    creatives = engine.render([job("white_background", 1), job("mid_century_modern_office", 2, wide=True)])
    assert [c.image.size for c in creatives] == [(1200, 628), (1674, 628)]
    for creative in creatives:
        placement = creative.placement
        assert product_fidelity(creative.image, creative.product, placement.left, placement.top) < 2


def test_a_fine_tune_in_fp16_learns_and_its_lora_drives_the_gpu_engine(tmp_path: Path) -> None:
    import torch
    from PIL import Image

    from workers.finetune.train import LORA_FILE, load, loss_on, samples_for, tensors, train
    from workers.render.diffusion import DiffusionEngine
    from workers.render.engines import Lora

    model = tiny_inpainting_pipeline(tmp_path / "model")
    fp16 = config(
        model,
        tmp_path / "lora",
        steps=4,
        lr=1e-2,
        rank=8,
        mixed_precision="fp16",
        gradient_checkpointing=True,
        validate_every=4,
    )
    models = load(fp16)
    assert models.accelerator.mixed_precision == "fp16" and models.unet.dtype == torch.float16
    batch, losses = tensors(samples_for(one_photo(), fp16, step=0, micro=0), fp16), []
    for _ in range(40):  # one batch repeated, through the gradient scaler: it overfits
        loss = loss_on(models, batch, torch.Generator().manual_seed(0))
        models.accelerator.backward(loss)
        models.optimizer.step()
        models.optimizer.zero_grad()
        losses.append(float(loss.detach()))
    assert all(math.isfinite(loss) for loss in losses) and losses[-1] < 0.8 * losses[0], losses

    train(fp16, one_photo())
    assert Image.open(tmp_path / "lora" / "validation" / "step-0000004" / "0.png").size == (128, 64)
    engine = DiffusionEngine(str(model), steps=2)
    plain = np.asarray(engine.render([job("white_background", 5)])[0].image)
    engine.use_lora(Lora("tuned", str(tmp_path / "lora" / LORA_FILE)))
    tuned = np.asarray(engine.render([job("white_background", 5)])[0].image)
    engine.use_lora(None)
    again = np.asarray(engine.render([job("white_background", 5)])[0].image)
    assert not np.array_equal(plain, tuned) and np.array_equal(plain, again)
