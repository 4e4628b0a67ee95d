"""Product naming, measured: the Recommendations pipeline over folders of photos with a `names.tsv`.

For each folder (default both public sets, ../shared/photos/dev and dev2) and separately for its TUNE and
HELD-OUT parts (`bench.photosets.part_of`: one photo in three, by a hash of its file name), every photo's
name is judged (`bench.photosets.judge`): RIGHT (matches names.tsv: a noun a shopper accepts), GENERIC
(matches only generic.tsv: true, but a category such as "toy"), or WRONG; a wrong name said with confidence
at or above `workers.naming.CONFIDENT` is CONFIDENTLY WRONG (every wrong name is, while the product carries
no confidence). The baseline, the classifier-only pipeline (EfficientNet-Lite0, no label reading), runs on
the same photos in the same process, alternating, so the time ratio is fair on a noisy machine.

Goals: ≥ 90 % named right on the public sets (and ≥ 75 % on unseen photos, which the held-out parts stand
for), ≤ 5 % confidently wrong, time per photo ≤ 1.5x the baseline's.

    .venv/bin/python bench/naming.py [FOLDER ...] [--split tune|holdout|all] [--tsv PATH]

One line a photo (ok / GEN / MISS, H where held out, the name, its confidence, the description); `--tsv`
writes one row a photo for analysis, with the words read on it, the classifier's top guesses and the times.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from dataclasses import astuple, dataclass, fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.figures import Figure, record  # noqa: E402
from bench.photosets import Part, Tally, Verdict, confidently_wrong, judge, part_of, read_table  # noqa: E402
from presets import load_catalog  # noqa: E402
from workers import naming  # noqa: E402
from workers.provision import EMBEDDED, provision_rembg, provision_u2netp  # noqa: E402
from workers.recommend import PhotoAnalysis, PipelineSettings, recommend_from_photo  # noqa: E402

PHOTOS = ROOT.parent / "shared" / "photos"
DEFAULT_FOLDERS = (PHOTOS / "dev", PHOTOS / "dev2")
U2NET_HOME = ROOT / "models"
PIPELINE = PipelineSettings(
    max_pixels=40_000_000, u2net_home=str(U2NET_HOME), zero_shot_model=os.environ.get("ZERO_SHOT_MODEL", "")
)  # ZERO_SHOT_MODEL: measure a local CLIP/SigLIP (workers.models.zero_shot) where one is at hand
BASELINE = replace(PIPELINE, read_labels=False, classifiers=("efficientnet-lite0",))
PARTS: dict[str, tuple[Part, ...]] = {"tune": ("tune",), "holdout": ("holdout",), "all": ("tune", "holdout")}
ORDER = ("tune", "holdout", "all")  # the order a folder's parts are reported in
MARKS: dict[Verdict, str] = {"right": "ok  ", "generic": "GEN ", "wrong": "MISS"}
LABELS_SHOWN = 3  # the classifier's guesses written per photo in the --tsv table
RIGHT_GOAL = 90.0  # % named right on the public sets
UNSEEN_GOAL = 75.0  # % named right on unseen photos: the held-out parts stand for them
CONFIDENTLY_WRONG_GOAL = 5.0  # % of photos at most
TIME_GOAL = 1.5  # time per photo, at most this times the baseline's


@dataclass(frozen=True)
class Row:
    """One photo's outcome: what the pipeline named it and how long it and the baseline took."""

    folder: str
    photo: str
    part: Part
    verdict: Verdict
    confidently_wrong: bool
    name: str
    confidence: float | None
    description: str
    printed: str  # the biggest lines printed on the product, as read, " | " between them
    labels: str  # the classifier's top guesses with their probabilities, "; " between them
    baseline_name: str
    baseline_verdict: Verdict
    seconds: float
    baseline_seconds: float


def timed(data: bytes, settings: PipelineSettings) -> tuple[PhotoAnalysis, float]:
    catalog = load_catalog()
    started = time.perf_counter()
    outcome = recommend_from_photo(data, catalog, settings)
    return outcome, time.perf_counter() - started


def photos_of(folder: Path, split: str) -> list[str]:
    """The photos of `folder` named in its names.tsv that belong to the parts `split` asks for."""
    return [photo for photo in read_table(folder / "names.tsv") if part_of(photo) in PARTS[split]]


def labels_of(product: naming.Product) -> str:
    """The classifier's top guesses as one field: "label 0.42; label 0.17"."""
    return "; ".join(f"{label} {probability:.2f}" for label, probability in product.labels[:LABELS_SHOWN])


def measure(folder: Path, photo: str, pipeline: PipelineSettings) -> Row:
    """Name `photo` with the baseline, then the pipeline, and judge both names."""
    data = (folder / photo).read_bytes()
    right = read_table(folder / "names.tsv")[photo]
    generic = read_table(folder / "generic.tsv").get(photo)
    base, base_seconds = timed(data, BASELINE)
    outcome, seconds = timed(data, pipeline)
    product = outcome.recommendation.product
    confidence = getattr(product, "confidence", None)
    verdict = judge(product.name, right, generic)
    wrong = confidently_wrong(verdict, confidence, getattr(naming, "CONFIDENT", None))
    base_name = base.recommendation.product.name
    return Row(
        folder.name, photo, part_of(photo), verdict, wrong, product.name, confidence, product.description,
        " | ".join(product.printed), labels_of(product), base_name, judge(base_name, right, generic), seconds, base_seconds,
    )  # fmt: skip


