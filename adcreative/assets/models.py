"""An image of an application: an uploaded photo or a cut-out made from one."""

from __future__ import annotations

import uuid

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
        VALIDATION = "validation"  # a fine-tune's validation render (photo as masked | render)

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


class DiscardedFile(models.Model):
    """A stored file whose record was deleted (the record's own transaction wrote this row): the store
    still holds it until `storage.purge_discarded` removes it, once any link handed out for it has expired."""

    name = models.CharField(max_length=200)
    discarded_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["discarded_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} (discarded {self.discarded_at:%Y-%m-%d %H:%M})"
