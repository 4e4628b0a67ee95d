"""Studio engine: six 1674x628 creatives of one product, after the cut-out, on this machine's cores.

Goal: all six in ≤ 1.5 s on 2 cores (each a ray-cast 3D set: soft shadows, a lens, a floor material).
The baseline measured in the same run is Pillow encoding the six finished PNGs, so the ratio shows
rendering against work every creative must do anyway.

Formats: the six scenes in five formats (landscape_safe, square, portrait, story, a 300x250 banner) on one
core, against the same six in landscape_safe alone: seconds per megapixel of the five ÷ of the one. Goal
≤ 1: a format costs no more than its pixels do (each is laid out and shot anew, never cropped).
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
from workers.render.compose import render_creative, render_format  # noqa: E402
from workers.render.formats import output_format  # noqa: E402

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


FORMATS = ["landscape_safe", "square", "portrait", "story", "banner_300x250"]


def render_formats(names: list[str]) -> float:
    """CPU seconds of this process to render the six scenes in each of `names` (on a shared machine the
    wall clock also counts the other processes' turns)."""
    cutout = drawn_cutout()
    formats = [output_format(name) for name in names]
    started = time.process_time()
    for preset_id in PRESETS:
        scene = presets.load_catalog()[preset_id].scene
        for fmt in formats:
            render_format(cutout, scene, list(scene.palette), fmt, seed=5)
    return time.process_time() - started


def megapixels(names: list[str]) -> float:
    formats = [output_format(name) for name in names]
    return len(PRESETS) * sum(f.width * f.height for f in formats) / 1e6


def measure_formats() -> None:
    """The fastest of three runs of each, taken by turns, so a busy machine slows both alike."""
    ones, fives = [], []
    for _ in range(3):
        ones.append(render_formats(FORMATS[:1]))
        fives.append(render_formats(FORMATS))
    one, five = min(ones) / megapixels(FORMATS[:1]), min(fives) / megapixels(FORMATS)
    print(
        f"six scenes, one format:   {min(ones):6.2f} s for {megapixels(FORMATS[:1]):5.1f} MP = {one:.3f} s/MP"
    )
    print(
        f"six scenes, five formats: {min(fives):6.2f} s for {megapixels(FORMATS):5.1f} MP = {five:.3f} s/MP"
    )
    print(f"per megapixel, five formats ÷ one: {five / one:.2f} (goal ≤ 1)")
    record(Figure("six scenes in five formats, one core", min(fives), "s", min(ones), script="studio.py"))
    spread = max(fives) / megapixels(FORMATS) / one - min(fives) / megapixels(FORMATS) / one
    record(
        Figure(
            "seconds per megapixel, five formats against one",
            five,
            "s/MP",
            one,
            goal=1.0,
            spread=round(spread, 3),
            script="studio.py",
        )
    )


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
    measure_formats()


if __name__ == "__main__":
    main()
