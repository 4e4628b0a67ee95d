"""An AdCreative request (Process) and the creatives it renders (Task, one per prompt)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from urllib.parse import urlencode

from django.db import models
from django.utils import timezone

from adcreative.assets.models import Asset
from adcreative.finetunes.models import FineTune
from adcreative.leases import Leased
from adcreative.tenancy.models import Application
from workers.render.formats import OutputFormat, default_formats, output_format


class Process(models.Model):
    """One AdCreative request: a product cut-out and up to six prompts, each rendered by a Task."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="processes")
    user_id = models.UUIDField(null=True, blank=True, db_index=True)
    cutout = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    # The LoRA the diffusion engine renders with (fineTuneId, or the application's default); none: the base.
    fine_tune = models.ForeignKey(
        FineTune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The engine it was created for (GENERATION_ENGINE then): its tasks are rendered by that one or fail.
    # Empty on processes made before it was recorded: today's engine renders them.
    engine = models.CharField(max_length=20, blank=True)
    product_name = models.CharField(max_length=200, blank=True)
    product_description = models.TextField(blank=True)
    disable_safe_margin = models.BooleanField(default=False)
    use_same_style = models.BooleanField(default=True)
    # AdCreative's `relight` (an extension, off by default): the product takes the scene's light.
    relight = models.BooleanField(default=False)
    # AdCreative's `outputFormats` (an extension): the placements each task renders, first one first (names
    # of workers.render.formats, or "<W>x<H>"); empty: the one DisableSafeMargin chooses, as the contract says.
    output_formats = models.JSONField(default=list, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set once, when ImageGenerationProcessCompleted was written to the outbox.
    completion_notified_at = models.DateTimeField(null=True, blank=True)
    # An operator's re-run of this earlier process's failed tasks (same prompts and seeds, not charged).
    rerun_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reruns", editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "processes"
        constraints = [
            models.UniqueConstraint(
                fields=["application", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="one_process_per_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"process {self.id}"

    @property
    def formats(self) -> tuple[OutputFormat, ...]:
        """The output formats each of its tasks renders, the first one first."""
        return formats_of(self.output_formats, self.disable_safe_margin)


def formats_of(names: Sequence[str], disable_safe_margin: bool) -> tuple[OutputFormat, ...]:
    """The output formats of a request: those it asked for, else the one DisableSafeMargin chooses."""
    if not names:
        return default_formats(disable_safe_margin)
    return tuple(output_format(name) for name in names)


def result_path(task: Task, filename: str) -> str:
    return f"results/{task.process.application_id}/{task.id}/{filename}"


class Task(Leased):  # attempts, queued_at, started_at, lease_until: adcreative.leases
    class State(models.IntegerChoices):
        CREATED = 0, "Created"
        QUEUED = 1, "Queued"
        PREPARING = 2, "Preparing"
        RENDERING = 3, "Rendering"
        FINALIZING = 4, "Finalizing"
        COMPLETED = 5, "Completed"
        FAILED = 6, "Failed"
        CANCELLED = 7, "Cancelled"

    FINISHED = (State.COMPLETED, State.FAILED, State.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField()
    render_state = models.PositiveSmallIntegerField(
        choices=State.choices, default=State.CREATED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    prompt = models.JSONField()  # the prompt object as the client sent it
    preset_id = models.CharField(max_length=80, blank=True)
    prompt_text = models.TextField()  # the resolved prompt: product + preset promptText or the custom prompt
    negative_prompt = models.TextField(blank=True)
    # The words of a custom prompt the engine cannot draw (workers.render.prompt_scene's left_out; empty for
    # a preset, or where the engine paints from the words themselves): the task's prompt.unrenderedTerms.
    unrendered_terms = models.JSONField(default=list, blank=True)
    seed = models.BigIntegerField()
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    engine = models.CharField(max_length=20, blank=True)  # the engine that painted it, set on completion
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    result = models.FileField(upload_to=result_path, max_length=200, blank=True)
    thumbnail = models.FileField(upload_to=result_path, max_length=200, blank=True)
    # Their sizes in bytes, recorded with them: Download's Content-Length without asking the store (null on
    # tasks completed before they were recorded: the store is asked).
    result_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    thumbnail_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    timings = models.JSONField(default=dict, blank=True)
    # Where the product and the free room for text are in `result` (workers.render.layout_meta's shape);
    # the task's other output formats keep theirs in their TaskFormat rows.
    layout = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["process", "order"]
        constraints = [models.UniqueConstraint(fields=["process", "order"], name="one_task_per_order")]

    def __str__(self) -> str:
        return f"task {self.id} ({self.get_render_state_display()})"

    @property
    def download_url(self) -> str | None:
        """Where a client downloads the creative (API.md, Download); None until the task is Completed."""
        return self.download_url_of("")

    def download_url_of(self, output_format: str) -> str | None:
        """The Download link of one of the task's output formats ("": its first, with no outputFormat)."""
        if self.render_state != self.State.COMPLETED:
            return None
        query = {
            "applicationId": str(self.process.application_id),
            "taskId": str(self.id),
            "imageProductGeneratorProcessId": str(self.process_id),
        }
        if output_format:
            query["outputFormat"] = output_format
        return f"/api/v1/Image/ProductGeneration/Download?{urlencode(query)}"


def format_path(shot: TaskFormat, filename: str) -> str:
    return result_path(shot.task, f"{shot.output_format}-{filename}")


class TaskFormat(models.Model):
    """A task's creative in one more output format (its second and later ones): the same prompt, scene and
    seed laid out anew for that size. The first format's files are the task's own `result` and `thumbnail`."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="more_formats")
    order = models.PositiveSmallIntegerField()  # its place in the process's outputFormats (1 and up)
    output_format = models.CharField(max_length=20)
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    result = models.FileField(upload_to=format_path, max_length=200)
    thumbnail = models.FileField(upload_to=format_path, max_length=200)
    result_size = models.PositiveBigIntegerField()
    thumbnail_size = models.PositiveBigIntegerField()
    layout = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "output_format"], name="one_file_set_per_output_format")
        ]

    def __str__(self) -> str:
        return f"{self.output_format} of task {self.task_id}"


class ProgressClock(models.Model):
    """Ticks whenever anything the progress endpoints show of an application's processes changes (a task
    moves, a process is made or deleted), in the transaction of the change: a web process may answer a
    poll from memory while the tick it reads is the one its memory was made at."""

    application = models.OneToOneField(
        Application, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    tick = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"progress of {self.application_id} at tick {self.tick}"
