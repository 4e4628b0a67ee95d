"""What each notification message says: its type and PascalCase body, built from a task or a process."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from adcreative.api.serializers import zulu
from adcreative.creatives.formats import formats_body
from adcreative.creatives.models import Process, Task
from adcreative.creatives.state import process_progress, process_status
from adcreative.finetunes.models import FineTune
from adcreative.notifications.models import NotificationChannel

PROGRESS = "ImageGenerationProgress"
TASK_COMPLETED = "ImageGenerationTaskCompleted"
TASK_FAILED = "ImageGenerationTaskFailed"
PROCESS_COMPLETED = "ImageGenerationProcessCompleted"
TEST = "NotificationChannelTest"
FINE_TUNE_COMPLETED = "FineTuneCompleted"
FINE_TUNE_FAILED = "FineTuneFailed"


def envelope(message_type: str, application_id: uuid.UUID, user_id: uuid.UUID | None) -> dict[str, Any]:
    return {
        "MessageId": str(uuid.uuid4()),
        "MessageType": message_type,
        "ApplicationId": str(application_id),
        "UserId": str(user_id) if user_id else None,
    }


def task_message(task: Task) -> dict[str, Any]:
    message_type = {Task.State.COMPLETED: TASK_COMPLETED, Task.State.FAILED: TASK_FAILED}.get(
        Task.State(task.render_state), PROGRESS
    )
    body = envelope(message_type, task.process.application_id, task.process.user_id)
    body.update(
        {
            "ImageProductGeneratorProcessId": str(task.process_id),
            "TaskId": str(task.id),
            "RenderState": task.render_state,
            "Progress": task.progress,
            "DownloadUrl": task.download_url,
            "OccurredAt": zulu(timezone.now()),
        }
    )
    # Extensions of a completed task's message: the scene as resolved, every output format's link and layout.
    if message_type == TASK_COMPLETED:
        body["PromptText"] = task.prompt_text
        body["UnrenderedTerms"] = list(task.unrendered_terms)
        body["Formats"] = [
            {"OutputFormat": f["outputFormat"], "Width": f["width"], "Height": f["height"],
             "DownloadUrl": f["downloadUrl"], "Layout": f["layout"]}
            for f in formats_body(task)
        ]  # fmt: skip
    if message_type == TASK_FAILED:
        body["ErrorCode"] = task.error_code or None
        body["Error"] = task.error_message or None
    return body


def process_message(process: Process, tasks: list[Task]) -> dict[str, Any]:
    body = envelope(PROCESS_COMPLETED, process.application_id, process.user_id)
    body.update(
        {
            "ImageProductGeneratorProcessId": str(process.id),
            "TaskId": None,
            "RenderState": None,
            "Progress": process_progress(tasks),
            "DownloadUrl": None,
            "OccurredAt": zulu(timezone.now()),
            "Status": process_status(tasks),
            "Tasks": [
                {"TaskId": str(t.id), "RenderState": t.render_state, "DownloadUrl": t.download_url}
                for t in tasks
            ],
        }
    )
    return body


def fine_tune_message(fine_tune: FineTune) -> dict[str, Any]:
    completed = fine_tune.status == FineTune.Status.COMPLETED
    body = envelope(
        FINE_TUNE_COMPLETED if completed else FINE_TUNE_FAILED, fine_tune.application_id, fine_tune.user_id
    )
    body.update(
        {
            "FineTuneId": str(fine_tune.id),
            "Status": fine_tune.status,
            "Progress": fine_tune.progress,
            "Step": fine_tune.step,
            "Loss": fine_tune.loss,
            "OccurredAt": zulu(timezone.now()),
        }
    )
    if not completed:
        body["ErrorCode"] = fine_tune.error_code or None
        body["Error"] = fine_tune.error_message or None
    return body


def test_message(channel: NotificationChannel) -> dict[str, Any]:
    body = envelope(TEST, channel.application_id, None)
    body.update({"NotificationChannelId": str(channel.id), "OccurredAt": zulu(timezone.now())})
    return body
