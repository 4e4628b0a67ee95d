"""A fine-tune: a LoRA of the inpainting model trained on an application's own product photos."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from adcreative.leases import Leased
from adcreative.tenancy.models import Application


def fine_tune_path(fine_tune: FineTune, filename: str) -> str:
    # Paths derive from ids only: nothing a client sends ends up in a file name.
    return f"finetunes/{fine_tune.application_id}/{fine_tune.id}/{filename}"


class FineTune(Leased):  # attempts, queued_at, started_at, lease_until: adcreative.leases
    class Status(models.TextChoices):
        QUEUED = "Queued"
        RUNNING = "Running"
        COMPLETED = "Completed"
        FAILED = "Failed"
        CANCELLED = "Cancelled"

    FINISHED = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="fine_tunes")
    user_id = models.UUIDField(null=True, blank=True)
    name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    # The application's default: AdCreative without a fineTuneId renders with it (diffusion engine only).
    is_default = models.BooleanField(default=False)
    # The photos: asset ids of the application (originals, or cut-outs standing for their originals)…
    asset_ids = models.JSONField(default=list, blank=True)
    # …or a zip of photos (with optional <photo>.txt notes) as uploaded.
    upload = models.FileField(upload_to=fine_tune_path, max_length=200, blank=True)
    # The training arguments chosen for this run (steps, rank, learningRate, seed; the rest from settings).
    arguments = models.JSONField(default=dict, blank=True)
    steps = models.PositiveIntegerField()
    step = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)
    loss = models.FloatField(null=True, blank=True)
    log_tail = models.JSONField(default=list, blank=True)  # the last records: {"step", "loss", "lr"}
    examples = models.PositiveIntegerField(default=0)  # photos the dataset could use
    skipped = models.JSONField(default=list, blank=True)  # [{"source", "reason"}] photos it could not
    weights = models.FileField(upload_to=fine_tune_path, max_length=200, blank=True)  # LoRA safetensors
    card = models.JSONField(default=dict, blank=True)  # base model, data hash, arguments, steps, final loss
    validation_asset_ids = models.JSONField(default=list, blank=True)  # renders with fixed seeds, as assets
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(is_default=True), name="one_default_fine_tune"
            )
        ]

    def __str__(self) -> str:
        return f"fine-tune {self.name or self.id} ({self.status})"
