"""Celery wiring: queues, reliability options, and a round trip through a real worker process on Redis."""

from __future__ import annotations

import subprocess
import uuid

import pytest
from django.conf import settings

from adcreative.celery import app
from adcreative.ops.tasks import gpu_ping, ping


def test_it_routes_gpu_tasks_to_the_gpu_queue_and_the_rest_to_default() -> None:
    assert app.amqp.router.route({}, gpu_ping.name)["queue"].name == "gpu"
    assert app.amqp.router.route({}, ping.name)["queue"].name == "default"


def test_it_acknowledges_gpu_tasks_late_with_limits_under_the_visibility_timeout() -> None:
    assert gpu_ping.acks_late and gpu_ping.reject_on_worker_lost
    assert gpu_ping.soft_time_limit < gpu_ping.time_limit < settings.BROKER_VISIBILITY_TIMEOUT
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_serializer == "json" and app.conf.accept_content == ["json"]
    assert app.conf.broker_transport_options["visibility_timeout"] == settings.BROKER_VISIBILITY_TIMEOUT


def test_the_app_holds_every_celery_setting_as_django_has_it_and_the_defaults_for_the_rest() -> None:
    # The app keeps its settings in its own table (a read there skips Django's settings): nothing may be
    # lost or censored on the way, secrets and URLs with passwords included.
    ours = {
        name.removeprefix("CELERY_").lower(): getattr(settings, name)
        for name in dir(settings)
        if name.startswith("CELERY_")
    }
    assert {"broker_url", "result_backend", "task_routes", "beat_schedule"} <= set(ours)
    for key, value in ours.items():
        assert app.conf[key] == value, key
    assert "task_protocol" in (app.conf.changes or {}) and app.conf.task_protocol == 2  # a default, kept


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_it_round_trips_tasks_through_a_real_worker(celery_worker: subprocess.Popen[bytes]) -> None:
    for task in (ping, gpu_ping):
        nonce = uuid.uuid4().hex
        result = task.apply_async(args=(nonce,)).get(timeout=30)
        assert result["nonce"] == nonce
        assert result["pid"] != 0
        # The worker reached the same (test) database as this process.
        assert result["database"] == settings.DATABASES["default"]["NAME"]
