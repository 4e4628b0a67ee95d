"""Celery tasks of the `default` queue that send notification messages (never on the gpu queue)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from adcreative.celery import app
from adcreative.notifications import delivery
from adcreative.notifications.models import Delivery

# Retries sooner than this are scheduled with a countdown; later ones are found by `send_due`.
COUNTDOWN_LIMIT_SECONDS = 300


# A flush starts no message after delivery.FLUSH_BUDGET_SECONDS; the limits only stop a worker
# stuck in a send for good (its channel's lease then runs out and the sweep sends again).
@app.task(name="notifications.flush_channel", ignore_result=True, soft_time_limit=300, time_limit=330)
def flush_channel(channel_id: str) -> None:
    wait = delivery.flush(channel_id)
    if wait is not None and wait <= COUNTDOWN_LIMIT_SECONDS:
        flush_channel.apply_async((channel_id,), countdown=max(wait, 0.05))


@app.task(name="notifications.prune_log", ignore_result=True)
def prune_log() -> int:
    """Beat, daily: drop finished messages (sent or given up) older than NOTIFICATION_LOG_RETENTION_DAYS,
    with their attempts. Pending ones stay, however old: they are still owed."""
    cutoff = timezone.now() - timedelta(days=settings.NOTIFICATION_LOG_RETENTION_DAYS)
    finished = Delivery.objects.filter(created_at__lt=cutoff).exclude(status=Delivery.Status.PENDING)
    deleted, _ = finished.delete()
    return deleted


@app.task(name="notifications.send_due", ignore_result=True)
def send_due() -> int:
    """Beat: flush every channel with a message due and no worker on it (retries, lost messages)."""
    now = timezone.now()
    free = Q(channel__leased_until__isnull=True) | Q(channel__leased_until__lt=now)
    # One row per channel (its head), so a long backlog behind a failing head cannot hide the others.
    channel_ids = set(delivery.due_heads(now).filter(free).values_list("channel_id", flat=True)[:1000])
    for channel_id in channel_ids:
        flush_channel.delay(str(channel_id))
    return len(channel_ids)
