"""The NotificationChannel body: a webhook URL (checked by the SSRF guard) or a RabbitMQ connection and queue."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from adcreative.api.schema import NOT_BLANK, WholeShapes
from adcreative.api.serializers import ContractSerializer, GuidField, not_valid, zulu
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


# Where each type of channel sends its messages: the fields that say so, all of them required with the type.
TARGETS = {
    NotificationChannel.Type.WEBHOOK: ("url",),
    NotificationChannel.Type.RABBITMQ: ("connectionString", "queueName"),
}
TARGET_FIELDS = ("url", "connectionString", "queueName")


@extend_schema_field({"type": "boolean"})
class JsonBoolean(serializers.Field):  # type: ignore[type-arg]
    """true or false as JSON writes them; "yes", 1 or "true" are refused, so the document's `boolean` is exact."""

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        raise serializers.ValidationError(f"{not_valid(data)} Use true or false.")

    def to_representation(self, value: Any) -> Any:
        return value


def text_field(max_length: int) -> serializers.CharField:
    """A target field ("" is answered "required" by `validate`, as a missing one is)."""
    return serializers.CharField(max_length=max_length, allow_blank=True, required=False)


class ChannelSerializer(ContractSerializer):
    """Create (`type` and its target) and PATCH (`partial=True`): the switches alone, or a new type with its
    whole target. A field of the other type is refused, so nothing a client sends is silently dropped."""

    strict = True

    applicationId = GuidField(required=False)
    type = ChannelTypeField()
    url = text_field(2000)
    connectionString = text_field(2000)
    queueName = text_field(255)
    isActive = JsonBoolean(required=False)
    includeImageData = JsonBoolean(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = attrs.get("type")
        if kind is None:  # only a PATCH gets here (create requires the type)
            if any(name in attrs for name in TARGET_FIELDS):
                raise serializers.ValidationError({"type": [TYPE_WITH_TARGET]})
            return attrs
        errors: dict[str, list[str]] = {}
        for name in TARGET_FIELDS:
            value = str(attrs.get(name, "")).strip()
            if name not in TARGETS[kind]:
                if name in attrs:
                    errors[name] = [f"The {name} field is not used by a {kind} channel."]
            elif not value:
                errors[name] = [f"The {name} field is required."]
            elif name != "queueName":
                check_target(errors, name, value)
            attrs[name] = value
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


TYPE_WITH_TARGET = "The type field is required when url, connectionString or queueName change."
CHECKS: dict[str, Callable[[str], object]] = {"url": ssrf.check, "connectionString": ssrf.check_amqp}

# The form of a target, as the document states it (a pattern means the same to Python, ECMAScript and
# Rust when it names whitespace as the union of theirs, as WS does). Surrounding whitespace is dropped; no
# whitespace or control character inside (Python's URL parser would silently drop tabs and newlines). A
# webhook: http:// or https://, a host, no user name or password. A broker: amqp:// or amqps://, one host
# (no failover list: no ";" anywhere, no "," before the query), not percent-encoded.
WS = r"\s\x00-\x1f\x7f\x85\ufeff"
TARGET_PATTERNS = {
    "url": rf"^[{WS}]*[Hh][Tt][Tt][Pp][Ss]?://[^{WS}/?#@:][^{WS}/?#@]*(?:[/?#][^{WS}]*)?[{WS}]*$",
    "connectionString": rf"^[{WS}]*[Aa][Mm][Qq][Pp][Ss]?://(?:[^{WS}/?#;,]*@)?[^{WS}/?#;,%@:][^{WS}/?#;,%@]*"
    rf"(?:[/#][^{WS}?;,]*)?(?:\?[^{WS};]*)?[{WS}]*$",
}
_TARGET_FORMS = {name: re.compile(pattern) for name, pattern in TARGET_PATTERNS.items()}


def check_target(errors: dict[str, list[str]], name: str, value: str) -> None:
    """A webhook URL or a broker must pass the SSRF guard, written as the document's pattern says."""
    try:
        CHECKS[name](value)
    except ssrf.UnsafeUrl as exc:
        errors[name] = [str(exc)]
        return
    if not _TARGET_FORMS[name].search(value):
        errors[name] = [f"The {name} is not a valid URL: no spaces or control characters inside."]


# The request bodies as the document describes them: exactly one of these shapes (the serializer above
# checks them all in one place; these only draw them).
def _target(max_length: int, help_text: str = "", pattern: str = NOT_BLANK) -> serializers.RegexField:
    return serializers.RegexField(pattern, min_length=1, max_length=max_length, help_text=help_text)


class _ChannelSwitches(ContractSerializer):
    strict = True
    applicationId = GuidField(required=False)
    isActive = JsonBoolean(required=False)
    includeImageData = JsonBoolean(required=False)


@extend_schema_field({"type": "string", "enum": ["Webhook"]})
class _WebhookType(ChannelTypeField):
    pass


@extend_schema_field({"type": "string", "enum": ["RabbitMQ"]})
class _RabbitType(ChannelTypeField):
    pass


class WebhookChannelSerializer(_ChannelSwitches):
    """A webhook: messages are POSTed to `url`."""

    type = _WebhookType()
    url = _target(
        2000,
        "http:// or https:// and a host, no user name or password; the host must resolve to a public "
        "address (the SSRF guard; a self-hosted service may allow private ones).",
        TARGET_PATTERNS["url"],
    )


class RabbitMQChannelSerializer(_ChannelSwitches):
    """A RabbitMQ queue: messages are published to `queueName` on the broker of `connectionString`."""

    type = _RabbitType()
    connectionString = _target(
        2000,
        "amqp:// or amqps:// and one broker's host (no failover list), not percent-encoded; the host must "
        "resolve to a public address (the SSRF guard; a self-hosted service may allow private ones).",
        TARGET_PATTERNS["connectionString"],
    )
    queueName = _target(255)


class ChannelSwitchesSerializer(_ChannelSwitches):
    """A change of whether the channel sends and of what its messages carry, leaving where they go."""


NEW_CHANNEL = WholeShapes(
    component_name="NewNotificationChannel",
    serializers=[WebhookChannelSerializer, RabbitMQChannelSerializer],
    resource_type_field_name=None,
)
CHANNEL_CHANGE = WholeShapes(
    component_name="NotificationChannelChange",
    serializers=[ChannelSwitchesSerializer, WebhookChannelSerializer, RabbitMQChannelSerializer],
    resource_type_field_name=None,
)


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
        "createdAt": zulu(channel.created_at),
        "updatedAt": zulu(channel.updated_at),
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
