"""The project's routes plus the baseline of bench/download.py: a bare view streaming a task's PNG."""

from __future__ import annotations

from functools import cache

from django.http import FileResponse, HttpRequest
from django.urls import path

from adcreative.creatives.models import Task
from adcreative.urls import urlpatterns as project_urlpatterns


@cache
def result_path(task_id: str) -> str:
    path: str = Task.objects.get(id=task_id).result.path
    return path


def bare_file(request: HttpRequest, task_id: str) -> FileResponse:
    return FileResponse(open(result_path(task_id), "rb"), content_type="image/png")


urlpatterns = [*project_urlpatterns, path("bench/bare-file/<str:task_id>", bare_file)]
