"""Sending outbox messages, in order per channel, with retries (the transports are in `transports`).

A channel's messages go out one at a time, oldest first: a worker takes a lease on the channel (a
conditional update, so two workers never send for one channel at once), sends what is due, and stops
at the first failure, which is retried with exponential backoff and jitter. A message that fails
NOTIFICATION_MAX_ATTEMPTS times is given up and the next one goes. A channel whose attempts have all
failed for NOTIFICATION_DEACTIVATE_AFTER_SECONDS is deactivated, with the reason in the admin.
Every attempt is recorded. A receiver drops duplicates by MessageId (a worker that dies between a
send and its record sends that message again).
"""

from __future__ import annotations

import base64
import json
import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from adcreative import telemetry
from adcreative.creatives.models import Task
from adcreative.notifications import messages, ssrf
from adcreative.notifications.models import Delivery, DeliveryAttempt, NotificationChannel
from adcreative.notifications.transports import USER_AGENT, post_webhook, publish_rabbitmq, signature

log = logging.getLogger(__name__)

MAX_BATCH = 100  # messages one flush sends before handing the channel to a fresh task
FLUSH_BUDGET_SECONDS = 120  # nor does it start a message after this long (notifications.flush_channel: 300 s)


@dataclass(frozen=True)
class SendResult:
    """What one attempt to send a message gave: as the Test endpoint answers it and the log records it."""

    succeeded: bool
    status_code: int | None
    latency_ms: int
    error: str


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: base·2^(n-1), capped, ±20 % jitter."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return float(min(base, settings.NOTIFICATION_RETRY_MAX_SECONDS) * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not a secret


def body_of(delivery: Delivery, channel: NotificationChannel) -> bytes:
    payload: dict[str, Any] = dict(delivery.payload)
    if channel.include_image_data and delivery.message_type == messages.TASK_COMPLETED and delivery.task_id:
        task = Task.objects.filter(id=delivery.task_id).first()
        try:
            if task is not None and task.thumbnail:
                with task.thumbnail.open("rb") as handle:
                    payload["ImageData"] = base64.b64encode(handle.read()).decode()
                payload["ImageContentType"] = "image/jpeg"
        except OSError:  # the message still goes, without the image, rather than blocking the channel
            log.warning("thumbnail of task %s is unreadable; sending without ImageData", delivery.task_id)
    return json.dumps(payload, separators=(",", ":")).encode()


def transmit(channel: NotificationChannel, delivery: Delivery) -> int | None:
    """Send the message once over the channel's transport: the webhook's status code, None for RabbitMQ.
    Raises for a receiver's failure; a non-2xx answer is `NotDelivered`."""
    body = body_of(delivery, channel)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Signature": signature(channel.signing_secret, int(time.time()), body),
        "X-Message-Id": str(delivery.message_id),
        "X-Message-Type": delivery.message_type,
    }
    if channel.type != NotificationChannel.Type.WEBHOOK:
        publish_rabbitmq(channel, body, headers, str(delivery.message_id))
        return None
    status_code = post_webhook(channel.url, body, headers)
    if not 200 <= status_code < 300:
        raise NotDelivered(status_code)
    return status_code


class NotDelivered(Exception):
    def __init__(self, status_code: int) -> None:
        super().__init__(f"The receiver answered {status_code}.")
        self.status_code = status_code


def send(channel: NotificationChannel, delivery: Delivery) -> SendResult:
    """One attempt, recorded; never raises for a receiver's failure."""
    started = time.monotonic()
    status_code: int | None = None
    error = ""
    try:
        status_code = transmit(channel, delivery)
    except NotDelivered as exc:
        status_code, error = exc.status_code, str(exc)
    except ssrf.UnsafeUrl as exc:
        error = str(exc)
    except TimeoutError:
        error = f"No answer within {settings.NOTIFICATION_TIMEOUT_SECONDS:g} s."
    except Exception as exc:  # connection refused, TLS, AMQP errors: the receiver's failure, recorded
        error = f"{type(exc).__name__}: {exc}"
    # What a receiver sent may hold anything; the database takes no NUL and the admin needs no novel.
    error = error.replace("\x00", "")[:1000]
    outcome = SendResult(not error, status_code, round((time.monotonic() - started) * 1000), error)
    try:
        with transaction.atomic():
            DeliveryAttempt.objects.create(
                delivery=delivery,
                succeeded=outcome.succeeded,
                status_code=status_code,
                latency_ms=outcome.latency_ms,
                error=error,
            )
    except IntegrityError:
        pass  # the channel was deleted while its message was out, and its records with it
    return outcome


def lease_end() -> Any:
    # Longer than one attempt can take: a worker that dies leaves the channel free after this.
    return timezone.now() + timedelta(seconds=settings.NOTIFICATION_TIMEOUT_SECONDS * 3 + 30)


def lease(channel_id: str) -> uuid.UUID | None:
    """Take the channel for this worker unless another one holds it; the token that proves it."""
    token = uuid.uuid4()
    free = Q(leased_until__isnull=True) | Q(leased_until__lt=timezone.now())
    taken = NotificationChannel.objects.filter(free, id=channel_id).update(
        leased_until=lease_end(), lease_token=token
    )
    return token if taken else None


