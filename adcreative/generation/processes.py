"""The one writer of Process and Task state: renderState, progress, results.

Every move is a conditional update: a task only moves forward, a finished task never changes, and a
redelivered message finds nothing to do unless the worker that held it died mid-render.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from adcreative.generation.models import Asset, Process, Task
from adcreative.notifications import events
from adcreative.tenancy.models import Application

State = Task.State


@dataclass(frozen=True)
class PromptSpec:
    prompt: dict[str, Any]  # as the client sent it
    preset_id: str
    prompt_text: str
    negative_prompt: str


@dataclass(frozen=True)
class ProcessRequest:
    user_id: uuid.UUID | None
    cutout: Asset
    product_name: str
    product_description: str
    prompts: list[PromptSpec]
    disable_safe_margin: bool
    use_same_style: bool
    seed: int | None
    idempotency_key: str

    def fingerprint(self) -> str:
        body = {
            "user": str(self.user_id), "cutout": str(self.cutout.id), "name": self.product_name,
            "description": self.product_description, "prompts": [p.prompt for p in self.prompts],
            "wide": not self.disable_safe_margin, "style": self.use_same_style, "seed": self.seed,
        }  # fmt: skip
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def create(application: Application, request: ProcessRequest) -> tuple[Process, list[Task]]:
    """A process with one queued task per prompt, enqueued after commit; (process, its tasks as created).

    With an Idempotency-Key, the same key and body give back the first process and render nothing new.
    """
    from adcreative.generation.tasks import render, render_process

    if request.idempotency_key:
        earlier = Process.objects.filter(
            application=application, idempotency_key=request.idempotency_key
        ).first()
        if earlier is not None:
            return _same_request(earlier, request), list(earlier.tasks.all())
    width, height = (1200, 628) if request.disable_safe_margin else (1674, 628)
    base_seed = request.seed if request.seed is not None else int.from_bytes(uuid.uuid4().bytes[:4], "big")
    try:
        with transaction.atomic():
            process = Process.objects.create(
                application=application, user_id=request.user_id, cutout=request.cutout,
                product_name=request.product_name, product_description=request.product_description,
                disable_safe_margin=request.disable_safe_margin, use_same_style=request.use_same_style,
                idempotency_key=request.idempotency_key, request_hash=request.fingerprint(),
            )  # fmt: skip
            tasks = Task.objects.bulk_create(
                Task(
                    process=process,
                    order=order,
                    render_state=State.QUEUED,
                    prompt=spec.prompt,
                    preset_id=spec.preset_id,
                    prompt_text=spec.prompt_text,
                    negative_prompt=spec.negative_prompt,
                    seed=base_seed + order,
                    width=width,
                    height=height,
                    engine=settings.GENERATION_ENGINE,
                )
                for order, spec in enumerate(request.prompts)
            )
            events.tasks_changed(task.id for task in tasks)
            if settings.GENERATION_ENGINE == "diffusion":  # one batched call renders the whole process
                transaction.on_commit(partial(render_process.delay, str(process.id)), robust=True)
            else:
                for task in tasks:
                    # robust: the process is committed; a lost send is re-sent by the beat reaper.
                    transaction.on_commit(partial(render.delay, str(task.id)), robust=True)
    except IntegrityError:  # a concurrent request with the same Idempotency-Key won
        earlier = Process.objects.get(application=application, idempotency_key=request.idempotency_key)
        return _same_request(earlier, request), list(earlier.tasks.all())
    # The tasks as committed: a fast worker may already have claimed one by the time the answer is built.
    return process, tasks


def _same_request(earlier: Process, request: ProcessRequest) -> Process:
    from adcreative.api.exceptions import ConflictError

    if earlier.request_hash != request.fingerprint():
        raise ConflictError(
            "This Idempotency-Key was already used with a different request.",
            key="business: ProductGeneration/AdCreative",
        )
    return earlier


def claim(task_id: str) -> Task | None:
    """Take a queued task (or one whose worker died past the time limit); None if there is nothing to do."""
    stale = timezone.now() - timedelta(seconds=settings.GPU_TASK_TIME_LIMIT)
    claimable = Q(render_state=State.QUEUED) | Q(
        render_state__in=(State.PREPARING, State.RENDERING, State.FINALIZING), started_at__lt=stale
    )
    with transaction.atomic():
        moved = Task.objects.filter(claimable, id=task_id).update(
            # Greatest: a task handed back for a retry keeps the progress it had reached.
            render_state=State.PREPARING,
            progress=Greatest(F("progress"), 5),
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
        if not moved:
            return None
        events.tasks_changed([task_id])
    return Task.objects.select_related("process", "process__cutout", "process__application").get(id=task_id)


def release(task_id: str) -> None:
    """Hand a running task back to the queue (before a retry): it keeps its progress, never goes back."""
    with transaction.atomic():
        if Task.objects.filter(
            id=task_id, render_state__in=(State.PREPARING, State.RENDERING, State.FINALIZING)
        ).update(render_state=State.QUEUED, queued_at=timezone.now()):
            events.tasks_changed([task_id])


def requeue(task_id: str) -> None:
    """Mark a task as sent to the queue again now (the reaper re-sends at most once per interval)."""
    with transaction.atomic():
        task = (
            Task.objects.select_for_update()
            .filter(id=task_id)
            .exclude(render_state__in=Task.FINISHED)
            .first()
        )
        if task is None:
            return
        Task.objects.filter(id=task_id).update(render_state=State.QUEUED, queued_at=timezone.now())
        if task.render_state != State.QUEUED:
            events.tasks_changed([task_id])


def advance(task: Task, state: int, progress: int) -> bool:
    """Move a running task forward (never back); False if it was cancelled or finished meanwhile."""
    with transaction.atomic():
        moved = (
            Task.objects.filter(id=task.id, render_state__lte=state)
            .exclude(render_state__in=Task.FINISHED)
            .update(render_state=state, progress=max(task.progress, progress))
        )
        if moved:
            events.tasks_changed([task.id], state_changed=task.render_state != state)
    task.render_state, task.progress = state, max(task.progress, progress)
    return bool(moved)


def complete(task: Task, png: bytes, thumbnail_jpeg: bytes, timings: dict[str, float]) -> bool:
    """Store the full-size PNG and the JPEG thumbnail and mark the task Completed, or store nothing."""
    names: list[str] = []
    try:
        with transaction.atomic():
            locked = (
                Task.objects.select_for_update().filter(id=task.id, render_state=State.FINALIZING).first()
            )
            if locked is None:
                return False
            locked.process = task.process
            locked.result.save("result.png", ContentFile(png), save=False)
            names.append(locked.result.name or "")
            locked.thumbnail.save("thumbnail.jpg", ContentFile(thumbnail_jpeg), save=False)
            names.append(locked.thumbnail.name or "")
            locked.render_state, locked.progress = State.COMPLETED, 100
            locked.timings, locked.finished_at = timings, timezone.now()
            locked.save(
                update_fields=["result", "thumbnail", "render_state", "progress", "timings", "finished_at"]
            )
            events.tasks_changed([task.id])
    except BaseException:
        for name in names:
            task.result.storage.delete(name)
        raise
    return True


def fail(task_id: str, code: str, message: str) -> bool:
    with transaction.atomic():
        failed = (
            Task.objects.filter(id=task_id)
            .exclude(render_state__in=Task.FINISHED)
            .update(
                render_state=State.FAILED,
                progress=100,
                error_code=code,
                error_message=message,
                finished_at=timezone.now(),
            )
        )
        if failed:
            events.tasks_changed([task_id])
    return bool(failed)


def cancel(process: Process) -> int:
    """Cancel every task of the process not yet finished; returns how many were cancelled."""
    with transaction.atomic():
        open_tasks = Task.objects.filter(process=process).exclude(render_state__in=Task.FINISHED)
        ids = list(open_tasks.select_for_update().values_list("id", flat=True))
        cancelled = Task.objects.filter(id__in=ids).update(
            render_state=State.CANCELLED, progress=100, finished_at=timezone.now()
        )
        events.tasks_changed(ids)
    return cancelled


def process_progress(tasks: list[Task]) -> int:
    """Mean task progress, a Failed or Cancelled task counting as 100."""
    if not tasks:
        return 0
    values = [100 if t.render_state in (State.FAILED, State.CANCELLED) else t.progress for t in tasks]
    return round(sum(values) / len(values))


def process_status(tasks: list[Task]) -> str:
    states = {t.render_state for t in tasks}
    if not states or states - set(Task.FINISHED):
        return "Processing"
    if states == {State.COMPLETED}:
        return "Completed"
    if states == {State.CANCELLED}:
        return "Cancelled"
    if State.COMPLETED in states:
        return "CompletedWithErrors"
    return "Failed" if State.FAILED in states else "Cancelled"


MAX_ATTEMPTS = 3


def stuck_tasks(now: Any = None) -> tuple[list[str], list[str]]:
    """(to re-send, to fail): tasks queued too long, and running tasks whose worker is gone.

    A task running past the hard time limit has lost its worker (the limit would have ended it);
    it is handed back to the queue, or failed once it has had MAX_ATTEMPTS tries.
    """
    now = now or timezone.now()
    running = (State.PREPARING, State.RENDERING, State.FINALIZING)
    dead = now - timedelta(seconds=settings.GPU_TASK_TIME_LIMIT + 60)
    waiting = now - timedelta(seconds=settings.QUEUED_TASK_RESEND_SECONDS)
    resend, failed = [], []
    for task_id, state, attempts in Task.objects.filter(
        Q(render_state=State.QUEUED, queued_at__lt=waiting) | Q(render_state__in=running, started_at__lt=dead)
    ).values_list("id", "render_state", "attempts"):
        if state in running and attempts >= MAX_ATTEMPTS:
            failed.append(str(task_id))
        else:
            resend.append(str(task_id))
    return resend, failed
