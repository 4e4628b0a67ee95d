"""Operators follow processes and their tasks here, see every creative and cut-out, re-run failed tasks
and cancel running ones; records change only through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from adcreative.api.exceptions import ServiceError
from adcreative.creatives import services, state
from adcreative.creatives.models import Process, Task, TaskFormat
from adcreative.readonly_admin import ReadOnlyAdmin, ReadOnlyInline, application_name, preview

State = Task.State
TASK_COLUMNS = (
    "order",
    "creative",
    "render_state",
    "progress",
    "preset_id",
    "seed",
    "width",
    "height",
    "engine",
    "error_message",
)


def creative(task: Task, size: int = 160) -> SafeString | str:
    return preview(task.thumbnail, size, alt=f"creative {task.order + 1}: {task.get_render_state_display()}")


class TaskInline(ReadOnlyInline):
    model = Task
    fields = TASK_COLUMNS
    readonly_fields = TASK_COLUMNS
    show_change_link = True

    @admin.display(description="Creative")
    def creative(self, task: Task) -> SafeString | str:
        return creative(task)


class ProcessStatusFilter(admin.SimpleListFilter):
    """The process status CheckUserProgress reports, found in the database."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (name, name) for name in ("Processing", "Completed", "CompletedWithErrors", "Failed", "Cancelled")
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        def some(*states: int) -> Exists:
            return Exists(Task.objects.filter(process=OuterRef("pk"), render_state__in=states))

        unfinished = some(*(s for s in State.values if s not in Task.FINISHED))
        done, failed, cancelled = some(State.COMPLETED), some(State.FAILED), some(State.CANCELLED)
        wanted = {
            "Processing": Q(unfinished),
            "Completed": Q(done) & ~Q(failed) & ~Q(cancelled) & ~Q(unfinished),
            "CompletedWithErrors": Q(done) & (Q(failed) | Q(cancelled)) & ~Q(unfinished),
            "Failed": Q(failed) & ~Q(done) & ~Q(unfinished),
            "Cancelled": Q(cancelled) & ~Q(failed) & ~Q(done) & ~Q(unfinished),
        }.get(self.value() or "")
        return queryset.filter(wanted) if wanted is not None else None


def rerun_action(request: HttpRequest, tasks: list[Task]) -> None:
    try:
        processes = services.rerun(tasks)
    except ServiceError as exc:
        messages.error(request, " ".join(m for found in exc.errors.values() for m in found))
        return
    if not processes:
        messages.warning(request, "Nothing to re-run: only Failed tasks are rendered again.")
    for process in processes:
        messages.info(
            request, f"Re-running {process.rerun_of_id}'s failed task(s) as {process} (not charged)."
        )


@admin.register(Process)
class ProcessAdmin(ReadOnlyAdmin):
    list_display = ["id", "creatives", "status", "progress", "product_name", application_name, "created_at"]
    list_filter = [ProcessStatusFilter, "application", "tasks__render_state", "tasks__engine", "created_at"]
    search_fields = ["=id", "=application__id", "=user_id", "=cutout__id", "=tasks__id", "product_name"]
    # What an operator looks at first, then the request as it came.
    fields = [
        "application",
        "status",
        "progress",
        "cutout_preview",
        "product_name",
        "product_description",
        "rerun_of",
        "fine_tune",
        "user_id",
        "disable_safe_margin",
        "use_same_style",
        "idempotency_key",
        "created_at",
        "completion_notified_at",
        "cutout",
        "request_hash",
    ]
    readonly_fields = ["status", "progress", "cutout_preview", "rerun_of"]
    inlines = [TaskInline]
    actions = ["rerun_failed", "cancel"]

    @admin.display(description="Status")
    def status(self, process: Process) -> str:
        return state.process_status(list(process.tasks.all()))

    @admin.display(description="Progress")
    def progress(self, process: Process) -> int:
        return state.process_progress(list(process.tasks.all()))

    @admin.display(description="Creatives")
    def creatives(self, process: Process) -> SafeString:
        return format_html_join(" ", "{}", ((creative(task, 48),) for task in process.tasks.all()))

    @admin.display(description="Cut-out")
    def cutout_preview(self, process: Process) -> SafeString | str:
        return preview(process.cutout.file, 200, alt="cut-out")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Process]:
        return super().get_queryset(request).select_related("application", "cutout").prefetch_related("tasks")

    @admin.action(description="Re-run the failed tasks (same prompt and seed, not charged)")
    def rerun_failed(self, request: HttpRequest, queryset: QuerySet[Process]) -> None:
        rerun_action(request, list(Task.objects.filter(process__in=queryset).select_related("process")))

    @admin.action(description="Cancel the tasks not yet finished")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Process]) -> None:
        cancelled = sum(state.cancel(process) for process in queryset)
        messages.info(request, f"Cancelled {cancelled} task(s).")


class TaskFormatInline(ReadOnlyInline):
    """The task's creative in its other output formats (outputFormats), with the layout clients read."""

    model = TaskFormat
    fields = readonly_fields = ("order", "output_format", "shown", "width", "height", "layout")
    verbose_name_plural = "other output formats"

    @admin.display(description="Creative")
    def shown(self, shot: TaskFormat) -> SafeString | str:
        return preview(shot.thumbnail, 160, alt=f"{shot.output_format} creative")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "creative",
        "process",
        "order",
        "render_state",
        "progress",
        "engine",
        "attempts",
        "finished_at",
    ]
    list_filter = ["render_state", "engine", "error_code", "process__application", "created_at"]
    search_fields = ["=id", "=process__id", "=process__application__id", "=process__user_id", "preset_id"]
    readonly_fields = ["result_preview"]
    inlines = [TaskFormatInline]
    actions = ["rerun"]

    @admin.display(description="Creative")
    def creative(self, task: Task) -> SafeString | str:
        return creative(task, 64)

    @admin.display(description="Result")
    def result_preview(self, task: Task) -> SafeString | str:
        return preview(task.result, 837, alt="the creative")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Task]:
        return super().get_queryset(request).select_related("process")

    @admin.action(description="Re-run (Failed tasks: same prompt and seed, not charged)")
    def rerun(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        rerun_action(request, list(queryset))


def show_on_task_page(inline: type[admin.options.InlineModelAdmin[Any, Any]]) -> None:
    """An app above this one adds its part to a task's admin page (the downloads app: the conversions made
    of it); the Task admin stays this app's own."""
    if inline not in TaskAdmin.inlines:
        TaskAdmin.inlines = [*TaskAdmin.inlines, inline]
