"""Sending outbox messages: signed webhooks and RabbitMQ, with retries, in order per channel.

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
import contextlib
import hashlib
import hmac
import http.client
import json
import logging
import random
import socket
import ssl
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from adcreative.generation.models import Task
from adcreative.notifications import events, ssrf
from adcreative.notifications.models import Delivery, DeliveryAttempt, NotificationChannel

log = logging.getLogger(__name__)

USER_AGENT = "ProductPhotoshootAPI-Webhook/1.0"
MAX_BATCH = 100  # messages one flush sends before handing the channel to a fresh task
FLUSH_BUDGET_SECONDS = 120  # nor does it start a message after this long (notifications.flush_channel: 300 s)


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    status_code: int | None
    latency_ms: int
    error: str


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: base·2^(n-1), capped, ±20 % jitter."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return float(min(base, settings.NOTIFICATION_RETRY_MAX_SECONDS) * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not a secret


def body_of(delivery: Delivery, channel: NotificationChannel) -> bytes:
    payload: dict[str, Any] = dict(delivery.payload)
    if channel.include_image_data and delivery.message_type == events.TASK_COMPLETED and delivery.task_id:
        task = Task.objects.filter(id=delivery.task_id).first()
        try:
            if task is not None and task.thumbnail:
                with task.thumbnail.open("rb") as handle:
                    payload["ImageData"] = base64.b64encode(handle.read()).decode()
                payload["ImageContentType"] = "image/jpeg"
        except OSError:  # the message still goes, without the image, rather than blocking the channel
            log.warning("thumbnail of task %s is unreadable; sending without ImageData", delivery.task_id)
    return json.dumps(payload, separators=(",", ":")).encode()


# --- transports -----------------------------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address the SSRF guard checked, never to a second DNS answer."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = raw  # visible to the watchdog during the TLS handshake too
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def post_webhook(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST to a checked address; the status code. Raises on refusal, connection errors and timeouts.

    The whole attempt has NOTIFICATION_TIMEOUT_SECONDS: a watchdog shuts the socket at the deadline,
    so a receiver that answers a byte at a time is cut off too, not only one that never answers.
    """
    timeout = settings.NOTIFICATION_TIMEOUT_SECONDS
    parts, addresses = ssrf.check(url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = connection_class(parts.hostname or "", ssrf.port_of(parts), str(addresses[0]), timeout)
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                # The plain socket's shutdown: an SSLSocket's would first drop TLS under a writer.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    watchdog = threading.Timer(timeout, cut)
    watchdog.start()
    try:
        connection.connect()
        if expired.is_set():  # the deadline passed while connecting, before there was a socket to cut
            raise TimeoutError("the deadline passed")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # the answer's body is read (and dropped) within the deadline too
        if expired.is_set():
            raise TimeoutError("the deadline passed")
        return response.status
    except (OSError, http.client.HTTPException):
        if expired.is_set():
            raise TimeoutError("the deadline passed") from None
        raise
    finally:
        watchdog.cancel()
        watchdog.join()  # before close(): the watchdog must not shut a reused descriptor
        connection.close()


def publish_rabbitmq(
    channel: NotificationChannel, body: bytes, headers: dict[str, str], message_id: str
) -> None:
    """Publish persistent to the named queue through the default exchange, with publisher confirms.

    The connection goes to the address the SSRF guard checked (TLS still verifies the broker's name),
    and every socket operation has NOTIFICATION_TIMEOUT_SECONDS. A queue the receiver declared itself
    (quorum, a length limit…) is used as it is; a missing one is declared durable.
    """
    from amqp.exceptions import NotFound
    from kombu import Connection, Queue

    timeout = settings.NOTIFICATION_TIMEOUT_SECONDS
    pinned, host = ssrf.pinned_amqp(channel.connection_string)  # DNS may have changed since creation
    options = {"confirm_publish": True, "read_timeout": timeout, "write_timeout": timeout}
    tls: Any = (
        {"server_hostname": host, "cert_reqs": ssl.CERT_REQUIRED} if pinned.startswith("amqps") else False
    )
    with Connection(pinned, connect_timeout=timeout, transport_options=options, ssl=tls) as connection:
        connection.ensure_connection(max_retries=1, timeout=max(1, round(timeout)))
        amqp_channel = connection.channel()
        queue = Queue(channel.queue_name, routing_key=channel.queue_name, durable=True)
        try:
            queue(amqp_channel).queue_declare(passive=True)
        except NotFound:  # the broker closes the channel after a failed passive declare
            amqp_channel = connection.channel()
            queue(amqp_channel).declare()
        connection.Producer(amqp_channel, serializer=None).publish(
            body,
            routing_key=channel.queue_name,
            delivery_mode=2,
            content_type="application/json",
            content_encoding="utf-8",
            headers=headers,
            message_id=message_id,
            retry=False,
            timeout=timeout,
        )


def send(channel: NotificationChannel, delivery: Delivery) -> Outcome:
    """One attempt, recorded; never raises for a receiver's failure."""
    started = time.monotonic()
    status_code: int | None = None
    error = ""
    try:
        body = body_of(delivery, channel)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Signature": signature(channel.signing_secret, timestamp, body),
            "X-Message-Id": str(delivery.message_id),
            "X-Message-Type": delivery.message_type,
        }
        if channel.type == NotificationChannel.Type.WEBHOOK:
            status_code = post_webhook(channel.url, body, headers)
            if not 200 <= status_code < 300:
                error = f"The receiver answered {status_code}."
        else:
            publish_rabbitmq(channel, body, headers, str(delivery.message_id))
    except ssrf.UnsafeUrl as exc:
        error = str(exc)
    except TimeoutError:
        error = f"No answer within {settings.NOTIFICATION_TIMEOUT_SECONDS:g} s."
    except Exception as exc:  # connection refused, TLS, AMQP errors: the receiver's failure, recorded
        error = f"{type(exc).__name__}: {exc}"
    # What a receiver sent may hold anything; the database takes no NUL and the admin needs no novel.
    error = error.replace("\x00", "")[:1000]
    outcome = Outcome(not error, status_code, round((time.monotonic() - started) * 1000), error)
    DeliveryAttempt.objects.create(
        delivery=delivery,
        succeeded=outcome.succeeded,
        status_code=status_code,
        latency_ms=outcome.latency_ms,
        error=error,
    )
    return outcome


# --- the per-channel queue ------------------------------------------------------------------------


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


def record(channel: NotificationChannel, delivery: Delivery, outcome: Outcome) -> None:
    """Store an attempt's outcome, unless another worker recorded this attempt first (a lost lease):
    then neither the message nor the channel's failure clock changes."""
    now = timezone.now()
    previous = delivery.attempts
    delivery.attempts += 1
    if outcome.succeeded:
        delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, now, ""
    else:
        delivery.last_error = outcome.error
        if delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
        else:
            delivery.next_attempt_at = now + timedelta(seconds=retry_delay(delivery.attempts))
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
    if outcome.succeeded:
        NotificationChannel.objects.filter(id=channel.id, failing_since__isnull=False).update(
            failing_since=None
        )
        return
    if delivery.status == Delivery.Status.FAILED:
        log.warning("gave up message %s to channel %s: %s", delivery.message_id, channel.id, outcome.error)
    _count_failure(channel, outcome, now)


def _count_failure(channel: NotificationChannel, outcome: Outcome, now: Any) -> None:
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
