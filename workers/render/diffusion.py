"""The `diffusion` engine: Stable Diffusion inpainting around the product, on a GPU.

Simple over easy, top to bottom: check the jobs → lay each one out with the studio engine (the init
image: scene, product, shadow) → mask everything but the product → scale both to the model's native
pixel budget in the canvas's aspect ratio (SD 1.x/2.x about 512², SDXL about 1024²: far outside it, scenes
repeat and warp) → one batched pipeline call per working size (formats of one aspect share it), each
job with its own seeded generator → scale the scene up to its format's exact size → paste the product's own pixels back at full resolution with a
feathered edge (inpainting drifts pixels even outside its mask).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

from presets import Scene
from workers import capabilities
from workers.imaging import ImageRejected
from workers.render.compose import Creative, render_format
from workers.render.engines import Lora, Progress, SceneJob
from workers.render.relight import relight

MULTIPLE = 8  # the UNet works on latents of 1/8 size: both sides a multiple of 8


@dataclass(frozen=True)
class IpAdapter:
    """Where the IP-Adapter weights are: a folder or hub id, its subfolder (with image_encoder/) and file."""

    source: str
    subfolder: str = "models"
    weight_name: str = "ip-adapter_sd15.safetensors"
    scale: float = 0.5


def check_jobs(jobs: Sequence[SceneJob]) -> None:
    """What the pipeline needs of each job, refused before any work on the GPU: a cut-out with a product in
    it (the mask is everything else: an empty one would repaint the whole canvas), a prompt to paint from,
    and a seed a torch generator takes."""
    for job in jobs:
        if job.cutout.mode != "RGBA" or job.cutout.getchannel("A").getbbox() is None:
            raise ImageRejected("no_product", "The cut-out holds no product: its alpha channel is empty.")
        if not job.prompt.strip():
            raise ValueError("a diffusion job needs its resolved prompt")
        if not 0 <= job.seed < 2**63:
            raise ValueError(f"seed {job.seed} is outside what a torch generator takes")


def working_size(size: tuple[int, int], native_side: int) -> tuple[int, int]:
    """The canvas's aspect ratio at the model's native pixel budget (native_side²), in multiples of 8."""
    width, height = size
    scale = (native_side * native_side / (width * height)) ** 0.5
    return (
        max(MULTIPLE, round(width * scale / MULTIPLE) * MULTIPLE),
        max(MULTIPLE, round(height * scale / MULTIPLE) * MULTIPLE),
    )


def scene_mask_at(mask: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The paint mask scaled to `size`: only pixels wholly scene are painted (none of the product's)."""
    return mask.resize(size, Image.Resampling.BILINEAR).point(lambda a: 255 if a == 255 else 0)


def keep_mask(creative: Creative, canvas: tuple[int, int], grow: int = 6) -> Image.Image:
    """255 where the model paints, 0 over the product (grown a little, so its edge is not repainted)."""
    product_alpha = Image.new("L", canvas)
    product_alpha.paste(creative.product.getchannel("A"), (creative.placement.left, creative.placement.top))
    grown = product_alpha.point(lambda a: 255 if a > 16 else 0).filter(ImageFilter.MaxFilter(grow * 2 + 1))
    return grown.point(lambda a: 0 if a else 255)


def restore_product(
    generated: Image.Image, creative: Creative, feather: float = 1.5, relight_in: Scene | None = None
) -> Image.Image:
    """Paste the product's own pixels back over the generated image, with a slightly softened edge; with
    `relight_in` (a job that asks for relight), lit by the generated scene around it (its alpha unchanged)."""
    out = generated.copy()
    at = (creative.placement.left, creative.placement.top)
    product = creative.product
    if relight_in is not None:
        product = relight(product, np.asarray(generated.convert("RGB"), np.float32) / 255.0, at, relight_in)
    alpha = product.getchannel("A").filter(ImageFilter.GaussianBlur(feather))
    alpha = Image.fromarray(np.maximum(np.asarray(alpha), np.asarray(product.getchannel("A"))))
    out.paste(product.convert("RGB"), at, alpha)
    return out


