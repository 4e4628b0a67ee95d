"""Celery tasks of Recommendations: claim → the photo pipeline → the outcome, recorded by the state service."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from celery import Task as CeleryTask
from django.conf import settings
from django.db import DatabaseError

import presets
from adcreative import telemetry
from adcreative.celery import gpu_task
from adcreative.failures import MAX_RETRIES, Outcome, Wording, backoff, settle
from adcreative.leases import heartbeat, retry_while_held
from adcreative.recommendations import state
from adcreative.recommendations.models import Recommendation

WORDING = Wording(
    unreadable=("unreadable_image", "The image cannot be read."),
    time_limit=("timeout", "Analysing the photo took too long. Please try again."),
    unavailable=("unavailable", "The photo could not be processed right now."),
    failed=("processing_failed", "The photo could not be processed."),
)


@gpu_task(name="gpu.recommend", bind=True, max_retries=MAX_RETRIES)
def recommend(self: CeleryTask, recommendation_id: str) -> None:  # type: ignore[type-arg]
    try:
        recommendation = state.claim(recommendation_id)
    except DatabaseError as exc:  # nothing claimed yet: try again later (the reaper covers the last try)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    if recommendation is None:  # finished (nothing to do), or held by a worker whose lease is running
        retry_while_held(self, state.held_until(recommendation_id), MAX_RETRIES)
        return
    try:
        with heartbeat(lambda: state.renew(recommendation)):
            analysed = analyse_photo(recommendation)
        state.complete(recommendation, analysed)
        for stage, step in (("recommendation", "total"), ("cutout", "cutout")):
            telemetry.stage(stage, analysed.timings.get(step, 0.0))
    except Exception as exc:
        outcome = Outcome(
            fail=lambda code, message: state.fail(recommendation_id, code, message),
            release=lambda: state.release(recommendation_id),  # free again, so the retry can claim it
            wording=WORDING,
            what=f"recommendation {recommendation_id}",
        )
        settle(self, exc, outcome)


def analyse_photo(recommendation: Recommendation) -> Any:
    """The photo pipeline on the record's stored photo: its cut-out and what it recommends."""
    # The pipeline (scipy, torch) is imported here, in the worker, never by the web enqueuing this task.
    from workers.recommend import PipelineSettings, recommend_from_photo

    with recommendation.image.file.open("rb") as handle:
        data = handle.read()
    pipeline = PipelineSettings(
        max_pixels=settings.MAX_IMAGE_PIXELS,
        rembg_model=settings.REMBG_MODEL,
        u2net_home=settings.U2NET_HOME,
        caption_model=settings.CAPTION_MODEL,
        zero_shot_model=settings.ZERO_SHOT_MODEL,
        classifiers=tuple(settings.CLASSIFIER_MODELS),
        read_labels=settings.LABEL_READING,
    )
    return recommend_from_photo(data, presets.load_catalog(), pipeline)


def warm_marker() -> Path:
    """The file a gpu worker process writes once its models are loaded (`manage.py runstack` waits for it
    before it says "Serving")."""
    return Path(settings.VAR_DIR) / "worker-gpu.warm"


@gpu_task(name="gpu.warm_up", ignore_result=False)
def warm_up() -> dict[str, float]:
    """Load this worker process's models now rather than on its first photo (seconds per model), and say
    so in `warm_marker()`."""
    from workers import models  # the model runtimes load in the worker only, never in the web process

    loaders: list[tuple[str, Callable[[], Any]]] = [
        ("rembg", lambda: models.rembg_session(settings.REMBG_MODEL, settings.U2NET_HOME)),
        ("classifier", lambda: models.classifiers(tuple(settings.CLASSIFIER_MODELS))),
        ("text_encoder", models.text_encoder),
    ]
    if settings.LABEL_READING:
        loaders.append(("label_reader", models.label_reader))
    if settings.ZERO_SHOT_MODEL:  # its nouns' text embeddings are computed as it loads
        loaders.append(("zero_shot", lambda: models.zero_shot(settings.ZERO_SHOT_MODEL)))
    loaded: dict[str, float] = {}
    for name, load in loaders:
        started = time.perf_counter()
        load()
        loaded[name] = round(time.perf_counter() - started, 3)
    marker = warm_marker()
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"pid": os.getpid(), "seconds": loaded}), encoding="utf-8")
    return loaded
