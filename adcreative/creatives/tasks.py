"""Celery tasks that render creatives: claim → one pipeline call → the outcome, recorded by the state service."""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Task as CeleryTask

from adcreative.api import tracing
from adcreative.celery import gpu_task
from adcreative.creatives import state
from adcreative.creatives.models import Task
from adcreative.failures import MAX_RETRIES, Failure, Outcome, Wording, classify, settle
from adcreative.leases import retry_while_held

log = logging.getLogger(__name__)
WORDING = Wording(
    unreadable=("unreadable_asset", "The product image asset could not be read."),
    time_limit=("timeout", "Rendering took too long. Please try again."),
    unavailable=("unavailable", "The creative could not be rendered right now."),
    failed=("render_failed", "The creative could not be rendered."),
)


def outcome_of(tasks: list[Task], held: list[Task]) -> Outcome:
    """A failure fails `tasks` (this call's), and a retry hands back every task the message `held`."""
    ids, held_ids = [str(task.id) for task in tasks], [str(task.id) for task in held]

    def fail(code: str, message: str) -> None:
        for task_id in ids:
            state.fail(task_id, code, message)

    def release() -> None:
        for task_id in held_ids:
            state.release(task_id)  # free again (in the state it reached), so the retry can claim it

    return Outcome(fail, release, WORDING, what=f"tasks {ids}")


def render_claimed(
    celery_task: CeleryTask[Any, Any], tasks: list[Task], held: list[Task], shrinks: bool = False
) -> None:
    """Render claimed tasks of one process in one call; a failure is settled for all of them. With
    `shrinks`, a GPU out of memory retries the message with half as many creatives per call."""
    # The pipeline (numpy, the engines) is imported by the worker that runs it, never by the web.
    from adcreative.creatives.rendering import render_tasks

    tracing.bind(process_id=tasks[0].process_id, **({"task_id": tasks[0].id} if len(tasks) == 1 else {}))
    started = time.monotonic()
    try:
        render_tasks(tasks)
    except Exception as exc:
        smaller = shrinks and classify(exc) is Failure.OUT_OF_MEMORY
        retry_kwargs = {"batch_size": max(1, len(tasks) // 2)} if smaller else None
        settle(celery_task, exc, outcome_of(tasks, held), retry_kwargs)
    else:
        log.info("rendered %d creative(s) in %.2f s", len(tasks), time.monotonic() - started)


@gpu_task(name="gpu.render", bind=True, max_retries=MAX_RETRIES)
def render(self: CeleryTask, task_id: str) -> None:  # type: ignore[type-arg]
    """Render one creative (the studio engine's unit of work, and the reaper's re-send)."""
    task = state.claim(task_id)
    if task is not None:
        render_claimed(self, [task], held=[task])
    else:  # finished or cancelled (nothing to do), or held by a worker whose lease has yet to run out
        retry_while_held(self, state.held_until(id=task_id), MAX_RETRIES)


@gpu_task(name="gpu.render_process", bind=True, max_retries=MAX_RETRIES)
def render_process(self: CeleryTask, process_id: str, batch_size: int | None = None) -> None:  # type: ignore[type-arg]
    """Render every queued task of a process in batched calls (the diffusion engine's unit of work):
    one call per canvas size, or per `batch_size` creatives after the GPU ran out of memory."""
    claimed = state.claim_process(process_id)
    by_size: dict[tuple[int, int], list[Task]] = {}
    for task in claimed:
        by_size.setdefault((task.width, task.height), []).append(task)
    for group in by_size.values():
        size = batch_size or len(group)
        for start in range(0, len(group), size):
            render_claimed(self, group[start : start + size], held=claimed, shrinks=True)
    retry_while_held(self, state.held_until(process_id=process_id), MAX_RETRIES)
