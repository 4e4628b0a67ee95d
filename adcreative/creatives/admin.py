"""Operators follow processes and their tasks here, and cancel them; records change only through the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from adcreative.creatives import state
from adcreative.creatives.models import Process, Task
from adcreative.readonly_admin import ReadOnlyAdmin, ReadOnlyInline

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
        return state.process_status(list(process.tasks.all()))

    @admin.display(description="Progress")
    def progress(self, process: Process) -> int:
        return state.process_progress(list(process.tasks.all()))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Process]:
        return super().get_queryset(request).prefetch_related("tasks")

    @admin.action(description="Cancel the tasks not yet finished")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Process]) -> None:
        cancelled = sum(state.cancel(process) for process in queryset)
        messages.info(request, f"Cancelled {cancelled} task(s).")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["id", "process", "order", "render_state", "progress", "engine", "attempts", "finished_at"]
    list_filter = ["render_state", "engine", "error_code"]
    search_fields = ["=id", "=process__id", "=process__application__id"]
