"""Product naming, measured: the Recommendations pipeline over a folder of photos with a `names.tsv`.

Each photo's name and description are printed with whether the name is one a shopper would accept (the
`names.tsv` line: photo, tab, a case-insensitive regular expression a right name matches), then the share
named right, for this pipeline and for the baseline: the classifier-only pipeline (EfficientNet-Lite0, no
label reading), run on the same photos in the same process, alternating, so the time ratio is fair on a
noisy machine. Goal: ≥ 90 % named right on the dev photos, time per photo ≤ 1.5x the baseline's.

    .venv/bin/python bench/naming.py [FOLDER]      (default ../shared/photos/dev)
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.figures import Figure, record  # noqa: E402
from presets import load_catalog  # noqa: E402
from workers.provision import EMBEDDED, provision_rembg, provision_u2netp  # noqa: E402
from workers.recommend import PhotoAnalysis, PipelineSettings, recommend_from_photo  # noqa: E402

DEFAULT_FOLDER = ROOT.parent / "shared" / "photos" / "dev"
U2NET_HOME = ROOT / "models"
PIPELINE = PipelineSettings(max_pixels=40_000_000, u2net_home=str(U2NET_HOME))
BASELINE = replace(PIPELINE, read_labels=False, classifiers=("efficientnet-lite0",))


def expected_names(folder: Path) -> dict[str, re.Pattern[str]]:
    table = {}
    for line in (folder / "names.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            photo, pattern = line.split("\t", 1)
            table[photo.strip()] = re.compile(pattern.strip(), re.IGNORECASE)
    return table


def timed(data: bytes, settings: PipelineSettings) -> tuple[PhotoAnalysis, float]:
    catalog = load_catalog()
    started = time.perf_counter()
    outcome = recommend_from_photo(data, catalog, settings)
    return outcome, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument(
        "--classifiers", default=",".join(PIPELINE.classifiers), help="the pipeline's (CLASSIFIER_MODELS)"
    )
    parser.add_argument("--rembg-model", default="u2netp", choices=sorted(EMBEDDED), help="the pipeline's")
    arguments = parser.parse_args()
    folder = arguments.folder
    classifiers = tuple(arguments.classifiers.split(","))
    pipeline = replace(PIPELINE, classifiers=classifiers, rembg_model=arguments.rembg_model)
    if not (folder / "names.tsv").is_file():
        sys.exit(f"{folder} has no names.tsv: give a folder of photos with one (photo<TAB>regex per line)")
    provision_u2netp(U2NET_HOME)
    provision_rembg(arguments.rembg_model, U2NET_HOME)
    names = expected_names(folder)
    photos = {photo: (folder / photo).read_bytes() for photo in names}
    first = next(iter(photos.values()))
    timed(first, pipeline), timed(first, BASELINE)  # load every model before anything is timed

    right = {"pipeline": 0, "baseline": 0}
    seconds: dict[str, list[float]] = {"pipeline": [], "baseline": []}
    for photo, data in photos.items():
        for which, settings in (("baseline", BASELINE), ("pipeline", pipeline)):
            outcome, took = timed(data, settings)
            seconds[which].append(took)
            product = outcome.recommendation.product
            ok = bool(names[photo].search(product.name))
            right[which] += ok
            if which == "pipeline":
                mark = "ok  " if ok else "MISS"
                print(f"{mark} {photo:48s} {product.name!r:28s} {product.description}")
                if product.printed:
                    print(f"     printed: {' | '.join(product.printed)[:100]}")
    count = len(photos)
    for which in ("baseline", "pipeline"):
        share = 100 * right[which] / count
        print(
            f"{which:9s} named right: {right[which]}/{count} ({share:.0f} %), "
            f"median {statistics.median(seconds[which]):.2f} s a photo"
        )
    ratios = [p / b for p, b in zip(seconds["pipeline"], seconds["baseline"], strict=True)]
    print(f"time per photo, pipeline ÷ baseline: median {statistics.median(ratios):.2f}x (goal ≤ 1.5x)")
    named = 100 * right["pipeline"] / count
    record(Figure("products named right", named, "%", goal=90.0, at_most=False, script="naming.py"))
    record(
        Figure(
            "Recommendations pipeline per photo",
            statistics.median(seconds["pipeline"]),
            "s",
            statistics.median(seconds["baseline"]),
            goal=1.5,
            spread=max(ratios) - min(ratios),
            script="naming.py",
        )
    )


if __name__ == "__main__":
    main()
