"""manage.py finetune --data DIR --base MODEL --out DIR [options]: a placement LoRA from a folder of photos.

Every option of the training (workers/finetune/train.py's TrainConfig) is a flag of its own, with the same
default. The photos are read with the worker's own cut-out and product analysis (REMBG_MODEL, U2NET_HOME,
CAPTION_MODEL); those it cannot use are listed and skipped. A run whose --out holds a checkpoint resumes.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

EVERY = 10  # a progress line every this many steps


class Command(BaseCommand):
    help = "Fine-tune a LoRA of the inpainting model on a folder of product-in-scene photos."

    def add_arguments(self, parser: CommandParser) -> None:
        from workers.finetune.train import TrainConfig

        parser.add_argument(
            "--data", required=True, help="Folder of photos (and optional <photo>.txt notes)."
        )
        for field in dataclasses.fields(TrainConfig):
            flag = "--" + field.name.replace("_", "-")
            if field.name in ("base", "out"):
                parser.add_argument(flag, required=True, dest=field.name)
            elif field.type == "bool":
                parser.add_argument(flag, action="store_true", dest=field.name)
            elif field.type == "tuple[str, ...]":
                parser.add_argument(flag, nargs="+", default=field.default, dest=field.name)
            else:
                kind = {"int": int, "float": float, "str": str}[str(field.type)]
                parser.add_argument(flag, type=kind, default=field.default, dest=field.name)

    def handle(self, *args: Any, **options: Any) -> None:
        from workers.finetune.dataset import build_from_folder, pipeline
        from workers.finetune.train import TrainConfig, train

        folder = Path(options["data"])
        if not folder.is_dir():
            raise CommandError(f"--data {folder} is not a folder.")
        segment, describe = pipeline(settings.REMBG_MODEL, str(settings.U2NET_HOME), settings.CAPTION_MODEL)
        dataset = build_from_folder(folder, segment, describe, settings.MAX_IMAGE_PIXELS)
        for skipped in dataset.skipped:
            self.stderr.write(f"skipped {skipped.source}: {skipped.reason}")
        if not dataset.examples:
            raise CommandError(f"No usable photo in {folder}.")
        self.stdout.write(f"{len(dataset.examples)} photos, data {dataset.digest[:12]}")
        names = {field.name for field in dataclasses.fields(TrainConfig)}
        config = TrainConfig(**{name: value for name, value in options.items() if name in names})
        lora = train(config, dataset, self.progress)
        self.stdout.write(f"LoRA: {lora} (card: {lora.parent / 'card.json'})")

    def progress(self, record: dict[str, float]) -> None:
        if record["step"] % EVERY == 0 or record["step"] == 1:
            self.stdout.write(f"step {record['step']:.0f}  loss {record['loss']:.4f}  lr {record['lr']:.2e}")
