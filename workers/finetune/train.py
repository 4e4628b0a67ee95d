"""LoRA fine-tune of a Stable Diffusion inpainting UNet for product placement (accelerate + peft; no Django).

The objective is the inpainting one: the UNet sees the noisy latents, the mask of the scene to paint and the
latents of the photo with that scene blanked out (9 channels), and learns to predict the noise. The loss
leaves out the filler of a widened photo and may weigh the ring of scene around the product more
(`ring_weight`), where placement succeeds or fails. Checkpoints every `checkpoint_every` steps; a run that
finds one in its output folder resumes from the last. The result is `pytorch_lora_weights.safetensors`
(what `load_lora_weights` reads) and `card.json` (base model, data hash, arguments, steps, final loss).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

from workers.finetune.dataset import Dataset, Sample, augment

LORA_FILE = "pytorch_lora_weights.safetensors"
CHECKPOINTS = "checkpoints"
KEEP_CHECKPOINTS = 2


@dataclass(frozen=True)
class TrainConfig:
    base: str  # a diffusers inpainting model folder (or a cached hub id)
    out: str
    steps: int = 1000
    batch: int = 4
    grad_accum: int = 1
    lr: float = 1e-4
    schedule: str = "constant"  # diffusers' get_scheduler: constant, constant_with_warmup, linear, cosine
    warmup: int = 0
    rank: int = 8
    alpha: int = 8
    targets: tuple[str, ...] = ("to_q", "to_k", "to_v", "to_out.0")  # the attention layers
    resolution: int = 512
    mixed_precision: str = "no"  # fp16 or bf16 on CUDA
    gradient_checkpointing: bool = False
    seed: int = 0
    checkpoint_every: int = 250
    ring_weight: float = 0.0
    ring_pixels: int = 24
    validate_every: int = 250  # validation renders every this many steps (and at the end); 0: none
    validation_images: int = 2
    validation_steps: int = 20


@dataclass
class Models:
    tokenizer: Any
    text_encoder: Any
    vae: Any
    unet: Any
    noise: Any  # the training noise scheduler
    accelerator: Any
    optimizer: Any = None
    lr_scheduler: Any = None
    log: list[dict[str, float]] = field(default_factory=list)


def load(config: TrainConfig) -> Models:
    """The frozen base model with a LoRA adapter on its UNet's attention layers."""
    import diffusers
    import transformers
    from accelerate.utils import set_seed

    library: Any = diffusers  # diffusers' and transformers' loaders are untyped or typed too narrowly
    text: Any = transformers
    accelerator = accelerator_for(config)
    set_seed(config.seed)
    models = Models(
        text.CLIPTokenizer.from_pretrained(config.base, subfolder="tokenizer"),
        text.CLIPTextModel.from_pretrained(config.base, subfolder="text_encoder"),
        library.AutoencoderKL.from_pretrained(config.base, subfolder="vae"),
        library.UNet2DConditionModel.from_pretrained(config.base, subfolder="unet"),
        library.DDPMScheduler.from_pretrained(config.base, subfolder="scheduler"),
        accelerator,
    )
    return prepare(config, adapt(config, models))


def accelerator_for(config: TrainConfig) -> Any:
    """Mixed precision and the GPU where there is one; the CPU in full precision where there is none."""
    import torch
    from accelerate import Accelerator

    cuda = torch.cuda.is_available()
    precision = config.mixed_precision if cuda else "no"
    return Accelerator(mixed_precision=precision, gradient_accumulation_steps=config.grad_accum, cpu=not cuda)


def adapt(config: TrainConfig, models: Models) -> Models:
    """Freeze the base (its frozen parts in the mixed precision's type) and add the LoRA adapter, whose
    weights are trained in fp32 (what the optimiser and fp16's gradient scaler need), as diffusers' own
    training examples do."""
    import torch
    from peft import LoraConfig

    accelerator = models.accelerator
    frozen_dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(
        accelerator.mixed_precision, torch.float32
    )
    for part in (models.text_encoder, models.vae, models.unet):
        part.requires_grad_(False).to(accelerator.device, dtype=frozen_dtype)
    lora = LoraConfig(
        r=config.rank,
        lora_alpha=config.alpha,
        init_lora_weights="gaussian",
        target_modules=list(config.targets),
    )
    models.unet.add_adapter(lora)
    for parameter in models.unet.parameters():
        if parameter.requires_grad:
            parameter.data = parameter.data.float()
    if config.gradient_checkpointing:
        models.unet.enable_gradient_checkpointing()
    return models


