"""Housekeeping and probes: the stuck-work reaper, token expiry, and pings that prove a worker consumes
its queue and reaches the database."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.db import connection
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from adcreative.celery import gpu_task
from adcreative.creatives import state as creatives_state
from adcreative.creatives.tasks import render
from adcreative.finetunes import state as finetunes_state
from adcreative.finetunes.tasks import finetune
from adcreative.ops import retention
from adcreative.recommendations import state as recommendations_state
from adcreative.recommendations.tasks import recommend


def _probe(nonce: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {
        "nonce": nonce,
        "pid": os.getpid(),
        "database": connection.settings_dict["NAME"],
    }


@shared_task(name="ops.ping")
def ping(nonce: str) -> dict[str, Any]:
    return _probe(nonce)


@gpu_task(name="gpu.ping")
def gpu_ping(nonce: str) -> dict[str, Any]:
    return _probe(nonce)


@shared_task(name="ops.flush_expired_tokens")
def flush_expired_tokens() -> int:
    """Housekeeping (beat, daily): drop refresh-token records past their expiry; the blacklist needs none."""
    deleted, _ = OutstandingToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


@shared_task(name="ops.clean_storage")
def clean_storage() -> dict[str, int]:
    """Beat, every 10 minutes: expire old uploads and results (RETENTION_DAYS) and remove the files of
    deleted records from the store (see `adcreative.ops.retention`)."""
    return retention.clean_storage()


@shared_task(name="ops.reap_stuck_work")
def reap_stuck_work() -> dict[str, int]:
    """Beat, every REAPER_INTERVAL_SECONDS: re-send renders, recommendations and fine-tunes whose message
    was lost or whose worker died; fail those that ran out of tries.

    Re-sending is safe: work is claimed by a conditional update, so a duplicate message does nothing.
    """
    counts: dict[str, int] = {}
    for prefix, (stuck, fail, requeue, task, message) in REAPED.items():
        counts[f"{prefix}resent"], counts[f"{prefix}failed"] = _reap(
            stuck(), fail, requeue, task.delay, message
        )
    return counts


# What the reaper looks after: the prefix of its counts → (stuck, fail, requeue, the task that does the work,
# the failure's message).
REAPED: dict[str, tuple[Callable[[], Any], Callable[..., Any], Callable[..., Any], Any, str]] = {
    "": (creatives_state.stuck_tasks, creatives_state.fail, creatives_state.requeue, render,
         "Rendering did not finish after several tries. Please try again."),
    "recommendations_": (recommendations_state.stuck, recommendations_state.fail, recommendations_state.requeue,
                         recommend, "Analysing the photo did not finish after several tries."),
    "fine_tunes_": (finetunes_state.stuck, finetunes_state.fail, finetunes_state.requeue, finetune,
                    "The fine-tune did not finish after several tries."),
}  # fmt: skip


def _reap(
    stuck: tuple[list[str], list[str]],
    fail: Callable[[str, str, str], object],
    requeue: Callable[[str], object],
    send: Callable[[str], object],
    message: str,
) -> tuple[int, int]:
    resend, hopeless = stuck
    for record_id in hopeless:
        fail(record_id, "stuck", message)
    for record_id in resend:
        requeue(record_id)
        send(record_id)
    return len(resend), len(hopeless)
