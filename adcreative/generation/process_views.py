"""AdCreative, CheckUserProgress, CheckApplicationAllProgresses and Cancel."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import presets
from adcreative.api.exceptions import NotFoundError
from adcreative.api.schema import ERROR_RESPONSES
from adcreative.generation import processes
from adcreative.generation.models import Asset, Process, Task
from adcreative.generation.process_serializers import (
    AdCreativeSerializer,
    CancelSerializer,
    ProgressQuerySerializer,
)
from adcreative.tenancy.models import Application
from adcreative.tenancy.permissions import current_application

AREA = "ProductGeneration/AdCreative"


def resolve_prompt(item: dict[str, Any], product_name: str, negative: str) -> processes.PromptSpec:
    """The prompt a task renders: the product's name followed by the preset's promptText or the custom text."""
    name = product_name.strip() or "product"
    if item["tag"] == "preset":
        preset = presets.load_catalog()[item["preset"]]
        negatives = ", ".join(part for part in (preset.negative_prompt, negative.strip()) if part)
        return processes.PromptSpec(
            {"tag": "preset", "preset": preset.id}, preset.id, f"{name}{preset.prompt_text}", negatives
        )
    text = item["prompt"].strip()
    prompt = {"tag": "custom", "prompt": text, "nativeLanguagePrompt": item.get("nativeLanguagePrompt")}
    return processes.PromptSpec(prompt, "", f"{name}, {text}", negative.strip())


def task_body(task: Task) -> dict[str, Any]:
    return {
        "taskId": str(task.id),
        "order": task.order,
        "renderState": task.render_state,
        "renderStateName": Task.State(task.render_state).label,
        "progress": task.progress,
        "prompt": {**task.prompt, "promptText": task.prompt_text},
        "seed": task.seed,
        "width": task.width,
        "height": task.height,
        "error": task.error_message or None,
        "downloadUrl": task.download_url,
    }


def process_body(process: Process) -> dict[str, Any]:
    tasks = list(process.tasks.all())
    return {
        "imageProductGeneratorProcessId": str(process.id),
        "createdAt": process.created_at.isoformat().replace("+00:00", "Z"),
        "progress": processes.process_progress(tasks),
        "status": processes.process_status(tasks),
        "tasks": [task_body(task) for task in tasks],
    }


def has_active_channel(application: Application) -> bool:
    from adcreative.notifications.models import NotificationChannel

    return NotificationChannel.objects.filter(application=application, is_active=True).exists()


class AdCreativeView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=AdCreativeSerializer, responses={200: dict, **ERROR_RESPONSES})
    def post(self, request: Request) -> Response:
        application = current_application(request)
        form = AdCreativeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if settings.REQUIRE_NOTIFICATION_CHANNEL and not has_active_channel(application):
            raise NotFoundError(
                f"No active notification channel configurations found for Application {application.id}",
                key=f"business: {AREA}",
            )
        data = form.validated_data
        cutout = Asset.objects.filter(id=data["productImageAssetId"], application=application).first()
        if cutout is None:
            raise NotFoundError(
                f"Product image asset {data['productImageAssetId']} was not found.", key=f"business: {AREA}"
            )
        if cutout.kind != Asset.Kind.CUTOUT:
            raise ValidationError(
                {
                    "productImageAssetId": [
                        "The asset is not a background-removed image; use backgroundRemovedImageAssetId."
                    ]
                }
            )
        process, tasks = processes.create(
            application,
            processes.ProcessRequest(
                user_id=data.get("userId"),
                cutout=cutout,
                product_name=data["productName"],
                product_description=data["productDescription"],
                prompts=[
                    resolve_prompt(p, data["productName"], data["negativePrompt"])
                    for p in data["PromptObjectsString"]
                ],
                disable_safe_margin=data["DisableSafeMargin"],
                use_same_style=data["UseSameStyleReferenceImage"],
                seed=data.get("seed"),
                idempotency_key=request.headers.get("Idempotency-Key", "").strip()[:200],
            ),
        )
        return Response(
            {
                "imageProductGeneratorProcessId": str(process.id),
                "applicationId": str(application.id),
                "userId": str(process.user_id) if process.user_id else None,
                "progress": processes.process_progress(tasks),
                "tasks": [
                    {"taskId": str(t.id), "order": t.order, "renderState": t.render_state, "prompt": t.prompt}
                    for t in tasks
                ],
            }
        )


def _processes(application: Application, query: dict[str, Any]) -> QuerySet[Process]:
    found = Process.objects.filter(application=application).prefetch_related(
        Prefetch("tasks", queryset=Task.objects.order_by("order"))
    )
    if query.get("userId"):
        found = found.filter(user_id=query["userId"])
    if query.get("imageProductGeneratorProcessId"):
        found = found.filter(id=query["imageProductGeneratorProcessId"])
    return found.order_by("-created_at", "-id")


class CheckUserProgressView(APIView):
    @extend_schema(parameters=[ProgressQuerySerializer], responses={200: dict, **ERROR_RESPONSES})
    def get(self, request: Request) -> Response:
        query = ProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        application = current_application(request)
        found = _processes(application, query.validated_data)[: query.validated_data["limit"]]
        user_id = query.validated_data.get("userId")
        return Response(
            {
                "applicationId": str(application.id),
                "userId": str(user_id) if user_id else None,
                "processes": [process_body(p) for p in found],
            }
        )


class CheckApplicationAllProgressesView(APIView):
    @extend_schema(parameters=[ProgressQuerySerializer], responses={200: dict, **ERROR_RESPONSES})
    def get(self, request: Request) -> Response:
        query = ProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        application = current_application(request)
        found = _processes(application, {**query.validated_data, "userId": None})
        cursor = query.validated_data.get("cursor")
        if cursor:  # the id of the last process of the previous page
            last = Process.objects.filter(application=application, id=_cursor_id(cursor)).first()
            if last is None:
                raise ValidationError({"cursor": [f"The value '{cursor}' is not valid."]})
            found = found.filter(
                Q(created_at__lt=last.created_at) | Q(created_at=last.created_at, id__lt=last.id)
            )
        limit = query.validated_data["limit"]
        page = list(found[: limit + 1])
        return Response(
            {
                "applicationId": str(application.id),
                "processes": [process_body(p) for p in page[:limit]],
                "nextCursor": str(page[limit - 1].id) if len(page) > limit else None,
            }
        )


def _cursor_id(cursor: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(cursor))
    except ValueError:
        raise ValidationError({"cursor": [f"The value '{cursor}' is not valid."]}) from None


class CancelView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=CancelSerializer, responses={200: dict, **ERROR_RESPONSES})
    def post(self, request: Request) -> Response:
        form = CancelSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        application = current_application(request)
        process = _processes(application, form.validated_data).first()
        if process is None:
            raise NotFoundError("Process not found.", key="business: ProductGeneration/Cancel")
        processes.cancel(process)
        process = _processes(application, form.validated_data).get()
        return Response(process_body(process))
