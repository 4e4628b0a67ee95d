"""Prometheus metrics of the web process: request counts and latency by route and status, what the
web counts itself (credits charged, download conversions: `adcreative.telemetry`), and, read at each
scrape, the tasks in each renderState and the messages waiting in each Celery queue."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from adcreative import telemetry
from adcreative.celery import app
from adcreative.creatives.models import Task

log = logging.getLogger(__name__)

REQUESTS = Counter("http_requests_total", "HTTP requests answered.", ["method", "route", "status"])
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "route"],
)


def queues() -> list[str]:
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *routed})


def queue_depths() -> dict[str, int]:
    """Messages waiting in each queue; none when the broker cannot be reached within 2 s."""
    depths = {}
    try:
        with app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            channel: Any = connection.default_channel
            for queue in queues():
                try:
                    depths[queue] = channel.queue_declare(queue=queue, passive=True).message_count
                except Exception:  # a queue nothing was ever sent to does not exist yet: empty
                    depths[queue] = 0
    except Exception:
        log.warning("queue depths: the broker cannot be reached", exc_info=True)
        return {}
    return depths


class Backlog(Collector):
    """Read at each scrape: tasks in each renderState (from the database), messages in each queue."""

    def collect(self) -> Iterator[Metric]:
        tasks = GaugeMetricFamily(
            "photoshoot_tasks", "AdCreative tasks in each renderState.", labels=["render_state"]
        )
        try:
            counts = dict(Task.objects.order_by().values_list("render_state").annotate(n=Count("id")))
        except DatabaseError:  # the rest of the scrape still answers; the missing series says it
            log.warning("tasks per renderState: the database cannot be reached", exc_info=True)
        else:
            for value, label in Task.State.choices:
                tasks.add_metric([label], counts.get(value, 0))
            yield tasks
        depth = GaugeMetricFamily(
            "photoshoot_queue_depth", "Messages waiting in each Celery queue.", labels=["queue"]
        )
        for queue, waiting in queue_depths().items():
            depth.add_metric([queue], waiting)
        yield depth


_backlog = CollectorRegistry(auto_describe=False)
_backlog.register(Backlog())


def exposition() -> tuple[bytes, str]:
    # Under gunicorn each worker process counts separately; PROMETHEUS_MULTIPROC_DIR merges them.
    return generate_latest(telemetry.registry()) + generate_latest(_backlog), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        # The route name, not the path, keeps the label set small (ids never become labels).
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match else "unmatched"
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response
