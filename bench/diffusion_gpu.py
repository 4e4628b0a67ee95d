# mypy: disable-error-code="no-untyped-call,attr-defined"
"""Diffusion engine on a GPU: one process of 6 creatives, 30 steps, fp16, on the real Stable Diffusion 1.5
and SDXL inpainting architectures with random weights (goal for SD 1.5: ≤ 6 s on an H100-class GPU). Each
model paints at its native budget (SD 1.5 832x312, SDXL 1664x624 for 1674x628) and the scene is scaled up
to the exact size.

No hub is reachable and speed does not depend on the weights, so each pipeline is built from its
architecture's config with random weights (fp16, on the GPU), saved, and loaded through the production
loader. The batched call is timed against a single creative in the same run; the peak GPU memory of the
batch is reported. `--tiny` runs the same code on the tiny test pipelines (any CPU: it checks the script,
its figures mean nothing). `--json FILE` writes the figures for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_SD15_SECONDS = 6.0
CLIP_L = {"hidden_size": 768, "intermediate_size": 3072, "num_attention_heads": 12, "num_hidden_layers": 12}
CLIP_BIG_G = {"hidden_size": 1280, "intermediate_size": 5120, "num_attention_heads": 20, "num_hidden_layers": 32,
              "projection_dim": 1280, "hidden_act": "gelu"}  # fmt: skip
SD_VAE = {"block_out_channels": [128, 256, 512, 512], "down_block_types": ["DownEncoderBlock2D"] * 4,
          "up_block_types": ["UpDecoderBlock2D"] * 4, "layers_per_block": 2, "latent_channels": 4}  # fmt: skip


def tokenizer_of(folder: Path) -> Any:
    """The byte-level CLIP tokenizer of the tiny test pipeline (its vocabulary decides the embedding size)."""
    from transformers import CLIPTokenizer

    from tests.tiny_models import tiny_inpainting_pipeline

    return CLIPTokenizer.from_pretrained(tiny_inpainting_pipeline(folder / "tiny") / "tokenizer")


def text_config(tokenizer: Any, **shape: Any) -> Any:
    from transformers import CLIPTextConfig

    return CLIPTextConfig(vocab_size=len(tokenizer), bos_token_id=0, eos_token_id=1, pad_token_id=1, **shape)


def build_sd15_inpainting(folder: Path) -> Path:
    """SD 1.5 inpainting's architecture (9-channel UNet, CLIP ViT-L text encoder, the SD VAE), random weights."""
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionInpaintPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel

    tokenizer = tokenizer_of(folder)
    torch.manual_seed(0)
    with torch.device("cuda" if torch.cuda.is_available() else "cpu"):
        unet = UNet2DConditionModel(
            in_channels=9,
            out_channels=4,
            cross_attention_dim=768,
            sample_size=64,
            block_out_channels=(320, 640, 1280, 1280),
            down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
            up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
            layers_per_block=2,
            attention_head_dim=8,
        )
        vae, text_encoder = AutoencoderKL(**SD_VAE), CLIPTextModel(text_config(tokenizer, **CLIP_L))
    scheduler = DDIMScheduler(
        beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, steps_offset=1
    )
    pipe = StableDiffusionInpaintPipeline(
        unet=unet,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.to(torch.float16).save_pretrained(folder / "sd15")
    return folder / "sd15"


def build_sdxl_inpainting(folder: Path) -> Path:
    """SDXL inpainting's architecture (9-channel UNet with text-and-size conditioning, CLIP ViT-L and OpenCLIP
    bigG text encoders, the VAE), random weights."""
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionXLInpaintPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    tokenizer = tokenizer_of(folder)
    torch.manual_seed(0)
    with torch.device("cuda" if torch.cuda.is_available() else "cpu"):
        unet = UNet2DConditionModel(
            in_channels=9,
            out_channels=4,
            sample_size=128,
            block_out_channels=(320, 640, 1280),
            layers_per_block=2,
            down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
            up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
            transformer_layers_per_block=(1, 2, 10),
            attention_head_dim=(5, 10, 20),
            cross_attention_dim=2048,
            use_linear_projection=True,
            addition_embed_type="text_time",
            addition_time_embed_dim=256,
            projection_class_embeddings_input_dim=2816,
        )
        vae = AutoencoderKL(**SD_VAE, scaling_factor=0.13025)
        text_encoder = CLIPTextModel(text_config(tokenizer, **CLIP_L))
        text_encoder_2 = CLIPTextModelWithProjection(text_config(tokenizer, **CLIP_BIG_G))
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        timestep_spacing="leading",
        steps_offset=1,
    )
    pipe = StableDiffusionXLInpaintPipeline(
        vae=vae,
        text_encoder=text_encoder,
        text_encoder_2=text_encoder_2,
        tokenizer=tokenizer,
        tokenizer_2=tokenizer,
        unet=unet,
        scheduler=scheduler,
        requires_aesthetics_score=False,
        force_zeros_for_empty_prompt=True,
    )
    pipe.to(torch.float16).save_pretrained(folder / "sdxl")
    return folder / "sdxl"


