"""The project's routes plus bench/download.py's baselines: a bare view streaming a task's PNG, and a bare
DRF view answering a small JSON document (no authentication, no throttling, no database)."""

from __future__ import annotations

from functools import cache

from django.http import FileResponse, HttpRequest
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from adcreative.creatives.models import Task
from adcreative.urls import urlpatterns as project_urlpatterns


@cache
def result_path(task_id: str) -> str:
    path: str = Task.objects.get(id=task_id).result.path
    return path


def bare_file(request: HttpRequest, task_id: str) -> FileResponse:
    return FileResponse(open(result_path(task_id), "rb"), content_type="image/png")


class BareJson(APIView):
    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    throttle_classes: list[type] = []

    def get(self, request: Request) -> Response:
        return Response({"processes": [], "totalCount": 0})


urlpatterns = [
    *project_urlpatterns,
    path("bench/bare-file/<str:task_id>", bare_file),
    path("bench/bare-json", BareJson.as_view()),
]
