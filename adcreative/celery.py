"""The Celery app. Queues: `gpu` (model work, one process per GPU) and `default` (everything else).

Tasks take ids only, are enqueued on commit (`delay_on_commit`) and must be idempotent: GPU tasks are
acknowledged late, so a worker that dies mid-task has the message redelivered.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from celery import Celery, Task
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adcreative.settings")

app = Celery("adcreative")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _make_broker_folders() -> None:
    # The filesystem transport (the embedded default) expects its folders to exist.
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


_make_broker_folders()


class GpuTask(Task):  # type: ignore[type-arg]
    acks_late = True
    reject_on_worker_lost = True  # a killed worker's message goes back to the queue, not lost


def gpu_task(name: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Declare a task of the `gpu` queue with the time limits from settings (under the visibility timeout).

    The queue comes from CELERY_TASK_ROUTES, which sends every task named `gpu.*` to `gpu`.
    """
    if not name.startswith("gpu."):
        raise ValueError(f"GPU task {name!r} must be named gpu.<something> to be routed to the gpu queue.")
    return app.task(
        name=name,
        base=GpuTask,
        soft_time_limit=settings.GPU_TASK_SOFT_TIME_LIMIT,
        time_limit=settings.GPU_TASK_TIME_LIMIT,
        **options,
    )
