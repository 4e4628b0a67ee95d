"""Celery tasks of the generation flow: ids in, one pipeline call, the outcome recorded by the service."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
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

    try:
        recommendation = recommendations.claim(recommendation_id)
    except DatabaseError as exc:  # nothing claimed yet: try again later (the reaper covers the last try)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
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
        recommendations.requeue(recommendation_id)  # free again, so the retry can claim it
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


def _engine() -> Any:
    """The diffusion engine of this process (GENERATION_ENGINE=diffusion), or None for the studio engine."""
    if settings.GENERATION_ENGINE != "diffusion":
        return None
    from workers import models
    from workers.render.diffusion import IpAdapter

    ip_adapter = None
    if settings.IP_ADAPTER:
        ip_adapter = IpAdapter(
            settings.IP_ADAPTER,
            settings.IP_ADAPTER_SUBFOLDER,
            settings.IP_ADAPTER_WEIGHT_NAME,
            settings.IP_ADAPTER_SCALE,
        )
    return models.diffusion_engine(
        settings.SD_INPAINT_MODEL,
        settings.DIFFUSION_STEPS,
        settings.DIFFUSION_GUIDANCE,
        settings.LORA_WEIGHTS,
        ip_adapter,
    )


def _render(celery_task: Task, tasks: list[Any]) -> None:  # type: ignore[type-arg]
    """Render claimed tasks of one process in one batch and record each outcome."""
    from PIL import Image, UnidentifiedImageError

    from adcreative.generation import processes
    from adcreative.generation.models import Task as RenderTask
    from workers.render.job import RenderJob, run_batch

    ids = [str(task.id) for task in tasks]
    process = tasks[0].process
    jobs = [
        RenderJob(
            preset_id=task.preset_id,
            custom_prompt=str(task.prompt.get("prompt") or ""),
            disable_safe_margin=process.disable_safe_margin,
            use_same_style=process.use_same_style,
            seed=task.seed,
            prompt_text=task.prompt_text,
            negative_prompt=task.negative_prompt,
        )
        for task in tasks
    ]

    def report(percent: int) -> None:
        for task in tasks:
            processes.advance(task, RenderTask.State.RENDERING, percent)

    try:
        with process.cutout.file.open("rb") as handle:
            cutout = Image.open(handle)
            cutout.load()
        live = [task for task in tasks if processes.advance(task, RenderTask.State.RENDERING, 10)]
        if not live:
            return  # every task was cancelled while it waited
        results = run_batch(
            jobs,
            cutout.convert("RGBA"),
            presets.load_catalog(),
            report,
            _engine(),
            settings.PRESET_PREVIEW_DIR,
        )
        for task, result in zip(tasks, results, strict=True):
            if processes.advance(task, RenderTask.State.FINALIZING, 90):
                processes.complete(task, result.png, result.thumbnail_jpeg, result.timings)
    except UnidentifiedImageError:  # an OSError, but a broken file stays broken: no retry
        for task_id in ids:
            processes.fail(task_id, "unreadable_asset", "The product image asset could not be read.")
    except SoftTimeLimitExceeded:
        for task_id in ids:
            processes.fail(task_id, "timeout", "Rendering took too long. Please try again.")
    except TRANSIENT as exc:
        if celery_task.request.retries >= MAX_RETRIES:
            log.exception("tasks %s failed after %d tries", ids, MAX_RETRIES + 1)
            for task_id in ids:
                processes.fail(task_id, "unavailable", "The creative could not be rendered right now.")
            return
        for task_id in ids:
            processes.release(task_id)  # back to Queued, so the retry can claim them
        raise celery_task.retry(exc=exc, countdown=backoff(celery_task.request.retries)) from exc
    except Exception:
        log.exception("tasks %s failed", ids)
        for task_id in ids:
            processes.fail(task_id, "render_failed", "The creative could not be rendered.")


@gpu_task(name="gpu.render", bind=True, max_retries=MAX_RETRIES)
def render(self: Task, task_id: str) -> None:  # type: ignore[type-arg]
    """Render one creative (the studio engine's unit of work, and the reaper's re-send)."""
    from adcreative.generation import processes

    task = processes.claim(task_id)
    if task is not None:  # None: finished, cancelled, or held by a live worker
        _render(self, [task])


@gpu_task(name="gpu.render_process", bind=True, max_retries=MAX_RETRIES)
def render_process(self: Task, process_id: str) -> None:  # type: ignore[type-arg]
    """Render every queued task of a process in one batched call (the diffusion engine's unit of work)."""
    from adcreative.generation import processes
    from adcreative.generation.models import Task as RenderTask

    task_ids = RenderTask.objects.filter(process_id=process_id).order_by("order").values_list("id", flat=True)
    claimed = [task for task in (processes.claim(str(task_id)) for task_id in task_ids) if task is not None]
    by_size: dict[tuple[int, int], list[Any]] = {}
    for task in claimed:
        by_size.setdefault((task.width, task.height), []).append(task)
    for group in by_size.values():
        _render(self, group)


@shared_task(name="generation.reap_stuck_tasks")
def reap_stuck_tasks() -> dict[str, int]:
    """Beat, every minute: re-send tasks and recommendations whose message was lost or whose worker died;
    fail hopeless ones.

    Re-sending is safe: a task is claimed by a conditional update, so a duplicate message does nothing.
    """
    from adcreative.generation import processes

    resend, failed = processes.stuck_tasks()
    for task_id in failed:
        processes.fail(task_id, "stuck", "Rendering did not finish after several tries. Please try again.")
    for task_id in resend:
        processes.requeue(task_id)
        render.delay(task_id)
    stuck_resend, stuck_failed = recommendations.stuck()
    for record_id in stuck_failed:
        recommendations.fail(record_id, "stuck", "Analysing the photo did not finish after several tries.")
    for record_id in stuck_resend:
        recommendations.requeue(record_id)
        recommend.delay(record_id)
    return {
        "resent": len(resend),
        "failed": len(failed),
        "recommendations_resent": len(stuck_resend),
        "recommendations_failed": len(stuck_failed),
    }
