"""Form parsing of POST FineTune and the query of its list, with the contract's field messages; the body
every fine-tune endpoint answers with, and its schema."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from adcreative.api import areas
from adcreative.api.exceptions import PayloadTooLargeError
from adcreative.api.serializers import ContractSerializer, GuidField, json_in_field, not_valid, zulu
from adcreative.finetunes.models import FineTune


@extend_schema_field(
    {
        "type": "string",
        "minLength": 2,
        "description": "A JSON array of 1 or more asset GUIDs: uploaded photos, or the cut-outs "
        "(backgroundRemovedImageAssetId) of photos, which stand for the photos they were cut from.",
    }
)
class AssetIdsField(serializers.Field):  # type: ignore[type-arg]
    def to_internal_value(self, data: Any) -> list[uuid.UUID]:
        items = json_in_field(data, "The value is not a valid JSON array of asset ids.")
        if not isinstance(items, list) or not items:
            raise serializers.ValidationError("Give a JSON array of one or more asset ids.")
        found = []
        for item in items:
            try:
                found.append(uuid.UUID(item) if isinstance(item, str) else None)
            except ValueError:
                found.append(None)
            if found[-1] is None:
                raise serializers.ValidationError(not_valid(item))
        return [value for value in found if value is not None]

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(OpenApiTypes.BINARY)
class ArchiveField(serializers.FileField):
    """A zip archive of photos, up to UPLOAD_MAX_BYTES."""

    def to_internal_value(self, data: Any) -> Any:
        if not hasattr(data, "read") or not hasattr(data, "size"):
            raise serializers.ValidationError(
                "The request does not contain a file. Please make sure to upload the file."
            )
        if data.size > settings.UPLOAD_MAX_BYTES:
            limit = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
            raise PayloadTooLargeError(
                f"The photos file is {data.size / (1024 * 1024):.1f} MB; the limit is {limit:.0f} MB.",
                key=areas.business(areas.fine_tune("Create")),
            )
        return data


class FineTuneRequestSerializer(ContractSerializer):
    """The photos of a fine-tune: `assetIds` (a JSON array of the application's photo or cut-out asset ids)
    or `photos` (a zip archive of photos), exactly one of the two; and the options of its training."""

    strict = True
    applicationId = GuidField(required=False)
    userId = GuidField(required=False, allow_null=True)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    steps = serializers.IntegerField(required=False, min_value=1, max_value=settings.FINETUNE_MAX_STEPS)
    rank = serializers.IntegerField(required=False, min_value=1, max_value=128)
    learningRate = serializers.FloatField(required=False, min_value=1e-6, max_value=1e-2)
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    assetIds = AssetIdsField(required=False)
    photos = ArchiveField(required=False)


class FineTuneListQuerySerializer(ContractSerializer):
    applicationId = GuidField(required=False)
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)
    cursor = GuidField(required=False, help_text="nextCursor of the previous page.")


def fine_tune_body(fine_tune: FineTune) -> dict[str, Any]:
    return {
        "fineTuneId": str(fine_tune.id),
        "applicationId": str(fine_tune.application_id),
        "userId": str(fine_tune.user_id) if fine_tune.user_id else None,
        "name": fine_tune.name,
        "status": fine_tune.status,
        "isDefault": fine_tune.is_default,
        "progress": fine_tune.progress,
        "step": fine_tune.step,
        "steps": fine_tune.steps,
        "loss": fine_tune.loss,
        "log": fine_tune.log_tail,
        "photos": fine_tune.examples,
        "skipped": fine_tune.skipped,
        "validationImageUrls": [f"/api/v1/Image/Assets/{a}" for a in fine_tune.validation_asset_ids],
        "errorCode": fine_tune.error_code or None,
        "error": fine_tune.error_message or None,
        "createdAt": zulu(fine_tune.created_at),
        "startedAt": zulu(fine_tune.started_at) if fine_tune.started_at else None,
        "finishedAt": zulu(fine_tune.finished_at) if fine_tune.finished_at else None,
    }


FineTuneSchema = inline_serializer(
    name="FineTune",
    fields={
        "fineTuneId": serializers.UUIDField(),
        "applicationId": serializers.UUIDField(),
        "userId": serializers.UUIDField(allow_null=True),
        "name": serializers.CharField(),
        "status": serializers.ChoiceField(choices=FineTune.Status.values),
        "isDefault": serializers.BooleanField(),
        "progress": serializers.IntegerField(min_value=0, max_value=100),
        "step": serializers.IntegerField(min_value=0),
        "steps": serializers.IntegerField(min_value=1),
        "loss": serializers.FloatField(allow_null=True),
        "log": serializers.ListField(
            child=inline_serializer(
                name="FineTuneLogRecord",
                fields={
                    "step": serializers.IntegerField(),
                    "loss": serializers.FloatField(),
                    "lr": serializers.FloatField(),
                },
            )
        ),
        "photos": serializers.IntegerField(min_value=0, help_text="Photos the training could use."),
        "skipped": serializers.ListField(
            child=inline_serializer(
                name="SkippedPhoto",
                fields={"source": serializers.CharField(), "reason": serializers.CharField()},
            )
        ),
        "validationImageUrls": serializers.ListField(child=serializers.CharField()),
        "errorCode": serializers.CharField(allow_null=True),
        "error": serializers.CharField(allow_null=True),
        "createdAt": serializers.DateTimeField(),
        "startedAt": serializers.DateTimeField(allow_null=True),
        "finishedAt": serializers.DateTimeField(allow_null=True),
    },
)

FineTuneListSchema = inline_serializer(
    name="FineTuneList",
    fields={
        "applicationId": serializers.UUIDField(),
        "fineTunes": serializers.ListField(child=FineTuneSchema),
        "nextCursor": serializers.UUIDField(allow_null=True),
    },
)
