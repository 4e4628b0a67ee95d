"""AdCreative, CheckUserProgress, CheckApplicationAllProgresses and Cancel."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from adcreative.api import areas
from adcreative.api.exceptions import NotFound
from adcreative.api.paging import newest_first_page
from adcreative.api.parsers import BoundedJSONParser
from adcreative.api.schema import ERROR_RESPONSES
from adcreative.api.serializers import valid_query, zulu
from adcreative.creatives import progress, services, state
from adcreative.creatives.formats import formats_body
from adcreative.creatives.models import Process, Task
from adcreative.creatives.schema import (
    ApplicationProgressSchema,
    CreatedProcessSchema,
    ProcessSchema,
    UserProgressSchema,
)
from adcreative.creatives.serializers import (
    AdCreativeSerializer,
    CancelSerializer,
    ProgressQuerySerializer,
)
from adcreative.tenancy.models import Application
from adcreative.tenancy.permissions import current_application


def task_body(task: Task) -> dict[str, Any]:
    return {
        "taskId": str(task.id),
        "order": task.order,
        "renderState": task.render_state,
        "renderStateName": Task.State(task.render_state).label,
        "progress": task.progress,
        "prompt": prompt_body(task),
        "seed": task.seed,
        "width": task.width,
        "height": task.height,
        "error": task.error_message or None,
        "downloadUrl": task.download_url,
        "formats": formats_body(task),
    }


def prompt_body(task: Task) -> dict[str, Any]:
    """The task's prompt object as the client sent it, with its resolution (API.md's extension): the scene as
    resolved, and the words of a custom prompt the engine could not draw."""
    return {**task.prompt, "promptText": task.prompt_text, "unrenderedTerms": list(task.unrendered_terms)}


def process_body(process: Process) -> dict[str, Any]:
    tasks = list(process.tasks.all())
    return {
        "imageProductGeneratorProcessId": str(process.id),
        "createdAt": zulu(process.created_at),
        "progress": state.process_progress(tasks),
        "status": state.process_status(tasks),
        "tasks": [task_body(task) for task in tasks],
    }


class AdCreativeView(APIView):
    throttle_scope = "upload"
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]

    @extend_schema(request=AdCreativeSerializer, responses={200: CreatedProcessSchema, **ERROR_RESPONSES})
    def post(self, request: Request) -> Response:
        application = current_application(request)
        form = AdCreativeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        process, tasks = services.start(
            application, process_request(form.validated_data, request, application)
        )
        return Response(
            {
                "imageProductGeneratorProcessId": str(process.id),
                "applicationId": str(application.id),
                "userId": str(process.user_id) if process.user_id else None,
                "progress": state.process_progress(tasks),
                "tasks": [
                    {
                        "taskId": str(t.id),
                        "order": t.order,
                        "renderState": t.render_state,
                        "prompt": prompt_body(t),
                    }
                    for t in tasks
                ],
            }
        )


def process_request(
    data: dict[str, Any], request: Request, application: Application
) -> services.ProcessRequest:
    """The validated form as the service's request (the cut-out checked against the service's rules)."""
    cutout = services.usable_cutout(application, data["productImageAssetId"])
    cut = services.frame_cut_of(cutout)
    return services.ProcessRequest(
        user_id=data.get("userId"),
        cutout=cutout,
        product_name=data["productName"],
        product_description=data["productDescription"],
        prompts=[
            services.resolve_prompt(p, data["productName"], data["negativePrompt"], cut)
            for p in data["PromptObjectsString"]
        ],
        disable_safe_margin=data["DisableSafeMargin"],
        use_same_style=data["UseSameStyleReferenceImage"],
        seed=data.get("seed"),
        idempotency_key=request.headers.get("Idempotency-Key", "").strip()[:200],
        fine_tune=services.fine_tune_for(application, data.get("fineTuneId")),
        relight=data["relight"],
        output_formats=tuple(data.get("outputFormats") or ()),
    )


def _processes(application: Application, query: dict[str, Any]) -> QuerySet[Process]:
    found = Process.objects.filter(application=application).prefetch_related(
        Prefetch("tasks", queryset=Task.objects.order_by("order")), "tasks__more_formats"
    )
    if query.get("userId"):
        found = found.filter(user_id=query["userId"])
    if query.get("imageProductGeneratorProcessId"):
        found = found.filter(id=query["imageProductGeneratorProcessId"])
    return found.order_by("-created_at", "-id")


class CheckUserProgressView(APIView):
    throttle_scope = "poll"
    parser_classes: list[type] = []  # a GET reads no body

    @extend_schema(
        parameters=[ProgressQuerySerializer], responses={200: UserProgressSchema, **ERROR_RESPONSES}
    )
    def get(self, request: Request) -> Response:
        query = valid_query(ProgressQuerySerializer, request)
        application = current_application(request)

        def bodies() -> list[dict[str, Any]]:
            return [process_body(p) for p in _processes(application, query)[: query["limit"]]]

        user_id = query.get("userId")
        return Response(
            {
                "applicationId": str(application.id),
                "userId": str(user_id) if user_id else None,
                "processes": progress.answer(application.id, ("user", *sorted(query.items())), bodies),
            }
        )


class CheckApplicationAllProgressesView(APIView):
    throttle_scope = "poll"
    parser_classes: list[type] = []  # a GET reads no body

    @extend_schema(
        parameters=[ProgressQuerySerializer], responses={200: ApplicationProgressSchema, **ERROR_RESPONSES}
    )
    def get(self, request: Request) -> Response:
        query = valid_query(ProgressQuerySerializer, request)
        application = current_application(request)

        def page() -> tuple[list[dict[str, Any]], str | None]:
            found, next_cursor = newest_first_page(
                _processes(application, {**query, "userId": None}),
                query.get("cursor"),
                query["limit"],
                "No process of this application has the id given as cursor.",
                areas.PROGRESS,
            )
            return [process_body(p) for p in found], next_cursor

        bodies, next_cursor = progress.answer(application.id, ("all", *sorted(query.items())), page)
        return Response(
            {"applicationId": str(application.id), "processes": bodies, "nextCursor": next_cursor}
        )


class CancelView(APIView):
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]

    @extend_schema(request=CancelSerializer, responses={200: ProcessSchema, **ERROR_RESPONSES})
    def post(self, request: Request) -> Response:
        form = CancelSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        application = current_application(request)
        process = _processes(application, form.validated_data).first()
        if process is None:
            raise NotFound("Process not found.", area=areas.CANCEL)
        state.cancel(process)
        process = _processes(application, form.validated_data).get()
        return Response(process_body(process))
