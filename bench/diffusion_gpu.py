# mypy: disable-error-code="no-untyped-call,attr-defined"
"""Diffusion engine on a GPU: one process of 6 creatives, 30 steps, fp16 (goal ≤ 6 s on an H100); SD 1.5
paints each at its native budget, 832x312 for 1674x628, and the scene is scaled up to the exact size.

Builds a pipeline with the real Stable Diffusion 1.5 inpainting architecture and random weights (no hub
is reachable; speed does not depend on the weights), loads it through the production loader, and times
the batched call against a single creative in the same run. Needs CUDA; exits with a message elsewhere.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_sd15_inpainting(folder: Path) -> Path:
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionInpaintPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    from tests.tiny_models import tiny_inpainting_pipeline

    tiny_inpainting_pipeline(folder)  # for its tokenizer files
    from transformers import CLIPTokenizer

    tokenizer = CLIPTokenizer.from_pretrained(folder / "tokenizer")
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        in_channels=9, out_channels=4, cross_attention_dim=768, sample_size=64, block_out_channels=(320, 640, 1280, 1280),
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3, layers_per_block=2, attention_head_dim=8,
    )  # fmt: skip
    vae = AutoencoderKL(
        block_out_channels=[128, 256, 512, 512], down_block_types=["DownEncoderBlock2D"] * 4,
        up_block_types=["UpDecoderBlock2D"] * 4, layers_per_block=2, latent_channels=4,
    )  # fmt: skip
    text_encoder = CLIPTextModel(
        CLIPTextConfig(hidden_size=768, intermediate_size=3072, num_attention_heads=12, num_hidden_layers=12,
                       vocab_size=len(tokenizer), bos_token_id=0, eos_token_id=1, pad_token_id=1)
    )  # fmt: skip
    scheduler = DDIMScheduler(
        beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, steps_offset=1
    )
    StableDiffusionInpaintPipeline(
        unet=unet, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, scheduler=scheduler,
        safety_checker=None, feature_extractor=None, requires_safety_checker=False,
    ).save_pretrained(folder)  # fmt: skip
    return folder


def main() -> None:
    import torch

    if not torch.cuda.is_available():
        sys.exit("No CUDA device: this benchmark measures the diffusion engine on a GPU.")
    import presets
    from tests.drawing import drawn_cutout
    from workers.render.diffusion import DiffusionEngine
    from workers.render.engines import SceneJob

    folder = build_sd15_inpainting(Path(tempfile.mkdtemp(prefix="sd15-random-")))
    engine = DiffusionEngine(str(folder), steps=30, strength=1.0)
    scene = presets.load_catalog()["white_background"].scene
    jobs = [
        SceneJob(drawn_cutout(), scene, list(scene.palette), False, i, "product photo", "") for i in range(6)
    ]
    engine.render(jobs[:1])  # warm-up: kernels, allocator

    def timed(batch: list[SceneJob]) -> float:
        samples = []
        for _ in range(3):
            torch.cuda.synchronize()
            started = time.perf_counter()
            engine.render(batch)
            torch.cuda.synchronize()
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    one, six = timed(jobs[:1]), timed(jobs)
    print(
        f"{torch.cuda.get_device_name()}: 1 creative {one:.2f} s; 6 creatives in one call {six:.2f} s (goal ≤ 6 s)"
    )
    print(f"batched ÷ 6 single creatives: {six / (6 * one):.2f}")


if __name__ == "__main__":
    main()
