"""Celery tasks of the generation flow: ids in, one pipeline call, the outcome recorded by the service."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError

import presets
from adcreative.celery import gpu_task
from adcreative.generation import recommendations
from workers.imaging import ImageRejected

log = logging.getLogger(__name__)

MAX_RETRIES = 4
# Failures worth another try: storage hiccups, a database restart, memory pressure on the worker.
TRANSIENT = (OSError, DatabaseError, MemoryError)


def backoff(retries: int) -> float:
    """Exponential backoff with full jitter: 2, 4, 8, 16 s at most."""
    return random.uniform(0.5, 2.0 ** (retries + 1))  # noqa: S311 - jitter, not security


@gpu_task(name="gpu.recommend", bind=True, max_retries=MAX_RETRIES)
def recommend(self: Task, recommendation_id: str) -> None:  # type: ignore[type-arg]
    # The pipeline (scipy, torch) is imported here, in the worker, never by the web enqueuing this task.
    from workers.recommend import PipelineSettings, recommend_from_photo

    recommendation = recommendations.claim(recommendation_id)
    if recommendation is None:
        return  # finished already (a redelivered message): nothing to do
    try:
        with recommendation.image.file.open("rb") as handle:
            data = handle.read()
        outcome = recommend_from_photo(
            data,
            presets.load_catalog(),
            PipelineSettings(
                max_pixels=settings.MAX_IMAGE_PIXELS,
                rembg_model=settings.REMBG_MODEL,
                u2net_home=settings.U2NET_HOME,
                caption_model=settings.CAPTION_MODEL,
            ),
        )
        recommendations.complete(recommendation, outcome)
    except ImageRejected as exc:
        recommendations.fail(recommendation_id, exc.code, exc.message)
    except SoftTimeLimitExceeded:
        recommendations.fail(
            recommendation_id, "timeout", "Analysing the photo took too long. Please try again."
        )
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            log.exception("recommendation %s failed after %d tries", recommendation_id, MAX_RETRIES + 1)
            recommendations.fail(
                recommendation_id, "unavailable", "The photo could not be processed right now."
            )
            return
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    except Exception:
        log.exception("recommendation %s failed", recommendation_id)
        recommendations.fail(recommendation_id, "processing_failed", "The photo could not be processed.")


@gpu_task(name="gpu.warm_up")
def warm_up() -> dict[str, float]:
    """Load this worker process's models now rather than on its first photo (seconds per model)."""
    import time

    from workers import models

    loaders: list[tuple[str, Callable[[], Any]]] = [
        ("rembg", lambda: models.rembg_session(settings.REMBG_MODEL, settings.U2NET_HOME)),
        ("classifier", models.classifier),
        ("text_encoder", models.text_encoder),
    ]
    loaded: dict[str, float] = {}
    for name, load in loaders:
        started = time.perf_counter()
        load()
        loaded[name] = round(time.perf_counter() - started, 3)
    return loaded
