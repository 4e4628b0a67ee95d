"""The Recommendations pipeline: photo bytes in, cut-out and recommendation out (no Django here)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from presets import Preset
from workers import models
from workers.analysis import Recommendation, analyse
from workers.cutout import Cutout, cut_out
from workers.imaging import open_product_image


@dataclass(frozen=True)
class PipelineSettings:
    max_pixels: int
    rembg_model: str = "u2netp"
    u2net_home: str = ""
    caption_model: str = ""
    zero_shot_model: str = ""  # a local CLIP/SigLIP that names products over the shop taxonomy; "": off
    classifiers: tuple[str, ...] = models.CLASSIFIERS  # averaged when more than one
    read_labels: bool = True


@dataclass
class PhotoAnalysis:
    """What the photo pipeline found in one photo: its cut-out, what it recommends, and its timings."""

    cutout: Cutout
    recommendation: Recommendation
    timings: dict[str, float] = field(default_factory=dict)


def recommend_from_photo(
    data: bytes, catalog: Mapping[str, Preset], settings: PipelineSettings
) -> PhotoAnalysis:
    """Decode → remove the background → analyse. Raises ImageRejected for photos it cannot use."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    photo = open_product_image(data, settings.max_pixels)
    timings["decode"] = time.perf_counter() - started

    step = time.perf_counter()
    cutout = cut_out(photo, models.rembg_session(settings.rembg_model, settings.u2net_home))
    timings["cutout"] = time.perf_counter() - step

    step = time.perf_counter()
    captioner = models.captioner(settings.caption_model) if settings.caption_model else None
    reader = models.label_reader() if settings.read_labels else None
    classifier = models.classifiers(settings.classifiers)
    zero_shot = models.zero_shot(settings.zero_shot_model) if settings.zero_shot_model else None
    encoder = models.text_encoder()
    recommendation = analyse(cutout.image, catalog, classifier, encoder, captioner, reader, zero_shot)
    timings["analysis"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    return PhotoAnalysis(cutout, recommendation, {k: round(v, 4) for k, v in timings.items()})