def renew(channel_id: str, token: uuid.UUID) -> bool:
    """Extend this worker's lease; False if it ran out and another worker took the channel."""
    return bool(
        NotificationChannel.objects.filter(id=channel_id, lease_token=token).update(leased_until=lease_end())
    )


def release(channel_id: str, token: uuid.UUID) -> None:
    NotificationChannel.objects.filter(id=channel_id, lease_token=token).update(
        leased_until=None, lease_token=None
    )


def due_heads(now: Any) -> QuerySet[Delivery]:
    """Each active channel's oldest pending message, where it is due: what a flush would send first
    (later messages wait behind their head, however old they are)."""
    older = Delivery.objects.filter(
        channel=OuterRef("channel"), status=Delivery.Status.PENDING, id__lt=OuterRef("id")
    )
    return Delivery.objects.filter(
        ~Exists(older), channel__is_active=True, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    )


def due(channel_id: str) -> bool:
    return due_heads(timezone.now()).filter(channel__id=channel_id).exists()


def flush(channel_id: str) -> float | None:
    """Send the channel's due messages in order; the seconds until its next retry, if one is waiting."""
    while token := lease(channel_id):
        try:
            wait = _send_due(channel_id, token)
        finally:
            release(channel_id, token)
        if wait is not None or not due(channel_id):  # a message may have arrived while the lease was held
            return wait
    return None


def _send_due(channel_id: str, token: uuid.UUID) -> float | None:
    started = time.monotonic()
    for _ in range(MAX_BATCH):
        if time.monotonic() - started > FLUSH_BUDGET_SECONDS:
            break  # hand the rest to a fresh task, well inside the task's time limit
        channel = NotificationChannel.objects.filter(id=channel_id, is_active=True).first()
        if channel is None:
            return None
        head = Delivery.objects.filter(channel=channel, status=Delivery.Status.PENDING).order_by("id").first()
        if head is None:
            return None
        waiting = (head.next_attempt_at - timezone.now()).total_seconds()
        if waiting > 0:
            return waiting
        outcome = send(channel, head)
        record(channel, head, outcome)
        if not outcome.succeeded and head.status == Delivery.Status.PENDING:
            return (head.next_attempt_at - timezone.now()).total_seconds()
        if not renew(channel_id, token):
            return None  # another worker has the channel now
    return 0.0


def record(channel: NotificationChannel, delivery: Delivery, outcome: SendResult) -> None:
    """Store an attempt's outcome, unless another worker recorded this attempt first (a lost lease):
    then neither the message nor the channel's failure clock changes."""
    now, previous = timezone.now(), delivery.attempts
    after_attempt(delivery, outcome, now)
    stored = Delivery.objects.filter(
        id=delivery.id, status=Delivery.Status.PENDING, attempts=previous
    ).update(
        attempts=delivery.attempts,
        status=delivery.status,
        sent_at=delivery.sent_at,
        last_error=delivery.last_error,
        next_attempt_at=delivery.next_attempt_at,
    )
    if not stored:
        return
    telemetry.DELIVERIES.labels(channel.type, counted_as(delivery, outcome)).inc()
    if outcome.succeeded:
        NotificationChannel.objects.filter(id=channel.id, failing_since__isnull=False).update(
            failing_since=None
        )
        return
    if delivery.status == Delivery.Status.FAILED:
        log.warning("gave up message %s to channel %s: %s", delivery.message_id, channel.id, outcome.error)
    _count_failure(channel, outcome, now)


def counted_as(delivery: Delivery, outcome: SendResult) -> str:
    """An attempt's outcome as the deliveries metric counts it: sent, retry (due again) or gave_up."""
    if outcome.succeeded:
        return "sent"
    return "retry" if delivery.status == Delivery.Status.PENDING else "gave_up"


def after_attempt(delivery: Delivery, outcome: SendResult, now: Any) -> None:
    """The message as the attempt leaves it: sent, due again after a backoff, or given up."""
    delivery.attempts += 1
    if outcome.succeeded:
        delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, now, ""
        return
    delivery.last_error = outcome.error
    if delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
    else:
        delivery.next_attempt_at = now + timedelta(seconds=retry_delay(delivery.attempts))


def _count_failure(channel: NotificationChannel, outcome: SendResult, now: Any) -> None:
    if channel.failing_since is None:
        NotificationChannel.objects.filter(id=channel.id, failing_since__isnull=True).update(
            failing_since=now
        )
        return
    limit = timedelta(seconds=settings.NOTIFICATION_DEACTIVATE_AFTER_SECONDS)
    if now - channel.failing_since >= limit:
        reason = (
            f"Deactivated {now:%Y-%m-%d %H:%M} UTC: every delivery failed since "
            f"{channel.failing_since:%Y-%m-%d %H:%M} UTC. Last error: {outcome.error}"
        )
        # Only if no success cleared the clock meanwhile.
        NotificationChannel.objects.filter(id=channel.id, failing_since=channel.failing_since).update(
            is_active=False, deactivated_reason=reason
        )
        log.warning("channel %s deactivated: %s", channel.id, reason)
