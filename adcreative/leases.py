"""Leases: a worker holds what it claimed (a task, a recommendation) only while it keeps renewing.

A claim sets `lease_until` TASK_LEASE_SECONDS ahead; `heartbeat` renews it a few times per lease while
the work runs (a model load or a long batch reports nothing for a while). A lease that runs out means the
worker is gone (killed, out of memory): the next message for it, or beat's reaper, takes the work over.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone


def lease_end() -> datetime:
    return timezone.now() + timedelta(seconds=settings.TASK_LEASE_SECONDS)


@contextmanager
def heartbeat(renew: Callable[[], object]) -> Iterator[None]:
    """Call `renew()` every third of a lease, on a thread of its own, while the block runs."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.TASK_LEASE_SECONDS / 3):
                renew()
        finally:
            connection.close()  # this thread's own database connection

    thread = threading.Thread(target=beat, name="lease-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def retry_while_held(celery_task: Any, until: datetime | None, max_retries: int) -> None:
    """A message redelivered after its worker died (killed, out of memory) finds the work still leased to
    it: retry just after the lease runs out (`until`), rather than leaving the work to the reaper."""
    if until is not None and celery_task.request.retries < max_retries:
        countdown = max(1.0, (until - timezone.now()).total_seconds() + 1)
        raise celery_task.retry(countdown=countdown)


def stuck_among(
    records: Any, waiting: Q, abandoned: Q, now: datetime, max_attempts: int
) -> tuple[list[str], list[str]]:
    """(to re-send, to fail) of `records` (a queryset of leased work: `queued_at`, `started_at`, `attempts`):
    those `waiting` for a worker since longer than QUEUED_TASK_RESEND_SECONDS, and those `abandoned` by theirs.
    One whose worker is gone after `max_attempts` claims is failed; every other one is sent again."""
    sent = now - timedelta(seconds=settings.QUEUED_TASK_RESEND_SECONDS)
    resend: list[str] = []
    failed: list[str] = []
    for record_id, started_at, attempts in records.filter(
        (waiting & Q(queued_at__lt=sent)) | abandoned
    ).values_list("id", "started_at", "attempts"):
        (failed if started_at is not None and attempts >= max_attempts else resend).append(str(record_id))
    return resend, failed