def build(arch: str, folder: Path, tiny: bool) -> Path:
    if tiny:
        from tests.tiny_models import tiny_inpainting_pipeline, tiny_sdxl_inpainting_pipeline

        return tiny_sdxl_inpainting_pipeline(folder) if arch == "sdxl" else tiny_inpainting_pipeline(folder)
    return build_sdxl_inpainting(folder) if arch == "sdxl" else build_sd15_inpainting(folder)


def measure(arch: str, tiny: bool, steps: int) -> dict[str, Any]:
    import torch

    import presets
    from tests.drawing import drawn_cutout
    from workers.render.diffusion import DiffusionEngine, working_size
    from workers.render.engines import SceneJob

    cuda = torch.cuda.is_available()
    engine = DiffusionEngine(
        str(build(arch, Path(tempfile.mkdtemp(prefix=f"{arch}-random-")), tiny)), steps=steps, strength=1.0
    )
    scene = presets.load_catalog()["white_background"].scene
    jobs = [
        SceneJob(drawn_cutout(), scene, list(scene.palette), False, i, "product photo", "") for i in range(6)
    ]
    engine.render(jobs[:1])  # warm-up: kernels, allocator

    def timed(batch: list[SceneJob]) -> float:
        samples = []
        for _ in range(3 if not tiny else 1):
            if cuda:
                torch.cuda.synchronize()
            started = time.perf_counter()
            creatives = engine.render(batch)
            if cuda:
                torch.cuda.synchronize()
            samples.append(time.perf_counter() - started)
            assert [c.image.size for c in creatives] == [(1674, 628)] * len(batch)
        return statistics.median(samples)

    one = timed(jobs[:1])
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    six = timed(jobs)
    return {
        "model": {"sd15": "SD 1.5 inpainting", "sdxl": "SDXL inpainting"}[arch] + (" (tiny)" if tiny else ""),
        "device": torch.cuda.get_device_name() if cuda else "CPU", "steps": steps,
        "painted_at": "x".join(map(str, working_size((1674, 628), engine.native_side))),
        "one_seconds": round(one, 3), "six_seconds": round(six, 3), "images_per_second": round(6 / six, 2),
        "batched_over_six_single": round(six / (6 * one), 2),
        "peak_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if cuda else None,
        "goal": f"≤ {GOAL_SD15_SECONDS:.0f} s" if arch == "sd15" else None,
        "met": (six <= GOAL_SD15_SECONDS) if arch == "sd15" and cuda and not tiny else None,
    }  # fmt: skip


def record_figures(figures: dict[str, Any]) -> None:
    """The figures as rows of `make bench`'s table."""
    from bench.figures import Figure, record

    model, device, six = figures["model"], figures["device"], figures["six_seconds"]
    record(
        Figure(
            f"{model}: six creatives in one call, {figures['steps']} steps ({device})",
            six,
            "s",
            goal=GOAL_SD15_SECONDS if figures["goal"] else None,
            script="diffusion_gpu.py",
        )
    )
    record(
        Figure(
            f"{model}: six in one call vs six single calls",
            six,
            "s",
            baseline=round(6 * figures["one_seconds"], 3),
            script="diffusion_gpu.py",
        )
    )
    if figures["peak_gib"] is not None:
        record(
            Figure(
                f"{model}: peak GPU memory, six creatives",
                figures["peak_gib"],
                "GiB",
                script="diffusion_gpu.py",
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", choices=("sd15", "sdxl", "both"), default="both")
    parser.add_argument("--tiny", action="store_true", help="the tiny test pipelines, on any CPU")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    options = parser.parse_args()
    import torch

    if not torch.cuda.is_available() and not options.tiny:
        sys.exit(
            "No CUDA device: this benchmark measures the diffusion engine on a GPU (--tiny checks it on a CPU)."
        )
    results = []
    for arch in ("sd15", "sdxl") if options.arch == "both" else (options.arch,):
        figures = measure(arch, options.tiny, 2 if options.tiny else 30)
        results.append(figures)
        print(
            f"{figures['device']}, {figures['model']} at {figures['painted_at']}: 1 creative {figures['one_seconds']:.2f} s; "
            f"6 in one call {figures['six_seconds']:.2f} s ({figures['images_per_second']} images/s, "
            f"peak {figures['peak_gib']} GiB); batched ÷ 6 single {figures['batched_over_six_single']}"
            + (
                f"; goal {figures['goal']}: {'met' if figures['met'] else 'missed'}"
                if figures["met"] is not None
                else ""
            )
        )
        if not options.tiny:  # the tiny pipelines check the script; their figures mean nothing
            record_figures(figures)
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    if options.json:
        options.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
