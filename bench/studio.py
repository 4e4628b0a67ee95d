"""Studio engine: six 1674x628 creatives of one product, after the cut-out, on this machine's cores.

Goal: all six in ≤ 1.5 s on 2 cores (each a ray-cast 3D set: soft shadows, a lens, a floor material).
The baseline measured in the same run is Pillow encoding the six finished PNGs, so the ratio shows
rendering against work every creative must do anyway.
"""

from __future__ import annotations

import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import presets  # noqa: E402
from bench.figures import Figure, record  # noqa: E402
from tests.drawing import drawn_cutout  # noqa: E402
from workers.imaging import encode_png  # noqa: E402
from workers.render.compose import render_creative  # noqa: E402

PRESETS = [
    "white_background",
    "gold_luxury",  # a podium under the product and a gel
    "gray_shadowy_room_sunlight_streaming_studio",
    "concrete_plinth",  # a plinth and a blinds gobo
    "mid_century_modern_office",
    "forest_leaves_bokeh",
]


def render_one(preset_id: str) -> float:
    scene = presets.load_catalog()[preset_id].scene
    started = time.perf_counter()
    render_creative(drawn_cutout(), scene, list(scene.palette), False, seed=5)
    return time.perf_counter() - started


def main() -> None:
    cutout = drawn_cutout()
    images = []
    per_creative = {}
    for preset_id in PRESETS:
        scene = presets.load_catalog()[preset_id].scene
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            creative = render_creative(cutout, scene, list(scene.palette), False, seed=5)
            samples.append(time.perf_counter() - started)
        per_creative[preset_id] = statistics.median(samples)
        images.append(creative.image)
    started = time.perf_counter()
    for image in images:
        encode_png(image)
    encode = time.perf_counter() - started
    for preset_id, seconds in per_creative.items():
        print(f"{preset_id:52} {seconds:6.3f} s")
    serial = sum(per_creative.values())
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(render_one, PRESETS))  # warm the two processes
        started = time.perf_counter()
        list(pool.map(render_one, PRESETS))
        parallel = time.perf_counter() - started
    print(f"six creatives, one core: {serial:.2f} s; two cores: {parallel:.2f} s (goal ≤ 1.5 s on two)")
    print(f"PNG encoding of the six (baseline): {encode:.2f} s; render ÷ encode = {serial / encode:.2f}")
    record(Figure("six studio creatives, two cores", parallel, "s", goal=1.5, script="studio.py"))
    record(Figure("six studio creatives, one core", serial, "s", encode, script="studio.py"))


if __name__ == "__main__":
    main()
