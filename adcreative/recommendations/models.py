"""A Recommendations request: the photo, its cut-out, and what the analysis recommends."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from adcreative.assets.models import Asset
from adcreative.leases import Leased
from adcreative.tenancy.models import Application


class Recommendation(Leased):  # attempts, queued_at, started_at, lease_until: adcreative.leases
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
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"recommendation {self.id} ({self.status})"

    def body(self) -> dict[str, Any]:
        """The 200 body of the Recommendations endpoint: the contract's fields, and the name's confidence
        (0..1) where the analysis gave one, an extension a client that does not read it never sees."""
        info: dict[str, Any] = {
            "productName": self.product_name,
            "productDescription": self.product_description,
        }
        if "confidence" in self.analysis:
            info["productNameConfidence"] = self.analysis["confidence"]
        return {
            "productInfo": info,
            "backgroundRemovedImageAssetId": str(self.cutout_id),
            "recommendedPrompts": list(self.prompts),
            "recommendedPresetIds": list(self.preset_ids),
        }
