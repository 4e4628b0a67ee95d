"""The OpenAPI description of the bodies AdCreative, CheckUserProgress, CheckApplicationAllProgresses and Cancel
answer (API.md): what `adcreative.creatives.views` builds, field for field."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from adcreative.creatives.models import Task

STATUSES = ["Processing", "Completed", "CompletedWithErrors", "Failed", "Cancelled"]

TaskPromptSchema = inline_serializer(
    name="TaskPrompt",
    fields={
        "tag": serializers.ChoiceField(choices=["preset", "custom"]),
        "preset": serializers.CharField(required=False, help_text="The preset's id (tag preset)."),
        "prompt": serializers.CharField(required=False, help_text="The custom prompt (tag custom)."),
        "nativeLanguagePrompt": serializers.JSONField(
            required=False, allow_null=True, help_text="As the client sent it (tag custom)."
        ),
        "promptText": serializers.CharField(
            help_text="The scene as resolved: the product's name (once) and the preset's promptText or the "
            "custom prompt, with the props the studio engine draws beside the product."
        ),
        "unrenderedTerms": serializers.ListField(
            child=serializers.CharField(),
            help_text="An extension: the words of a custom prompt the engine could not draw, sorted "
            "([] when every word was honoured, and for a preset).",
        ),
    },
)

_TASK_FIELDS: dict[str, serializers.Field[Any, Any, Any, Any]] = {
    "taskId": serializers.UUIDField(),
    "order": serializers.IntegerField(min_value=0),
    "renderState": serializers.ChoiceField(choices=Task.State.values),
    "prompt": TaskPromptSchema,
}

CreatedProcessSchema = inline_serializer(
    name="CreatedProcess",
    fields={
        "imageProductGeneratorProcessId": serializers.UUIDField(),
        "applicationId": serializers.UUIDField(),
        "userId": serializers.UUIDField(allow_null=True),
        "progress": serializers.IntegerField(min_value=0, max_value=100),
        "tasks": serializers.ListField(child=inline_serializer(name="CreatedTask", fields=_TASK_FIELDS)),
    },
)


def _box(name: str, **extra: serializers.Field[Any, Any, Any, Any]) -> serializers.Serializer[Any]:
    return inline_serializer(
        name=name,
        fields={
            "x": serializers.IntegerField(min_value=0),
            "y": serializers.IntegerField(min_value=0),
            "width": serializers.IntegerField(min_value=1),
            "height": serializers.IntegerField(min_value=1),
            **extra,
        },
    )


LayoutSchema = inline_serializer(
    name="Layout",
    fields={
        "productBox": _box("ProductBox"),
        "textZones": serializers.ListField(
            child=_box(
                "TextZone",
                text=serializers.ChoiceField(
                    choices=["light", "dark"], help_text="The text colour that reads better on the zone."
                ),
            ),
            help_text="Free rectangles clear of the product where a headline or a call-to-action fits, "
            "largest first.",
        ),
        "cropWindows": serializers.ListField(
            required=False,
            child=_box("CropWindow", placement=serializers.ChoiceField(choices=["left", "centre", "right"])),
            help_text="landscape_safe only: the three 1200x628 windows, product left, centre and right, "
            "that keep the whole product inside.",
        ),
    },
)

OutputFormatSchema = inline_serializer(
    name="TaskOutputFormat",
    fields={
        "outputFormat": serializers.CharField(help_text="A placement's name or <W>x<H>, as asked for."),
        "width": serializers.IntegerField(min_value=1),
        "height": serializers.IntegerField(min_value=1),
        "downloadUrl": serializers.CharField(allow_null=True, help_text="Null until the task is Completed."),
        "layout": type(LayoutSchema)(
            allow_null=True, help_text="In the image's pixels; null until Completed."
        ),
    },
)

ProgressTaskSchema = inline_serializer(
    name="ProgressTask",
    fields={
        **_TASK_FIELDS,
        "renderStateName": serializers.ChoiceField(choices=Task.State.labels),
        "progress": serializers.IntegerField(min_value=0, max_value=100),
        "seed": serializers.IntegerField(min_value=0),
        "width": serializers.IntegerField(min_value=1),
        "height": serializers.IntegerField(min_value=1),
        "error": serializers.CharField(allow_null=True),
        "downloadUrl": serializers.CharField(allow_null=True, help_text="Null until the task is Completed."),
        "formats": serializers.ListField(
            child=OutputFormatSchema,
            help_text="An extension: the task's output formats (outputFormats), its first one first.",
        ),
    },
)

ProcessSchema = inline_serializer(
    name="Process",
    fields={
        "imageProductGeneratorProcessId": serializers.UUIDField(),
        "createdAt": serializers.DateTimeField(),
        "progress": serializers.IntegerField(min_value=0, max_value=100),
        "status": serializers.ChoiceField(choices=STATUSES),
        "tasks": serializers.ListField(child=ProgressTaskSchema),
    },
)

UserProgressSchema = inline_serializer(
    name="UserProgress",
    fields={
        "applicationId": serializers.UUIDField(),
        "userId": serializers.UUIDField(allow_null=True),
        "processes": type(ProcessSchema)(many=True),  # a list field binds its child: one each
    },
)

ApplicationProgressSchema = inline_serializer(
    name="ApplicationProgress",
    fields={
        "applicationId": serializers.UUIDField(),
        "processes": type(ProcessSchema)(many=True),  # a list field binds its child: one each
        "nextCursor": serializers.UUIDField(allow_null=True, help_text="The cursor of the next page."),
    },
)
