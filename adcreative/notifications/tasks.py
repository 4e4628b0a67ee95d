"""Celery tasks of the `default` queue that send notification messages (never on the gpu queue)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from adcreative.celery import app
from adcreative.notifications import delivery
from adcreative.notifications.models import Delivery

# Retries sooner than this are scheduled with a countdown; later ones are found by `send_due`.
COUNTDOWN_LIMIT_SECONDS = 300


@app.task(name="notifications.flush_channel", ignore_result=True)
def flush_channel(channel_id: str) -> None:
    wait = delivery.flush(channel_id)
    if wait is not None and wait <= COUNTDOWN_LIMIT_SECONDS:
        flush_channel.apply_async((channel_id,), countdown=max(wait, 0.05))


@app.task(name="notifications.send_due", ignore_result=True)
def send_due() -> int:
    """Beat: flush every channel with a message due and no worker on it (retries, lost messages)."""
    now = timezone.now()
    channel_ids = set(
        Delivery.objects.filter(
            Q(channel__leased_until__isnull=True) | Q(channel__leased_until__lt=now),
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=now,
            channel__is_active=True,
        )
        .order_by()
        .values_list("channel_id", flat=True)
        .distinct()[:1000]  # channels, not messages: one long backlog cannot hide the others
    )
    for channel_id in channel_ids:
        flush_channel.delay(str(channel_id))
    return len(channel_ids)
