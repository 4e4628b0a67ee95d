"""Background removal: the worker's cut-out against a bare `rembg.remove` on the same session and photo.

Goal: worker ÷ bare ≤ 1.05 (the clean-up a product shot needs costs little next to the model).
Also: the first photo of a process (session creation included) against the second (session reused).
Uses ../shared/photos when present, else a photo drawn here.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rembg import remove  # noqa: E402

from bench.figures import Figure, record  # noqa: E402
from tests.drawing import bottle_photo, encode  # noqa: E402
from workers import models  # noqa: E402
from workers.cutout import cut_out  # noqa: E402
from workers.imaging import open_product_image  # noqa: E402
from workers.provision import provision_u2netp  # noqa: E402

PHOTOS = ROOT.parent / "shared" / "photos"
HOME = ROOT / "models"
REPEATS = 5


def photos() -> dict[str, bytes]:
    found = {p.name: p.read_bytes() for p in sorted(PHOTOS.glob("*.jpg"))}
    return found or {"drawn bottle": encode(bottle_photo(), "PNG")}


def median_seconds(action, repeats: int = REPEATS) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def interleaved(baseline, candidate, repeats: int = 7) -> tuple[float, float]:
    """Medians of the two, measured turn about so that a noisy neighbour hurts both alike."""
    base, ours = [], []
    for _ in range(repeats):
        base.append(median_seconds(baseline, 1))
        ours.append(median_seconds(candidate, 1))
    return statistics.median(base), statistics.median(ours)


def main() -> None:
    provision_u2netp(HOME)
    images = {name: open_product_image(data, 40_000_000) for name, data in photos().items()}
    first = next(iter(images.values()))

    started = time.perf_counter()
    session = models.rembg_session("u2netp", str(HOME))
    cut_out(first, session)
    cold = time.perf_counter() - started
    warm = median_seconds(lambda: cut_out(first, session))
    print(f"first photo in a process (session created): {cold:6.3f} s; second and later: {warm:6.3f} s")

    ratios, bares, ourses = [], [], []
    print(f"{'photo':24} {'bare rembg.remove':>18} {'worker cut_out':>15} {'ratio':>6}")
    for name, image in images.items():
        bare, ours = interleaved(
            lambda image=image: remove(image, session=session), lambda image=image: cut_out(image, session)
        )
        ratios.append(ours / bare)
        bares.append(bare)
        ourses.append(ours)
        print(f"{name:24} {bare:17.3f}s {ours:14.3f}s {ours / bare:6.2f}")
    print(f"median ratio worker ÷ bare: {statistics.median(ratios):.2f} (goal ≤ 1.05)")
    record(
        Figure(
            "worker cut-out (median photo)",
            statistics.median(ourses),
            "s",
            statistics.median(bares),
            goal=1.05,
            spread=max(ratios) - min(ratios),
            script="cutout.py",
        )
    )


if __name__ == "__main__":
    main()
