"""Render lifecycle events → outbox rows, written inside the transaction that made the change.

`on_tasks_changed` listens to `adcreative.creatives.signals.tasks_changed`, which the state service
sends after each move of a task. Every renderState change is a message; a progress change within one
state is sent at most once a second per task. When the last task of a process finishes, one
ImageGenerationProcessCompleted follows. Nothing is written for an application without an active
channel. After commit, the channels' outboxes are flushed on the `default` queue; a render never
waits for a receiver.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from adcreative.api import areas
from adcreative.api.exceptions import NotFound
from adcreative.celery import send_on_commit
from adcreative.creatives import state
from adcreative.creatives.models import Process, Task
from adcreative.finetunes.models import FineTune
from adcreative.notifications.messages import fine_tune_message, process_message, task_message
from adcreative.notifications.models import Delivery, NotificationChannel
from adcreative.notifications.tasks import flush_channel
from adcreative.tenancy.models import Application

PROGRESS_INTERVAL_SECONDS = 1.0
_last_progress_event: dict[uuid.UUID, float] = {}  # task id → monotonic time, in this worker process


def _throttled(task: Task, state_changed: bool) -> bool:
    if len(_last_progress_event) > 10_000:  # tasks finished in another process never leave on their own
        _last_progress_event.clear()
    if task.render_state in Task.FINISHED:
        _last_progress_event.pop(task.id, None)
        return False
    now = time.monotonic()
    if not state_changed and now - _last_progress_event.get(task.id, -1e9) < PROGRESS_INTERVAL_SECONDS:
        return True
    _last_progress_event[task.id] = now
    return False


def on_tasks_changed(
    sender: object, task_ids: list[uuid.UUID | str], state_changed: bool, **kwargs: Any
) -> None:
    """The receiver of `tasks_changed` (connected in NotificationsConfig.ready)."""
    write_messages(task_ids, state_changed)


def write_messages(task_ids: Iterable[uuid.UUID | str], state_changed: bool = True) -> None:
    """Write the messages for tasks that just moved; call inside the transaction that moved them."""
    ids = list(task_ids)
    if not ids:
        return
    # Channels first, found through the tasks: a render step of an application without one costs one query.
    channels = active_channels(ids)
    if not channels:
        return
    tasks = list(Task.objects.filter(id__in=ids).select_related("process").order_by("process_id", "order"))
    outbox: list[Delivery] = []
    finished: dict[uuid.UUID, Process] = {}
    for task in tasks:
        targets = channels.get(task.process.application_id, [])
        if not targets or _throttled(task, state_changed):
            continue
        outbox += deliveries(task_message(task), targets, task.id)
        if task.render_state in Task.FINISHED:
            finished[task.process_id] = task.process
    for process in finished.values():
        outbox += process_completed(process, channels.get(process.application_id, []))
    write(outbox)


def on_fine_tune_finished(sender: object, fine_tune_id: uuid.UUID | str, **kwargs: Any) -> None:
    """The receiver of `fine_tune_finished`: FineTuneCompleted or FineTuneFailed to each active channel."""
    fine_tune = FineTune.objects.get(id=fine_tune_id)
    targets = list(
        NotificationChannel.objects.filter(is_active=True, application_id=fine_tune.application_id)
    )
    write(deliveries(fine_tune_message(fine_tune), targets, None))


def process_completed(process: Process, targets: list[NotificationChannel]) -> list[Delivery]:
    """The ProcessCompleted rows once every task has finished, exactly once per process.

    The process row is locked: of two tasks finishing at the same moment, the second to get the lock
    sees the first one's commit, so one of them always sees the whole process finished.
    """
    locked = Process.objects.select_for_update().get(id=process.id)
    if locked.completion_notified_at is not None:
        return []
    tasks = list(Task.objects.filter(process_id=process.id).order_by("order"))
    for task in tasks:
        task.process = locked
    if any(t.render_state not in Task.FINISHED for t in tasks):
        return []
    state.note_completion_notified(process.id)
    return deliveries(process_message(locked, tasks), targets, None)


def require_channel(sender: object, application: Application, **kwargs: Any) -> None:
    """The receiver of `process_requested`: with REQUIRE_NOTIFICATION_CHANNEL, AdCreative needs an active
    channel of the application, as the public API does (404 without one)."""
    active = NotificationChannel.objects.filter(application=application, is_active=True)
    if settings.REQUIRE_NOTIFICATION_CHANNEL and not active.exists():
        raise NotFound(
            f"No active notification channel configurations found for Application {application.id}",
            area=areas.AD_CREATIVE,
        )


def active_channels(task_ids: list[uuid.UUID | str]) -> dict[uuid.UUID, list[NotificationChannel]]:
    """The active channels of the applications these tasks belong to, by application."""
    found: dict[uuid.UUID, list[NotificationChannel]] = {}
    owning = NotificationChannel.objects.filter(
        is_active=True, application__processes__tasks__id__in=task_ids
    )
    for channel in owning.distinct():
        found.setdefault(channel.application_id, []).append(channel)
    return found


def deliveries(
    body: dict[str, Any], targets: list[NotificationChannel], task_id: uuid.UUID | None
) -> list[Delivery]:
    return [
        Delivery(
            channel=channel,
            message_id=body["MessageId"],
            message_type=body["MessageType"],
            task_id=task_id,
            payload=body,
        )
        for channel in targets
    ]


def write(outbox: list[Delivery]) -> None:
    """Store the rows; after commit, flush each channel they belong to."""
    if not outbox:
        return
    Delivery.objects.bulk_create(outbox)
    for channel_id in dict.fromkeys(d.channel_id for d in outbox):
        send_on_commit(flush_channel, str(channel_id))
