"""A fine-tune as a gpu worker trains it: the application's photos → dataset → LoRA → stored results.

Imported by the worker only (the task imports it when it runs): torch, diffusers and peft stay out of the
web process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from adcreative.assets.models import Asset
from adcreative.finetunes import state
from adcreative.finetunes.models import FineTune
from workers.finetune.archive import archive_photos, open_archive
from workers.finetune.dataset import build, pipeline
from workers.finetune.train import TrainConfig, train
from workers.imaging import ImageRejected


class Stopped(Exception):
    """The fine-tune is no longer this worker's to train: it was cancelled, or taken over."""


def photos_of(fine_tune: FineTune) -> Iterator[tuple[str, bytes, str]]:
    """(source, bytes, note) of each photo: the zip's members, or the named assets in the given order."""
    if fine_tune.upload:
        with fine_tune.upload.open("rb") as handle, open_archive(handle) as archive:
            yield from archive_photos(archive, settings.FINETUNE_MAX_PHOTOS, settings.UPLOAD_MAX_BYTES)
        return
    assets = {str(a.id): a for a in Asset.objects.filter(id__in=fine_tune.asset_ids)}
    for asset_id in fine_tune.asset_ids:
        asset = assets.get(asset_id)
        if asset is None:  # deleted since the fine-tune was asked for: reported as skipped
            yield asset_id, b"", ""
            continue
        with asset.file.open("rb") as handle:
            yield asset_id, handle.read(), ""


def config_of(fine_tune: FineTune, work: Path) -> TrainConfig:
    arguments = fine_tune.arguments
    return TrainConfig(
        base=settings.FINETUNE_BASE_MODEL,
        out=str(work),
        steps=fine_tune.steps,
        batch=settings.FINETUNE_BATCH,
        lr=float(arguments.get("learningRate", 1e-4)),
        rank=int(arguments.get("rank", 8)),
        alpha=int(arguments.get("rank", 8)),
        seed=int(arguments.get("seed", 0)),
        resolution=settings.FINETUNE_RESOLUTION,
        mixed_precision=settings.FINETUNE_MIXED_PRECISION,
        checkpoint_every=settings.FINETUNE_CHECKPOINT_EVERY,
        validate_every=fine_tune.steps if settings.FINETUNE_VALIDATION_IMAGES else 0,  # at the end
        validation_images=settings.FINETUNE_VALIDATION_IMAGES,
        validation_steps=settings.FINETUNE_VALIDATION_STEPS,
    )


def run(fine_tune: FineTune, work: Path) -> None:
    """Train the claimed fine-tune in `work` (resuming from a checkpoint there) and store what it made;
    raises Stopped as soon as it is no longer this worker's, ImageRejected when no photo is usable."""
    segment, describe = pipeline(settings.REMBG_MODEL, str(settings.U2NET_HOME), settings.CAPTION_MODEL)
    dataset = build(photos_of(fine_tune), segment, describe, settings.MAX_IMAGE_PIXELS)
    skipped = [{"source": s.source, "reason": s.reason} for s in dataset.skipped]
    if not state.dataset_built(fine_tune, len(dataset.examples), skipped):
        raise Stopped
    if not dataset.examples:
        raise ImageRejected("no_usable_photo", "None of the photos could be used: " + _reasons(skipped))

    def report(record: dict[str, float]) -> None:
        if not state.report(fine_tune, record):
            raise Stopped

    config = config_of(fine_tune, work)
    lora = train(config, dataset, report)
    renders = sorted((work / "validation" / f"step-{config.steps:07d}").glob("*.png"))
    trained = state.Trained(
        lora.read_bytes(), json.loads((work / "card.json").read_text()), [p.read_bytes() for p in renders]
    )
    if not state.complete(fine_tune, trained):
        raise Stopped


def _reasons(skipped: list[dict[str, str]]) -> str:
    shown = "; ".join(f"{s['source']}: {s['reason']}" for s in skipped[:3])
    return shown + (f" (and {len(skipped) - 3} more)" if len(skipped) > 3 else "")
