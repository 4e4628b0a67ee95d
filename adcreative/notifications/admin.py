"""Operators see each channel's state and why it was deactivated, every message and every attempt."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from adcreative.notifications.models import Delivery, DeliveryAttempt, NotificationChannel, new_signing_secret
from adcreative.readonly_admin import ReadOnlyInline


@admin.register(NotificationChannel)
class NotificationChannelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "application", "type", "target", "is_active", "failing_since", "deactivated_reason"]
    list_filter = ["type", "is_active"]
    search_fields = ["=id", "=application__id", "application__name", "url", "queue_name"]
    fields = [
        "id",
        "application",
        "type",
        "url",
        "target",
        "queue_name",
        "is_active",
        "include_image_data",
        "failing_since",
        "deactivated_reason",
        "leased_until",
        "created_at",
        "updated_at",
        "deliveries",
    ]
    # Targets change through the API, where the SSRF guard checks them; here an operator (de)activates.
    readonly_fields = [
        "id",
        "application",
        "type",
        "url",
        "target",
        "queue_name",
        "failing_since",
        "deactivated_reason",
        "leased_until",
        "created_at",
        "updated_at",
        "deliveries",
    ]

    @admin.display(description="Delivery log")
    def deliveries(self, channel: NotificationChannel) -> SafeString:
        counts = channel.deliveries.values_list("status").annotate(n=Count("id")).order_by("status")
        url = reverse("admin:notifications_delivery_changelist") + f"?channel__id__exact={channel.id}"
        return format_html(
            '{} <a href="{}">every delivery and its attempts</a>',
            format_html_join(", ", "{} {}", ((n, Delivery.Status(status).label) for status, n in counts)),
            url,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    actions = ["rotate_signing_secret"]

    @admin.action(description="Rotate the signing secret (shown once)")
    def rotate_signing_secret(self, request: HttpRequest, queryset: QuerySet[NotificationChannel]) -> None:
        for channel in queryset:
            channel.signing_secret = new_signing_secret()
            channel.save(update_fields=["signing_secret", "updated_at"])
            messages.warning(
                request,
                f"New signing secret of channel {channel.id} — copy it now, it is never shown again: "
                f"{channel.signing_secret}",
            )


class DeliveryAttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = ["at", "succeeded", "status_code", "latency_ms", "error"]
    readonly_fields = ["at", "succeeded", "status_code", "latency_ms", "error"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "id",
        "channel",
        "message_type",
        "message_id",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "message_type", "channel__type", "channel", "created_at"]
    search_fields = ["=message_id", "=task_id", "=channel__id"]
    readonly_fields = [
        "channel",
        "message_id",
        "message_type",
        "task_id",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    ]
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
