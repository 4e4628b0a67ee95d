"""The NotificationChannel body: a webhook URL (checked by the SSRF guard) or a RabbitMQ connection and queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from adcreative.api.serializers import ContractSerializer, not_valid
from adcreative.notifications import ssrf
from adcreative.notifications.models import NotificationChannel, masked_connection_string

TYPES = {choice.value.lower(): choice.value for choice in NotificationChannel.Type}


@extend_schema_field({"type": "string", "enum": ["Webhook", "RabbitMQ"]})
class ChannelTypeField(serializers.Field):  # type: ignore[type-arg]
    def to_internal_value(self, data: Any) -> str:
        found = TYPES.get(str(data).strip().lower())
        if found is None:
            raise serializers.ValidationError(f"{not_valid(data)} Use Webhook or RabbitMQ.")
        return found

    def to_representation(self, value: Any) -> Any:
        return value


class ChannelSerializer(ContractSerializer):
    """Create (every field) and PATCH (`partial=True`, checked against the channel as it would become)."""

    strict = True

    applicationId = serializers.UUIDField(required=False)
    type = ChannelTypeField()
    url = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    connectionString = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    queueName = serializers.CharField(required=False, allow_blank=True, max_length=255)
    isActive = serializers.BooleanField(required=False)
    includeImageData = serializers.BooleanField(required=False)

    def __init__(self, *args: Any, current: NotificationChannel | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = self.current
        kind = attrs.get("type", current.type if current else "")
        url = attrs.get("url", current.url if current else "").strip()
        connection = attrs.get("connectionString", current.connection_string if current else "").strip()
        queue = attrs.get("queueName", current.queue_name if current else "").strip()
        errors: dict[str, list[str]] = {}
        if kind == NotificationChannel.Type.WEBHOOK:
            check_target(errors, attrs, "url", url, ssrf.check)
        else:
            check_target(errors, attrs, "connectionString", connection, ssrf.check_amqp)
            if not queue:
                errors["queueName"] = ["The queueName field is required."]
        if errors:
            raise serializers.ValidationError(errors)
        attrs.update(url=url if kind == NotificationChannel.Type.WEBHOOK else "")
        if kind == NotificationChannel.Type.WEBHOOK:
            attrs.update(connectionString="", queueName="")
        else:
            attrs.update(connectionString=connection, queueName=queue)
        return attrs


def check_target(
    errors: dict[str, list[str]], attrs: dict[str, Any], name: str, value: str, check: Callable[[str], object]
) -> None:
    """A required target; a new or changed one must pass the SSRF guard (a stored one already did)."""
    if not value:
        errors[name] = [f"The {name} field is required."]
    elif name in attrs:
        try:
            check(value)
        except ssrf.UnsafeUrl as exc:
            errors[name] = [str(exc)]


def channel_body(channel: NotificationChannel) -> dict[str, Any]:
    return {
        "id": str(channel.id),
        "applicationId": str(channel.application_id),
        "type": channel.type,
        "url": channel.url or None,
        "connectionString": masked_connection_string(channel.connection_string) or None,
        "queueName": channel.queue_name or None,
        "isActive": channel.is_active,
        "includeImageData": channel.include_image_data,
        "deactivatedReason": channel.deactivated_reason or None,
        "createdAt": channel.created_at.isoformat().replace("+00:00", "Z"),
        "updatedAt": channel.updated_at.isoformat().replace("+00:00", "Z"),
    }


def _channel_fields() -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    """The fields of `channel_body`, for the document (a fresh set for each schema that uses them)."""
    return {
        "id": serializers.UUIDField(),
        "applicationId": serializers.UUIDField(),
        "type": serializers.ChoiceField(choices=["Webhook", "RabbitMQ"]),
        "url": serializers.CharField(allow_null=True),
        "connectionString": serializers.CharField(allow_null=True, help_text="Its password masked."),
        "queueName": serializers.CharField(allow_null=True),
        "isActive": serializers.BooleanField(),
        "includeImageData": serializers.BooleanField(),
        "deactivatedReason": serializers.CharField(allow_null=True),
        "createdAt": serializers.DateTimeField(),
        "updatedAt": serializers.DateTimeField(),
    }


ChannelSchema = inline_serializer(name="NotificationChannel", fields=_channel_fields())
ChannelListSchema = type(ChannelSchema)(many=True)  # the same component, as a list
CreatedChannelSchema = inline_serializer(
    name="CreatedNotificationChannel",
    fields={**_channel_fields(), "signingSecret": serializers.CharField(help_text="Shown this once.")},
)
TestResultSchema = inline_serializer(
    name="NotificationChannelTestResult",
    fields={
        "messageId": serializers.UUIDField(),
        "success": serializers.BooleanField(),
        "statusCode": serializers.IntegerField(allow_null=True),
        "latencyMs": serializers.IntegerField(),
        "error": serializers.CharField(allow_null=True),
    },
)
