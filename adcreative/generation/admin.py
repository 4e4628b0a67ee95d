"""Operators follow recommendations, processes and their tasks here; records change only through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from adcreative.generation import processes
from adcreative.generation.models import Asset, Process, Recommendation, Rendition, Task

TASK_COLUMNS = (
    "order",
    "render_state",
    "progress",
    "preset_id",
    "seed",
    "width",
    "height",
    "engine",
    "error_message",
)
RENDITION_COLUMNS = ("variant", "file", "size", "created_at")


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdmin):
    list_display = ["id", "application", "kind", "width", "height", "size", "created_at"]
    list_filter = ["kind"]
    search_fields = ["=id", "=application__id", "=user_id"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["id", "application", "status", "product_name", "error_code", "attempts", "created_at"]
    list_filter = ["status", "error_code"]
    search_fields = ["=id", "=application__id", "product_name"]


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    max_num = 0
    can_delete = False


class TaskInline(ReadOnlyInline):
    model = Task
    fields = TASK_COLUMNS
    readonly_fields = TASK_COLUMNS
    show_change_link = True


@admin.register(Process)
class ProcessAdmin(ReadOnlyAdmin):
    list_display = ["id", "application", "user_id", "product_name", "status", "progress", "created_at"]
    search_fields = ["=id", "=application__id", "=user_id", "product_name"]
    inlines = [TaskInline]
    actions = ["cancel"]

    @admin.display(description="Status")
    def status(self, process: Process) -> str:
        return processes.process_status(list(process.tasks.all()))

    @admin.display(description="Progress")
    def progress(self, process: Process) -> int:
        return processes.process_progress(list(process.tasks.all()))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Process]:
        return super().get_queryset(request).prefetch_related("tasks")

    @admin.action(description="Cancel the tasks not yet finished")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Process]) -> None:
        cancelled = sum(processes.cancel(process) for process in queryset)
        messages.info(request, f"Cancelled {cancelled} task(s).")


class RenditionInline(ReadOnlyInline):
    model = Rendition
    fields = RENDITION_COLUMNS
    readonly_fields = RENDITION_COLUMNS


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["id", "process", "order", "render_state", "progress", "engine", "attempts", "finished_at"]
    list_filter = ["render_state", "engine", "error_code"]
    search_fields = ["=id", "=process__id", "=process__application__id"]
    inlines = [RenditionInline]
