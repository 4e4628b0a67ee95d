"""Probe tasks: prove a worker is consuming a queue and can reach the database."""

from __future__ import annotations

import os
from typing import Any

from celery import shared_task
from django.db import connection

from adcreative.celery import gpu_task


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
    from django.utils import timezone
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    deleted, _ = OutstandingToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
