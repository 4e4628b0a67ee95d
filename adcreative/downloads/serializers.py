"""The Download query, with the contract's field messages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from adcreative.api.serializers import ContractSerializer, FormBoolean, GuidField, not_valid

NAMES = {"png": 0, "jpeg": 1, "jpg": 1, "pdf": 2}


@extend_schema_field(
    {
        "type": "string",
        "enum": ["", "0", "1", "2", *NAMES, *(n.title() for n in NAMES), *(n.upper() for n in NAMES)],
        "description": "0 PNG (the default), 1 JPEG, 2 PDF; or the name, in any case.",
    }
)
class DownloadFormatField(serializers.Field):  # type: ignore[type-arg]
    """`format`: the number of the public API's enum, or its name (ASP.NET binds either)."""

    empty_means_default = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is serializers.empty or data is None or data == "":
            return True, 0
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> int:
        text = str(data).strip().lower()
        if text in ("0", "1", "2"):
            return int(text)
        if text in NAMES:
            return NAMES[text]
        raise serializers.ValidationError(not_valid(data))

    def to_representation(self, value: Any) -> Any:
        return value


class DownloadQuerySerializer(ContractSerializer):
    applicationId = GuidField()
    taskId = GuidField()
    imageProductGeneratorProcessId = GuidField()
    lowResolution = FormBoolean(default_value=False)
    format = DownloadFormatField()
    outputFormat = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=20,
        help_text="An extension: which of the task's output formats to serve (its name, or <W>x<H>); "
        "absent: its first. A format the task was not rendered in is a 404.",
    )