def prepare(config: TrainConfig, models: Models) -> Models:
    import torch
    from diffusers.optimization import get_scheduler

    trained = [p for p in models.unet.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=config.lr)
    schedule = get_scheduler(
        config.schedule, optimizer, num_warmup_steps=config.warmup, num_training_steps=config.steps
    )
    models.unet, models.optimizer, models.lr_scheduler = models.accelerator.prepare(
        models.unet, optimizer, schedule
    )
    return models


# --- batches --------------------------------------------------------------------------------------


def samples_for(dataset: Dataset, config: TrainConfig, step: int, micro: int) -> list[Sample]:
    """The samples of one micro-batch: drawn from the step's own seed, so a resumed run draws the same."""
    rng = random.Random(f"{config.seed}:{step}:{micro}")  # noqa: S311 - reproducible augmentation
    chosen = [rng.choice(dataset.examples) for _ in range(config.batch)]
    return [augment(example, rng, config.resolution) for example in chosen]


def ring(product: Image.Image, pixels: int) -> Image.Image:
    """The scene right around the product: the product grown by `pixels`, less the product."""
    grown = product.filter(ImageFilter.MaxFilter(2 * (pixels // 2) + 1))
    return Image.fromarray(np.asarray(grown) & ~np.asarray(product))


def tensors(samples: list[Sample], config: TrainConfig) -> dict[str, Any]:
    """Pixels in [-1, 1], the scene mask (1 = paint), and the loss weight (0 on filler, more on the ring)."""
    import torch

    def stack(images: list[Image.Image], scale: float, shift: float) -> Any:
        arrays = [np.asarray(image, dtype=np.float32) for image in images]
        batch = np.stack([a if a.ndim == 3 else a[..., None] for a in arrays]).transpose(0, 3, 1, 2)
        return torch.from_numpy(batch * scale + shift)

    real = stack([s.real for s in samples], 1 / 255, 0)
    rings = stack([ring(s.product_mask, config.ring_pixels) for s in samples], 1 / 255, 0)
    return {
        "pixels": stack([s.image for s in samples], 2 / 255, -1),
        "mask": stack([s.scene_mask for s in samples], 1 / 255, 0),
        "weight": real * (1 + config.ring_weight * rings),
        "captions": [s.caption for s in samples],
    }


# --- the objective --------------------------------------------------------------------------------


def latents_of(models: Models, pixels: Any) -> Any:
    vae = models.vae
    return vae.encode(pixels.to(vae.device, dtype=vae.dtype)).latent_dist.sample() * vae.config.scaling_factor


def loss_on(models: Models, batch: dict[str, Any], generator: Any = None) -> Any:
    """The weighted inpainting loss of one batch (noise and timesteps from `generator` when given)."""
    import torch
    import torch.nn.functional as functional

    device = models.accelerator.device
    with torch.no_grad():
        ids = models.tokenizer(
            batch["captions"],
            padding="max_length",
            truncation=True,
            return_tensors="pt",
            max_length=models.tokenizer.model_max_length,
        ).input_ids
        text = models.text_encoder(ids.to(device))[0]
        latents = latents_of(models, batch["pixels"]).float()
        keep = batch["pixels"] * (batch["mask"] < 0.5)  # the photo with its scene blanked out
        masked = latents_of(models, keep).float()
    size = latents.shape[-2:]
    mask, weight = (functional.interpolate(batch[k].to(device), size=size) for k in ("mask", "weight"))
    noise = torch.randn(latents.shape, generator=generator, device="cpu").to(device)
    steps = models.noise.config.num_train_timesteps
    t = torch.randint(0, steps, (latents.shape[0],), generator=generator, device="cpu").to(device)
    noisy = models.noise.add_noise(latents, noise, t)
    predicted = models.unet(torch.cat([noisy, mask, masked], dim=1), t, text.to(latents.dtype)).sample
    target = (
        noise
        if models.noise.config.prediction_type == "epsilon"
        else models.noise.get_velocity(latents, noise, t)
    )
    squared = (predicted.float() - target.float()) ** 2 * weight
    return squared.sum() / (weight.sum() * latents.shape[1]).clamp(min=1e-8)


def train_step(models: Models, dataset: Dataset, config: TrainConfig, step: int) -> float:
    """One optimiser step (over `grad_accum` micro-batches); the mean loss."""
    accelerator, losses = models.accelerator, []
    for micro in range(config.grad_accum):
        with accelerator.accumulate(models.unet):
            loss = loss_on(models, tensors(samples_for(dataset, config, step, micro), config))
            accelerator.backward(loss)
            if accelerator.sync_gradients:
                accelerator.clip_grad_norm_(models.unet.parameters(), 1.0)
            models.optimizer.step()
            models.lr_scheduler.step()
            models.optimizer.zero_grad()
            losses.append(float(loss.detach()))
    return sum(losses) / len(losses)


# --- the run --------------------------------------------------------------------------------------


def last_checkpoint(out: Path) -> tuple[int, Path | None]:
    found = sorted((out / CHECKPOINTS).glob("step-*"))
    return (int(found[-1].name.split("-")[1]), found[-1]) if found else (0, None)


def checkpoint(models: Models, out: Path, step: int) -> None:
    models.accelerator.save_state(str(out / CHECKPOINTS / f"step-{step:07d}"))
    (out / CHECKPOINTS / f"step-{step:07d}" / "log.json").write_text(json.dumps(models.log))
    for old in sorted((out / CHECKPOINTS).glob("step-*"))[:-KEEP_CHECKPOINTS]:
        for path in sorted(old.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        old.rmdir()


def resume(models: Models, out: Path) -> int:
    """The state of the last checkpoint in `out`, if there is one; the step it was taken at (else 0)."""
    step, found = last_checkpoint(out)
    if found is not None:
        models.accelerator.load_state(str(found))
        models.log = json.loads((found / "log.json").read_text())
    return step


def train(
    config: TrainConfig, dataset: Dataset, report: Callable[[dict[str, float]], None] = lambda _: None
) -> Path:
    """Fine-tune (resuming from the last checkpoint in `config.out`) and save the LoRA and its card."""
    if not dataset.examples:
        raise ValueError("The dataset has no usable photo.")
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    models = load(config)
    step = resume(models, out)
    while step < config.steps:
        loss = train_step(models, dataset, config, step)
        step += 1
        record = {"step": step, "loss": loss, "lr": models.lr_scheduler.get_last_lr()[0]}
        models.log.append(record)
        with (out / "log.jsonl").open("a") as log:
            log.write(json.dumps(record) + "\n")
        report(record)
        if step % config.checkpoint_every == 0 or step == config.steps:
            checkpoint(models, out, step)
        if config.validate_every and (step % config.validate_every == 0 or step == config.steps):
            validate(models, config, dataset, out / "validation" / f"step-{step:07d}")
    return save(models, config, dataset, out)


def validate(models: Models, config: TrainConfig, dataset: Dataset, folder: Path) -> list[Path]:
    """Render the scenes of the first photos with fixed seeds: the photo as masked | the render."""
    import torch

    pipe = validation_pipeline(models, config)
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for index, example in enumerate(dataset.examples[: config.validation_images]):
        sample = augment(example, random.Random(f"validation:{index}"), config.resolution)  # noqa: S311
        generator = torch.Generator(device="cpu").manual_seed(index)
        with torch.no_grad(), models.accelerator.autocast():
            render = pipe(
                prompt=sample.caption,
                image=sample.image,
                mask_image=sample.scene_mask,
                generator=generator,
                height=config.resolution,
                width=config.resolution,
                num_inference_steps=config.validation_steps,
            ).images[0]
        shown = Image.composite(Image.new("RGB", sample.image.size, "white"), sample.image, sample.scene_mask)
        pair = Image.new("RGB", (config.resolution * 2, config.resolution))
        pair.paste(shown, (0, 0))
        pair.paste(render, (config.resolution, 0))
        made.append(folder / f"{index}.png")
        pair.save(made[-1])
    return made


def validation_pipeline(models: Models, config: TrainConfig) -> Any:
    import diffusers

    library: Any = diffusers
    pipe = library.StableDiffusionInpaintPipeline(
        vae=models.vae,
        text_encoder=models.text_encoder,
        tokenizer=models.tokenizer,
        unet=models.accelerator.unwrap_model(models.unet),
        scheduler=library.DDIMScheduler.from_pretrained(config.base, subfolder="scheduler"),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.set_progress_bar_config(disable=True)
    return pipe


def save(models: Models, config: TrainConfig, dataset: Dataset, out: Path) -> Path:
    import diffusers
    from peft.utils import get_peft_model_state_dict

    library: Any = diffusers

    unet = models.accelerator.unwrap_model(models.unet)
    layers = library.utils.convert_state_dict_to_diffusers(get_peft_model_state_dict(unet))
    library.StableDiffusionInpaintPipeline.save_lora_weights(
        out, unet_lora_layers=layers, safe_serialization=True
    )
    card = {
        "base": config.base, "data": dataset.digest, "examples": len(dataset.examples),
        "skipped": [asdict(s) for s in dataset.skipped], "arguments": asdict(config),
        "steps": models.log[-1]["step"] if models.log else 0,
        "final_loss": models.log[-1]["loss"] if models.log else None,
    }  # fmt: skip
    (out / "card.json").write_text(json.dumps(card, indent=2))
    return out / LORA_FILE
