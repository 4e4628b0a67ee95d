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
