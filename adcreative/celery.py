"""The Celery app. Queues: `gpu` (model work, one process per GPU) and `default` (everything else).

Tasks take ids only, are enqueued on commit (`send_on_commit`) and must be idempotent: GPU tasks are
acknowledged late, so a worker that dies mid-task has the message redelivered.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.signals import (
    before_task_publish,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_init,
    worker_process_shutdown,
    worker_shutdown,
)
from django.conf import settings
from django.db import transaction

from adcreative import telemetry
from adcreative.api import tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adcreative.settings")

log = logging.getLogger(__name__)

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


@setup_logging.connect
def _django_logging(**_: Any) -> None:
    """Workers log as the web does (LOGGING: plain or JSON lines, with the trace and the ids): with a
    receiver here, Celery leaves the root logger alone instead of putting its own format on it."""
    from logging.config import dictConfig

    dictConfig(settings.LOGGING)


@before_task_publish.connect
def _carry_trace(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """A message sent while serving a request carries its traceparent: the worker's lines join up."""
    current = tracing.current_or_empty()
    if headers is not None and current:
        headers.setdefault("traceparent", current)


# Celery's task id -> the running task's log context tokens and when it started (perf_counter)
_running: dict[str, tuple[Any, float]] = {}


@task_prerun.connect
def _enter_task(
    task_id: str = "", task: Task[Any, Any] | None = None, args: Any = (), kwargs: Any = None, **_: Any
) -> None:
    """Each task's lines: the sender's trace id (a new span) and the ids the task was given, named by
    its own parameters (render(task_id) names taskId; recommend(recommendation_id) recommendationId)."""
    running = tracing.current_or_empty()  # a task run eagerly inside a request keeps the request's trace
    tokens = tracing.fresh_context()
    incoming = (getattr(task.request, "traceparent", None) if task is not None else None) or running
    tracing.set_current(tracing.new_traceparent(incoming))
    if task is not None:
        tracing.bind(**ids_of(task, tuple(args or ()), dict(kwargs or {})))
    _running[task_id] = (tokens, time.perf_counter())


@task_postrun.connect
def _leave_task(
    task_id: str = "", task: Task[Any, Any] | None = None, state: str | None = None, **_: Any
) -> None:
    running = _running.pop(task_id, None)
    if running is None:
        return
    tokens, started = running
    tracing.reset_context(tokens)
    if task is not None:
        queue = (getattr(task.request, "delivery_info", None) or {}).get("routing_key") or "eager"
        telemetry.TASKS.labels(queue, task.name, (state or "unknown").lower()).inc()
        telemetry.TASK_SECONDS.labels(queue, task.name).observe(time.perf_counter() - started)
        telemetry.record_gpu_memory()


@worker_init.connect
def _serve_metrics(**_: Any) -> None:
    """The worker's scrape target (WORKER_METRICS_BIND, host:port), served by its main process."""
    if settings.WORKER_METRICS_BIND:
        telemetry.serve(settings.WORKER_METRICS_BIND)
        log.info("metrics on http://%s/metrics", settings.WORKER_METRICS_BIND)


@worker_process_shutdown.connect
def _pool_process_gone(pid: int | None = None, **_: Any) -> None:
    telemetry.process_gone(pid or os.getpid())


@worker_shutdown.connect
def _remove_metrics_folder(**_: Any) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if settings.WORKER_METRICS_BIND and Path(folder).name.startswith("photoshoot-worker-metrics-"):
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def ids_of(task: Task[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The arguments of a task call whose parameter names are ids a log line names."""
    import inspect

    names = [p for p in inspect.signature(task.run).parameters if p != "self"]
    given = dict(zip(names, args, strict=False)) | kwargs
    return {name: value for name, value in given.items() if name in tracing.LOGGED_IDS}


def keep_settings() -> None:
    """Celery looks a setting up in Django's settings before its own defaults, and a setting Django's
    settings lack (most of them) costs a raised exception there: task_protocol took 32 µs against 9 µs in a
    plain app, several such reads per message sent. The settings never change once loaded, so the app keeps
    them all in its own table, where each read is one dictionary hit. Called once Django is set up (the ops
    app's ready()), never while a settings module that imports this package is still being imported."""
    app.conf.update(app.conf.table(with_defaults=True, censored=False))


class GpuTask(Task):  # type: ignore[type-arg]
    acks_late = True
    reject_on_worker_lost = True  # a killed worker's message goes back to the queue, not lost


def gpu_task(name: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Declare a task of the `gpu` queue with the time limits from settings (under the visibility timeout).

    The queue comes from CELERY_TASK_ROUTES, which sends every task named `gpu.*` to `gpu`.
    """
    if not name.startswith("gpu."):
        raise ValueError(f"GPU task {name!r} must be named gpu.<something> to be routed to the gpu queue.")
    options.setdefault("soft_time_limit", settings.GPU_TASK_SOFT_TIME_LIMIT)
    options.setdefault("time_limit", settings.GPU_TASK_TIME_LIMIT)
    return app.task(name=name, base=GpuTask, **options)


QUEUE_DOWN = "The task queue is unreachable right now. Please retry in a few seconds."
# A row whose message the broker refused is marked sent at this time: the reaper's next tick sends it.
NEVER_SENT = datetime(2000, 1, 1, tzinfo=UTC)
BROKER_PAUSE_SECONDS = 10.0  # after a refused send, new work is refused this long (503) before trying again


def refusal_marker() -> Path:
    """The file whose modification time is the last refused send to this deployment's broker. A file, not a
    variable, so that every web process of the host (gunicorn runs several) pauses together: the first to
    find the broker down tells the others, whose next request would each wait out the connection first."""
    broker = hashlib.sha256(str(app.conf.broker_url).encode()).hexdigest()[:12]
    return Path(settings.VAR_DIR) / f"broker-refused-{broker}"


def broker_refusing() -> bool:
    """Whether the broker refused a message within the last BROKER_PAUSE_SECONDS (in any process of this
    host): new work is then answered 503 at once instead of being stored for a queue that cannot be reached."""
    try:
        refused_at = refusal_marker().stat().st_mtime
    except OSError:
        return False
    return time.time() - refused_at < BROKER_PAUSE_SECONDS


def _mark_refused() -> None:
    marker = refusal_marker()
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()  # an existing file's time is set to now
    except OSError:
        log.warning("could not write %s: other web processes will find the broker down on their own", marker)


def send_on_commit(task: Task, *args: Any, unsent: Callable[[], object] | None = None) -> None:  # type: ignore[type-arg]
    """Send `task(*args)` once the current transaction commits (at once outside one).

    The send never raises: the rows it is about are committed whatever the broker does. A refused send
    is logged, `unsent()` marks the rows to be sent again at the beat jobs' next tick
    (`ops.reap_stuck_work`, `notifications.send_due`), and the client is answered as accepted.
    """

    def send() -> None:
        try:
            task.delay(*args)
        except Exception:
            _mark_refused()
            log.exception(
                "could not send %s%r to the broker; the beat jobs will send it again", task.name, args
            )
            if unsent is not None:
                unsent()

    send.__qualname__ = f"send_on_commit({task.name})"  # the name Django logs a hook under
    transaction.on_commit(send)
