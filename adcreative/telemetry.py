"""The Prometheus series the service counts, in whichever process does the work: the web (requests,
credits charged, download conversions) and the workers (Celery tasks, recommendations, cut-outs,
renders, notification deliveries, GPU memory).

Only prometheus-client is imported here, so any layer may count. A process with several pool processes
(gunicorn's workers, a prefork Celery worker) counts through prometheus-client's multiprocess mode,
which PROMETHEUS_MULTIPROC_DIR turns on before this module is first imported (`adcreative/__init__.py`
sets it for a worker that serves metrics, `gunicorn.conf.py` for the web). Each process kind has one scrape
target: the web's GET /metrics, a worker's exporter on WORKER_METRICS_BIND (`serve`).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, multiprocess

SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)

TASKS = Counter(
    "photoshoot_celery_tasks_total",
    "Celery tasks finished, by queue, task name and outcome (success, failure, retry).",
    ["queue", "task", "outcome"],
)
TASK_SECONDS = Histogram(
    "photoshoot_celery_task_duration_seconds", "Time a Celery task ran.", ["queue", "task"], buckets=SECONDS
)
STAGE_SECONDS = Histogram(
    "photoshoot_stage_duration_seconds",
    "Time of one pipeline stage: recommendation (a photo, end to end), cutout, render (one creative), "
    "download_conversion (a JPEG, PDF or low-resolution rendition made on its first download).",
    ["stage"],
    buckets=SECONDS,
)
CREDITS_CHARGED = Counter("photoshoot_credits_charged_total", "Credits charged for first downloads.")
DELIVERIES = Counter(
    "photoshoot_notification_deliveries_total",
    "Notification delivery attempts, by channel type (Webhook, RabbitMQ) and outcome (sent, retry, gave_up).",
    ["channel_type", "outcome"],
)
GPU_MEMORY = Gauge(
    "photoshoot_gpu_memory_bytes",
    "GPU memory torch holds in a worker process, by device and kind (allocated, reserved).",
    ["device", "kind"],
    multiprocess_mode="livemax",
)


def stage(name: str, seconds: float) -> None:
    STAGE_SECONDS.labels(name).observe(seconds)


def record_gpu_memory() -> None:
    """GPU memory of this process, where torch is loaded and has a GPU (never imports torch itself)."""
    torch: Any = sys.modules.get("torch")
    if torch is None or not torch.cuda.is_available() or not torch.cuda.is_initialized():
        return
    for device in range(torch.cuda.device_count()):
        GPU_MEMORY.labels(str(device), "allocated").set(torch.cuda.memory_allocated(device))
        GPU_MEMORY.labels(str(device), "reserved").set(torch.cuda.memory_reserved(device))


def registry() -> CollectorRegistry:
    """Every series of this process kind: merged over its pool processes in multiprocess mode."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    merged = CollectorRegistry()
    multiprocess.MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
    return merged


def process_gone(pid: int) -> None:
    """A pool process exited: its live gauges (GPU memory) stop counting."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def serve(bind: str) -> None:
    """A worker's scrape target: GET http://<bind>/metrics, from a thread of the worker's main process."""
    from prometheus_client import start_http_server

    host, _, port = bind.rpartition(":")
    start_http_server(int(port), addr=host or "0.0.0.0", registry=registry())  # noqa: S104
