"""Records of the generation flow: uploaded and derived image assets, and recommendations."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from adcreative.tenancy.models import Application


def asset_path(asset: Asset, filename: str) -> str:
    # Paths derive from ids only: nothing a client sends ends up in a file name.
    return f"assets/{asset.application_id}/{asset.id}.{asset.extension}"


class Asset(models.Model):
    class Kind(models.TextChoices):
        ORIGINAL = "original"
        CUTOUT = "cutout"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assets")
    user_id = models.UUIDField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    file = models.FileField(upload_to=asset_path, max_length=200)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def extension(self) -> str:
        return {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}.get(self.content_type, "bin")


class Recommendation(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "Processing"
        COMPLETED = "Completed"
        FAILED = "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="recommendations")
    user_id = models.UUIDField(null=True, blank=True)
    image = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    cutout = models.ForeignKey(Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROCESSING, db_index=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    product_name = models.CharField(max_length=120, blank=True)
    product_description = models.TextField(blank=True)
    prompts = models.JSONField(default=list, blank=True)
    preset_ids = models.JSONField(default=list, blank=True)
    analysis = models.JSONField(default=dict, blank=True)  # category, material, colours, classifier labels
    timings = models.JSONField(default=dict, blank=True)  # seconds per pipeline step
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"recommendation {self.id} ({self.status})"

    def body(self) -> dict[str, Any]:
        """The 200 body of the Recommendations endpoint."""
        return {
            "productInfo": {"productName": self.product_name, "productDescription": self.product_description},
            "backgroundRemovedImageAssetId": str(self.cutout_id),
            "recommendedPrompts": list(self.prompts),
            "recommendedPresetIds": list(self.preset_ids),
        }
