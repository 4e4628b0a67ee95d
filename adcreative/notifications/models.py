"""Notification channels of an application, and the outbox of messages to them with every attempt."""

from __future__ import annotations

import secrets
import uuid
from urllib.parse import urlsplit, urlunsplit

from django.db import models
from django.utils import timezone

from adcreative.tenancy.models import Application


def new_signing_secret() -> str:
    return f"whsec_{secrets.token_hex(32)}"


class NotificationChannel(models.Model):
    class Type(models.TextChoices):
        WEBHOOK = "Webhook", "Webhook"
        RABBITMQ = "RabbitMQ", "RabbitMQ"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="notification_channels"
    )
    type = models.CharField(max_length=10, choices=Type.choices)
    url = models.URLField(max_length=2000, blank=True)
    connection_string = models.CharField(max_length=2000, blank=True)
    queue_name = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    include_image_data = models.BooleanField(default=False)
    # Kept to sign each message (HMAC needs the secret itself); shown to the client once, at creation.
    signing_secret = models.CharField(max_length=100, default=new_signing_secret, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True)  # start of an unbroken run of failed attempts
    deactivated_reason = models.TextField(blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)  # a worker is sending this channel's messages
    lease_token = models.UUIDField(null=True, blank=True, editable=False)  # which worker
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.target}"

    @property
    def target(self) -> str:
        if self.type == self.Type.WEBHOOK:
            return self.url
        return f"{masked_connection_string(self.connection_string)} → {self.queue_name}"


def masked_connection_string(value: str) -> str:
    """amqp://user:secret@host/vhost → amqp://user:****@host/vhost (responses and the admin never show it)."""
    parts = urlsplit(value)
    if parts.password is None:
        return value
    netloc = f"{parts.username or ''}:****@{parts.hostname or ''}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


class Delivery(models.Model):
    """The outbox: one message for one channel, written in the transaction of the change it reports."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    channel = models.ForeignKey(NotificationChannel, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.UUIDField(default=uuid.uuid4)
    message_type = models.CharField(max_length=40)
    task_id = models.UUIDField(null=True, blank=True)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["channel", "status", "id"], name="delivery_channel_queue"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "message_id"], name="one_delivery_per_message_and_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_type} {self.message_id} ({self.status})"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(default=timezone.now)
    succeeded = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField()
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{'ok' if self.succeeded else 'failed'} {self.status_code or ''} {self.error}".strip()
