"""/api/v1/NotificationChannel: list, create, read, change, delete, and send a test message."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from adcreative.api import areas
from adcreative.api.exceptions import NotFound
from adcreative.api.parsers import BoundedJSONParser
from adcreative.api.schema import ERROR_RESPONSES, uuid_path
from adcreative.celery import send_on_commit
from adcreative.notifications import delivery, messages
from adcreative.notifications.models import Delivery, NotificationChannel
from adcreative.notifications.serializers import (
    CHANNEL_CHANGE,
    NEW_CHANNEL,
    ChannelListSchema,
    ChannelSchema,
    ChannelSerializer,
    CreatedChannelSchema,
    TestResultSchema,
    channel_body,
)
from adcreative.notifications.tasks import flush_channel
from adcreative.tenancy.permissions import current_application

CHANNEL_ID = uuid_path("channel_id")
FIELDS = {
    "type": "type",
    "url": "url",
    "connectionString": "connection_string",
    "queueName": "queue_name",
    "isActive": "is_active",
    "includeImageData": "include_image_data",
}


def own_channel(request: Request, channel_id: str, action: str) -> NotificationChannel:
    application = current_application(request)
    try:
        channel = NotificationChannel.objects.filter(
            id=uuid.UUID(channel_id), application=application
        ).first()
    except ValueError:
        channel = None
    if channel is None:
        raise NotFound("Notification channel not found.", area=areas.channel(action))
    return channel


def apply(channel: NotificationChannel, data: dict[str, Any]) -> None:
    for name, field in FIELDS.items():
        if name in data:
            setattr(channel, field, data[name])


class ChannelListView(APIView):
    parser_classes = [BoundedJSONParser]  # the channel bodies are JSON, as the contract writes them

    @extend_schema(
        operation_id="notification_channels_list",
        responses={200: ChannelListSchema, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        channels = NotificationChannel.objects.filter(application=current_application(request))
        return Response([channel_body(channel) for channel in channels])

    @extend_schema(request=NEW_CHANNEL, responses={201: CreatedChannelSchema, **ERROR_RESPONSES})
    def post(self, request: Request) -> Response:
        form = ChannelSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        channel = NotificationChannel(application=current_application(request))
        apply(channel, form.validated_data)
        channel.save()
        # The signing secret is shown here once; the admin can rotate it.
        return Response({**channel_body(channel), "signingSecret": channel.signing_secret}, status=201)


class ChannelDetailView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(parameters=[CHANNEL_ID], responses={200: ChannelSchema, **ERROR_RESPONSES})
    def get(self, request: Request, channel_id: str) -> Response:
        return Response(channel_body(own_channel(request, channel_id, "Get")))

    @extend_schema(
        parameters=[CHANNEL_ID], request=CHANNEL_CHANGE, responses={200: ChannelSchema, **ERROR_RESPONSES}
    )
    def patch(self, request: Request, channel_id: str) -> Response:
        channel = own_channel(request, channel_id, "Update")
        form = ChannelSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        reactivated = form.validated_data.get("isActive") is True and not channel.is_active
        apply(channel, form.validated_data)
        changed = ["updated_at", *(FIELDS[name] for name in form.validated_data if name in FIELDS)]
        if reactivated:  # a fresh start: the failure clock and the reason go, the waiting messages go out
            channel.failing_since, channel.deactivated_reason = None, ""
            changed += ["failing_since", "deactivated_reason"]
        with transaction.atomic():
            # Only what the client changed: a worker's lease and failure clock are not written back stale.
            channel.save(update_fields=changed)
            if reactivated:
                send_on_commit(flush_channel, str(channel.id))
        return Response(channel_body(channel))

    @extend_schema(parameters=[CHANNEL_ID], responses={204: None, **ERROR_RESPONSES})
    def delete(self, request: Request, channel_id: str) -> Response:
        own_channel(request, channel_id, "Delete").delete()
        return Response(status=204)


class ChannelTestView(APIView):
    @extend_schema(
        parameters=[CHANNEL_ID], request=None, responses={200: TestResultSchema, **ERROR_RESPONSES}
    )
    def post(self, request: Request, channel_id: str) -> Response:
        """Send a test message now and answer with what the receiver did (recorded like any delivery)."""
        channel = own_channel(request, channel_id, "Test")
        body = messages.test_message(channel)
        # Never pending: the channel's queue does not send it again; it is sent once, here.
        message = Delivery.objects.create(
            channel=channel,
            message_id=body["MessageId"],
            message_type=messages.TEST,
            payload=body,
            status=Delivery.Status.FAILED,
            attempts=1,
        )
        outcome = delivery.send(channel, message)
        sent = {"status": Delivery.Status.SENT, "sent_at": timezone.now()} if outcome.succeeded else {}
        if not Delivery.objects.filter(pk=message.pk).update(last_error=outcome.error, **sent):
            raise NotFound("Notification channel not found.", area=areas.channel("Test"))  # deleted meanwhile
        return Response(
            {
                "messageId": body["MessageId"],
                "success": outcome.succeeded,
                "statusCode": outcome.status_code,
                "latencyMs": outcome.latency_ms,
                "error": outcome.error or None,
            }
        )
