"""Housekeeping and probes: the stuck-work reaper, token expiry, and pings that prove a worker consumes
its queue and reaches the database."""

from __future__ import annotations

import os
from typing import Any

from celery import shared_task
from django.db import connection
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from adcreative import broker
from adcreative.celery import app, gpu_task
from adcreative.creatives import state as creatives_state
from adcreative.creatives.tasks import render
from adcreative.finetunes import state as finetunes_state
from adcreative.finetunes.tasks import finetune
from adcreative.leases import LeasedWork
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


@shared_task(name="ops.ping", ignore_result=False)
def ping(nonce: str) -> dict[str, Any]:
    return _probe(nonce)


@gpu_task(name="gpu.ping", ignore_result=False)
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
    """Beat, every REAPER_INTERVAL_SECONDS, and each worker when it (re)connects to the broker: re-send
    the work whose message the broker lost or whose worker died; fail what ran out of tries.

    Re-sending is safe: work is claimed by a conditional update, so a duplicate message does nothing.
    """
    now = timezone.now()
    in_broker = broker.ids_in_messages(
        {app.amqp.router.route({}, work.task.name)["queue"].name for work in REAPED}
    )
    counts: dict[str, int] = {}
    for work in REAPED:
        counts.update(work.reap(now, in_broker))
    return counts


REAPED = (
    LeasedWork(
        "renders",
        creatives_state.LEASE,
        render,
        creatives_state.fail,
        "Rendering did not finish after several tries. Please try again.",
    ),
    LeasedWork(
        "recommendations",
        recommendations_state.LEASE,
        recommend,
        recommendations_state.fail,
        "Analysing the photo did not finish after several tries.",
    ),
    LeasedWork(
        "fine_tunes",
        finetunes_state.LEASE,
        finetune,
        finetunes_state.fail,
        "The fine-tune did not finish after several tries.",
    ),
)
