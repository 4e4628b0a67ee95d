"""Form parsing of Recommendations, with the contract's field messages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from adcreative.api import areas
from adcreative.api.exceptions import PayloadTooLargeError
from adcreative.api.serializers import ContractSerializer, GuidField
from workers.imaging import MIN_SIDE, ImageRejected, UploadInfo, inspect_upload

NO_FILE = "The request does not contain a file. Please make sure to upload the file."


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


@extend_schema_field(
    {
        "type": "string",
        "format": "binary",
        "description": f"A JPEG, PNG or WebP photo, each side at least {MIN_SIDE} pixels, at most "
        f"{settings.MAX_IMAGE_PIXELS:,} pixels in all: another file, a smaller, larger or damaged image "
        f"is refused (400). Up to {_megabytes(settings.UPLOAD_MAX_BYTES)} (413 beyond).",
        # The smallest side, for tools: JSON Schema has no word for an image's size.
        "x-minimumSide": MIN_SIDE,
    }
)
class ProductImageField(serializers.Field):  # type: ignore[type-arg]
    """An uploaded photo, checked here exactly as the pipeline will check it (format, limits, integrity)."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is serializers.empty or data is None or data == "":
            # The public API's two messages for a missing file, in its order.
            raise serializers.ValidationError([f"The {self.field_name} field is required.", NO_FILE])
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> tuple[bytes, UploadInfo]:
        if not hasattr(data, "read") or not hasattr(data, "size"):
            raise serializers.ValidationError(NO_FILE)
        if data.size > settings.UPLOAD_MAX_BYTES:
            limit = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
            raise PayloadTooLargeError(
                f"The productImage file is {data.size / (1024 * 1024):.1f} MB; the limit is {limit:.0f} MB.",
                key=areas.business(areas.RECOMMENDATIONS),
            )
        content = data.read()
        try:
            return content, inspect_upload(content, settings.MAX_IMAGE_PIXELS)
        except ImageRejected as exc:
            raise serializers.ValidationError(exc.message, code=exc.code) from None

    def to_representation(self, value: Any) -> Any:
        return None


class RecommendationRequestSerializer(ContractSerializer):
    productImage = ProductImageField()
    applicationId = GuidField(required=False)
    userId = GuidField(required=False, allow_null=True)