def _as_given(embeddings: list[Any], *args: Any, **kwargs: Any) -> list[Any]:
    return embeddings


class DiffusionEngine:
    """One inpainting pipeline per worker process (loading takes seconds and GBs)."""

    name = "diffusion"

    def __init__(
        self,
        model: str,
        steps: int = 30,
        guidance: float = 7.5,
        lora: str = "",
        strength: float = 0.92,
        ip_adapter: IpAdapter | None = None,
        adapters_kept: int = 4,
    ):
        import diffusers
        import torch

        library: Any = diffusers  # diffusers' loaders are untyped
        cuda = torch.cuda.is_available()
        self.device = "cuda" if cuda else "cpu"
        # fp16 on CUDA (SDPA attention is the default with torch 2); fp32 where fp16 kernels are missing.
        self.pipe: Any = library.AutoPipelineForInpainting.from_pretrained(
            model, dtype=torch.float16 if cuda else torch.float32, safety_checker=None
        ).to(self.device)
        self.pipe.set_progress_bar_config(disable=True)
        # The side of the square the model was trained at: SD 1.5 64 x 8 = 512, SDXL 128 x 8 = 1024.
        # A UNet config without a sample size is taken for SD 1.x's.
        self.native_side = int(self.pipe.unet.config.sample_size or 64) * int(self.pipe.vae_scale_factor)
        # LORA_WEIGHTS applies to every render; fine-tunes' LoRAs join it batch by batch (`use_lora`).
        self.base_adapters = ["base"] if lora else []
        if lora:
            self.pipe.load_lora_weights(lora, adapter_name="base")
        self.adapters: OrderedDict[str, None] = OrderedDict()  # fine-tunes loaded, least recently used first
        self.adapters_kept = adapters_kept
        self.ip_adapter = ip_adapter
        if ip_adapter is not None:
            self.load_ip_adapter(ip_adapter)
        self.capabilities = capabilities.diffusion(style_reference=ip_adapter is not None)
        self.steps, self.guidance, self.strength = steps, guidance, strength

    def load_ip_adapter(self, ip_adapter: IpAdapter) -> None:
        # Loads the CLIP image encoder from <subfolder>/image_encoder and a matching feature extractor.
        self.pipe.load_ip_adapter(
            ip_adapter.source, subfolder=ip_adapter.subfolder, weight_name=ip_adapter.weight_name
        )
        self.pipe.set_ip_adapter_scale(ip_adapter.scale)

    def use_lora(self, lora: Lora | None) -> None:
        """Render the next batches with `lora` (None: the base model alone, with LORA_WEIGHTS if set).

        A fine-tune's LoRA is loaded once and kept with the last `adapters_kept` others; the one used least
        recently is deleted from the pipeline when another comes. No restart is needed for a new one.
        """
        if lora is not None:
            if lora.name not in self.adapters:
                path = Path(lora.path)
                self.pipe.load_lora_weights(str(path.parent), weight_name=path.name, adapter_name=lora.name)
                self.adapters[lora.name] = None
                while len(self.adapters) > self.adapters_kept:
                    evicted, _ = self.adapters.popitem(last=False)
                    self.pipe.delete_adapters(evicted)
            self.adapters.move_to_end(lora.name)
        active = self.base_adapters + ([lora.name] if lora is not None else [])
        if active:
            self.pipe.enable_lora()
            self.pipe.set_adapters(active)
        elif self.adapters:
            self.pipe.disable_lora()  # loaded fine-tunes stay loaded, and take no part

    def style_embeddings(self, images: list[Image.Image]) -> list[Any]:
        """Image embeddings for the one IP-Adapter, one per batch member, in the pipeline's layout.

        The pipeline's `ip_adapter_image` gives every member all the images (multi-image style);
        precomputed embeddings of shape (members, 1, dim) give each member its own.
        """
        import torch
        from diffusers.models.embeddings import ImageProjection

        (layer,) = self.pipe.unet.encoder_hid_proj.image_projection_layers
        hidden = not isinstance(layer, ImageProjection)  # IP-Adapter Plus reads hidden states
        with torch.no_grad():
            positive, negative = self.pipe.encode_image(images, self.device, 1, hidden)
        positive, negative = positive.unsqueeze(1), negative.unsqueeze(1)
        if self.guidance > 1:  # classifier-free guidance: the unconditional half first, as the pipeline does
            return [torch.cat([negative, positive])]
        return [positive]

    def render(self, jobs: Sequence[SceneJob], progress: Progress = lambda _: None) -> list[Creative]:
        """Creatives in the order of `jobs`, each in its format; jobs of one working size (`working_size`:
        one aspect ratio at the model's pixel budget) share one batched call."""
        check_jobs(jobs)
        if not jobs:
            return []
        layouts = [render_format(j.cutout, j.scene, j.palette, j.fmt, j.seed) for j in jobs]
        working = [working_size(layout.image.size, self.native_side) for layout in layouts]
        results: list[Creative | None] = [None] * len(jobs)
        sizes = sorted(set(working))
        for group, canvas in enumerate(sizes):
            members = [i for i, size in enumerate(working) if size == canvas]

            def report(done: float, group: int = group) -> None:
                progress(int(10 + 80 * ((group + done) / len(sizes))))

            images = self.inpaint([jobs[i] for i in members], [layouts[i] for i in members], canvas, report)
            for i, image in zip(members, images, strict=True):
                results[i] = self.finished(image, layouts[i], jobs[i])
        return [r for r in results if r is not None]

    def finished(self, image: Image.Image, layout: Creative, job: SceneJob) -> Creative:
        """The painted scene scaled to the layout's exact size, the product's own pixels back on it."""
        scene = image.convert("RGB").resize(layout.image.size, Image.Resampling.LANCZOS)
        lit_by = job.scene if job.relight else None
        return Creative(
            restore_product(scene, layout, relight_in=lit_by), layout.placement, layout.product, layout.stand
        )

    def inpaint(
        self,
        jobs: list[SceneJob],
        layouts: list[Creative],
        canvas: tuple[int, int],
        report: Callable[[float], None],
    ) -> list[Image.Image]:
        """One batched pipeline call for jobs of one working size `canvas`: the scene repainted around each
        product (each layout scaled to it from its own size)."""
        import torch

        def step_end(pipe: Any, step: int, timestep: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
            total = getattr(pipe, "num_timesteps", None) or self.steps  # strength < 1 runs fewer steps
            report((step + 1) / max(1, total))
            return kwargs

        images: list[Image.Image] = self.pipe(
            prompt=[job.prompt for job in jobs],
            negative_prompt=[job.negative_prompt for job in jobs],
            image=[layout.image.resize(canvas, Image.Resampling.LANCZOS) for layout in layouts],
            mask_image=[scene_mask_at(keep_mask(layout, layout.image.size), canvas) for layout in layouts],
            height=canvas[1],
            width=canvas[0],
            num_inference_steps=self.steps,
            guidance_scale=self.guidance,
            strength=self.strength,
            generator=[torch.Generator(self.device).manual_seed(job.seed) for job in jobs],
            callback_on_step_end=step_end,
            output_type="pil",
            **self.style_arguments(jobs, layouts),
        ).images
        return images

    def style_arguments(self, jobs: list[SceneJob], layouts: list[Creative]) -> dict[str, Any]:
        """With an IP-Adapter: each member's own style embedding (a job without a style reference takes
        its own studio layout, so it keeps its scene)."""
        if self.ip_adapter is None:
            return {}
        embeddings = self.style_embeddings(
            [job.style_image or layout.image for job, layout in zip(jobs, layouts, strict=True)]
        )
        # The pipeline tiles the embeddings it is given over the whole batch (one style for every
        # prompt); these are already one per member, so they go to the UNet as they are.
        self.pipe.prepare_ip_adapter_image_embeds = partial(_as_given, embeddings)
        return {"ip_adapter_image_embeds": embeddings}
