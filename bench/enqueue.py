"""Celery enqueue cost on Redis: the project's send of a render task against a bare `apply_async`.

The project's path is what AdCreative does for each task: `send_on_commit(render, task_id)` (outside a
transaction it sends at once, through the project's Celery app with its routes, serializer and the
traceId it carries). The baseline is a bare Celery app on the same Redis sending a no-op task with
`apply_async`. Both send in blocks of 200, turn about; the messages go to queues nobody consumes, in a
Redis database of their own (db 10 of TEST_REDIS_URL's server; the tests use 13 to 15, load.py 12, embedded.py
11), flushed before and after: never run it beside the tests on a shared database.
Goal: ≤ 1.2x.

    .venv/bin/python bench/enqueue.py [--messages N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BROKER = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15").rpartition("/")[0] + "/10"
os.environ.update({"CELERY_BROKER_URL": BROKER, "LOG_LEVEL": "WARNING", "HF_HUB_OFFLINE": "1"})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adcreative.settings")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from celery import Celery  # noqa: E402

from adcreative.celery import send_on_commit  # noqa: E402
from adcreative.creatives.tasks import render  # noqa: E402
from bench.figures import Figure, record  # noqa: E402

BLOCK = 200


def bare_app() -> Celery:
    app = Celery("bare", broker=BROKER, set_as_current=False)
    app.conf.task_serializer = "json"
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=4000)
    arguments = parser.parse_args()
    store = redis.Redis.from_url(BROKER)
    store.flushdb()
    bare = bare_app()

    @bare.task(name="bench.noop")
    def noop(task_id: str) -> None:
        return None

    ids = [str(uuid.uuid4()) for _ in range(BLOCK)]

    def ours() -> float:
        started = time.perf_counter()
        for task_id in ids:
            send_on_commit(render, task_id)
        return (time.perf_counter() - started) / BLOCK

    def baseline() -> float:
        started = time.perf_counter()
        for task_id in ids:
            noop.apply_async((task_id,))
        return (time.perf_counter() - started) / BLOCK

    try:
        ours(), baseline()  # connections made, code paths warm
        project, bare_times = [], []
        for _ in range(max(1, arguments.messages // (2 * BLOCK))):
            bare_times.append(baseline())
            project.append(ours())
    finally:
        store.flushdb()
    ratios = [p / b for p, b in zip(project, bare_times, strict=True)]
    ours_us, bare_us = statistics.median(project) * 1e6, statistics.median(bare_times) * 1e6
    print(
        f"enqueue per task on Redis: project {ours_us:.0f} µs, bare apply_async {bare_us:.0f} µs "
        f"-> {ours_us / bare_us:.2f}x (goal ≤ 1.2x)"
    )
    record(
        Figure(
            "Celery enqueue per task on Redis",
            ours_us,
            "µs",
            bare_us,
            goal=1.2,
            spread=max(ratios) - min(ratios),
            script="enqueue.py",
        )
    )


if __name__ == "__main__":
    main()
