"""The one writer of Task state: renderState, progress, results.

Every move is a conditional update: a task only moves forward, a finished task never changes, and a
redelivered message finds nothing to do unless the worker that held it died mid-render. Each change
is announced through `signals.tasks_changed` inside its transaction (notifications listen there).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from adcreative.creatives import progress, signals
from adcreative.creatives.models import Process, Task, TaskFormat
from adcreative.leases import Lease

State = Task.State
RUNNING = (State.PREPARING, State.RENDERING, State.FINALIZING)
# What a render reads of its task's process, fetched with the claim.
RENDER_RELATIONS = ("process", "process__cutout", "process__application", "process__fine_tune")


def _announce(task_ids: Iterable[uuid.UUID | str], state_changed: bool = True) -> None:
    ids = list(task_ids)
    if ids:
        progress.tick(ids)
        signals.tasks_changed.send(sender=Task, task_ids=ids, state_changed=state_changed)


def queue_new(tasks: list[Task]) -> list[Task]:
    """Store a new process's tasks as Queued (inside the caller's transaction) and announce them."""
    for task in tasks:
        task.render_state = State.QUEUED
    created = Task.objects.bulk_create(tasks)
    _announce(task.id for task in created)
    return created


LEASE = Lease(Task, ~Q(render_state__in=Task.FINISHED), message_keys=("id", "process_id"))


def claim(task_id: str) -> Task | None:
    """Take a waiting task, or one whose worker is gone; None if there is nothing to do.

    A task handed back keeps the renderState and progress it had reached: clients never see one go back.
    """
    with transaction.atomic():
        before = LEASE.claim(
            task_id,
            render_state=Greatest(F("render_state"), State.PREPARING),
            progress=Greatest(F("progress"), 5),
        )
        if before is None:
            return None
        if before.render_state == State.QUEUED:
            _announce([task_id])
    return Task.objects.select_related(*RENDER_RELATIONS).get(id=task_id)


def renew(tasks: list[Task]) -> None:
    """Extend the lease of tasks this worker still holds."""
    for task in tasks:
        LEASE.renew(task)


def held_until(**tasks: Any) -> Any:
    """When the latest live lease on the tasks (`id=…` or `process_id=…`) runs out; None if no live
    worker holds any of them."""
    return LEASE.held_until(**tasks)


def claim_process(process_id: str) -> list[Task]:
    """Take every claimable task of a process, in order (those another worker holds are left to it)."""
    task_ids = Task.objects.filter(process_id=process_id).order_by("order").values_list("id", flat=True)
    return [task for task in (claim(str(task_id)) for task_id in task_ids) if task is not None]


def release(task_id: str) -> None:
    """Hand a running task back (before a retry): no worker holds it now; what clients see stays."""
    LEASE.release(task_id)


def advance(task: Task, state: int, progress: int) -> bool:
    """Move an unfinished task forward to `state` (or keep the later state it had reached) and its
    progress up; False if it was cancelled or finished meanwhile."""
    reached = max(task.render_state, state)
    with transaction.atomic():
        moved = (
            Task.objects.filter(id=task.id)
            .exclude(render_state__in=Task.FINISHED)
            .update(
                render_state=Greatest(F("render_state"), state), progress=Greatest(F("progress"), progress)
            )
        )
        if moved:
            _announce([task.id], state_changed=task.render_state != reached)
    task.render_state, task.progress = reached, max(task.progress, progress)
    return bool(moved)


@dataclass(frozen=True)
class FormatFiles:
    """A creative in one more of its task's output formats, as the worker rendered it."""

    output_format: str
    size: tuple[int, int]
    png: bytes
    thumbnail_jpeg: bytes
    layout: dict[str, Any]


def complete(
    task: Task,
    png: bytes,
    thumbnail_jpeg: bytes,
    timings: dict[str, float],
    engine: str,
    layout: dict[str, Any] | None = None,
    more: Sequence[FormatFiles] = (),
) -> bool:
    """Store the full-size PNG and the JPEG thumbnail (with their `layout`) and those of the task's other
    output formats (`more`), and mark the task Completed by `engine`; or store nothing (the task was
    cancelled or finished meanwhile). No file outlives a row that was never written."""
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = (
                Task.objects.select_for_update().filter(id=task.id, render_state=State.FINALIZING).first()
            )
            if locked is None:
                return False
            locked.process = task.process
            _save_files(locked, png, thumbnail_jpeg, written)
            locked.render_state, locked.progress, locked.engine = State.COMPLETED, 100, engine
            locked.timings, locked.finished_at, locked.layout = timings, timezone.now(), layout or {}
            locked.save(update_fields=[*COMPLETED_FIELDS])
            for order, files in enumerate(more, start=1):
                _store_format(locked, order, files, written)
            _announce([task.id])
    except BaseException:
        for name in written:
            task.result.storage.delete(name)  # no orphan file for a row that was never written
        raise
    return True


def _save_files(owner: Task | TaskFormat, png: bytes, thumbnail_jpeg: bytes, written: list[str]) -> None:
    """Write the PNG and the thumbnail into `owner`'s file fields (not its row), noting each name."""
    for field, (name, data) in {
        "result": ("result.png", png),
        "thumbnail": ("thumbnail.jpg", thumbnail_jpeg),
    }.items():
        getattr(owner, field).save(name, ContentFile(data), save=False)
        written.append(getattr(owner, field).name or "")
        setattr(owner, f"{field}_size", len(data))


def _store_format(task: Task, order: int, files: FormatFiles, written: list[str]) -> None:
    shot = TaskFormat(
        task=task, order=order, output_format=files.output_format, width=files.size[0], height=files.size[1],
        layout=files.layout,
    )  # fmt: skip
    _save_files(shot, files.png, files.thumbnail_jpeg, written)
    shot.save()


COMPLETED_FIELDS = (
    "layout",
    "result",
    "thumbnail",
    "result_size",
    "thumbnail_size",
    "render_state",
    "progress",
    "engine",
    "timings",
    "finished_at",
)


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
            _announce([task_id])
    return bool(failed)


def cancel(process: Process) -> int:
    """Cancel every task of the process not yet finished; returns how many were cancelled."""
    with transaction.atomic():
        open_tasks = Task.objects.filter(process=process).exclude(render_state__in=Task.FINISHED)
        ids = list(open_tasks.select_for_update().values_list("id", flat=True))
        cancelled = Task.objects.filter(id__in=ids).update(
            render_state=State.CANCELLED, progress=100, finished_at=timezone.now()
        )
        _announce(ids)
    return cancelled


def note_completion_notified(process_id: uuid.UUID | str) -> None:
    """Record that ImageGenerationProcessCompleted was written for the process (its notifier holds the row)."""
    Process.objects.filter(id=process_id).update(completion_notified_at=timezone.now())


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