def show(row: Row) -> None:
    confidence = "  -  " if row.confidence is None else f"{row.confidence:.2f} "
    held = "H" if row.part == "holdout" else " "
    print(f"{MARKS[row.verdict]} {held} {row.photo:46s} {row.name!r:26s} {confidence} {row.description}")
    if row.printed:
        print(f"         printed: {row.printed[:100]}")


def tallies(rows: list[Row], baseline: bool = False) -> dict[tuple[str, str], Tally]:
    """The rows tallied by (folder, part), and by (folder, "all"), each folder's tune part first."""
    out: dict[tuple[str, str], Tally] = {}
    for row in rows:
        for key in ((row.folder, row.part), (row.folder, "all")):
            verdict = row.baseline_verdict if baseline else row.verdict
            out.setdefault(key, Tally()).add(verdict, False if baseline else row.confidently_wrong)
    parts = {(row.folder, row.part) for row in rows}
    for folder in {row.folder for row in rows}:
        if sum(key[0] == folder for key in parts) == 1:
            del out[folder, "all"]  # one part only (a --split run): "all" would repeat it
    return dict(sorted(out.items(), key=lambda item: (item[0][0], ORDER.index(item[0][1]))))


def report(rows: list[Row]) -> None:
    """The table: per folder and part, right / generic / wrong and confidently wrong; then the times."""
    base = tallies(rows, baseline=True)
    for (folder, part), tally in tallies(rows).items():
        right = base[folder, part].share(base[folder, part].counts["right"])
        print(f"{folder:5s} {part:8s} {tally.line()}   (baseline right {right:.0f} %)")
    ratios = [row.seconds / row.baseline_seconds for row in rows]
    median = statistics.median(row.seconds for row in rows)
    base_median = statistics.median(row.baseline_seconds for row in rows)
    print(f"median a photo: pipeline {median:.2f} s, baseline {base_median:.2f} s")
    print(
        f"time per photo, pipeline ÷ baseline: median {statistics.median(ratios):.2f}x (goal ≤ {TIME_GOAL}x)"
    )


def record_figures(rows: list[Row]) -> None:
    """Each folder's and part's share named right, the share confidently wrong, and the time ratio."""
    for (folder, part), tally in tallies(rows).items():
        goal = UNSEEN_GOAL if part == "holdout" else RIGHT_GOAL
        named = tally.share(tally.counts["right"])
        record(
            Figure(f"named right, {folder} {part}", named, "%", goal=goal, at_most=False, script="naming.py")
        )
    overall = Tally()
    for row in rows:
        overall.add(row.verdict, row.confidently_wrong)
    confident = overall.share(overall.confident_wrong)
    record(Figure("names confidently wrong", confident, "%", goal=CONFIDENTLY_WRONG_GOAL, script="naming.py"))
    ratios = [row.seconds / row.baseline_seconds for row in rows]
    seconds = statistics.median(row.seconds for row in rows)
    base = statistics.median(row.baseline_seconds for row in rows)
    spread = max(ratios) - min(ratios)
    record(
        Figure(
            "Recommendations pipeline per photo",
            seconds,
            "s",
            base,
            TIME_GOAL,
            spread=spread,
            script="naming.py",
        )
    )


def write_tsv(rows: list[Row], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(field.name for field in fields(Row))
        writer.writerows(astuple(row) for row in rows)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=list(DEFAULT_FOLDERS))
    parser.add_argument("--split", choices=sorted(PARTS), default="all", help="which part of each folder")
    parser.add_argument("--tsv", type=Path, help="write one row a photo here (tab-separated)")
    parser.add_argument(
        "--classifiers", default=",".join(PIPELINE.classifiers), help="the pipeline's (CLASSIFIER_MODELS)"
    )
    parser.add_argument("--rembg-model", default="u2netp", choices=sorted(EMBEDDED), help="the pipeline's")
    return parser.parse_args()


def pipeline_of(given: argparse.Namespace) -> PipelineSettings:
    """The pipeline the arguments ask for, with its cut-out models fetched."""
    classifiers = tuple(given.classifiers.split(","))
    provision_u2netp(U2NET_HOME)
    provision_rembg(given.rembg_model, U2NET_HOME)
    return replace(PIPELINE, classifiers=classifiers, rembg_model=given.rembg_model)


def main() -> None:
    given = arguments()
    for folder in given.folders:
        if not (folder / "names.tsv").is_file():
            sys.exit(f"{folder} has no names.tsv: give folders of photos with one (photo<TAB>regex per line)")
    pipeline = pipeline_of(given)
    work = [(folder, photo) for folder in given.folders for photo in photos_of(folder, given.split)]
    if not work:
        sys.exit("no photos in that split")
    first = (work[0][0] / work[0][1]).read_bytes()
    timed(first, pipeline), timed(first, BASELINE)  # load every model before anything is timed
    rows = []
    for folder, photo in work:
        rows.append(measure(folder, photo, pipeline))
        show(rows[-1])
    if given.tsv:
        write_tsv(rows, given.tsv)
    report(rows)
    record_figures(rows)


if __name__ == "__main__":
    main()
