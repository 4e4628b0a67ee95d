"""The conversions of a finished creative that Download serves, each made once and kept."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from adcreative.creatives.models import Task, result_path


def rendition_path(rendition: Rendition, filename: str) -> str:
    return result_path(rendition.task, filename)


class Rendition(models.Model):
    """A task's creative converted for Download (JPEG of the PNG, PNG of the thumbnail, PDFs), made once."""

    class Variant(models.TextChoices):
        FULL_JPEG = "full.jpg", "Full size JPEG"
        FULL_PDF = "full.pdf", "Full size PDF"
        THUMBNAIL_PNG = "thumbnail.png", "Thumbnail PNG"
        THUMBNAIL_PDF = "thumbnail.pdf", "Thumbnail PDF"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="renditions")
    variant = models.CharField(max_length=20, choices=Variant.choices)
    output_format = models.CharField(max_length=20, blank=True)  # "": the task's first output format
    file = models.FileField(upload_to=rendition_path, max_length=200)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "output_format", "variant"], name="one_rendition_per_format_and_variant"
            )
        ]

    def __str__(self) -> str:
        of = f" ({self.output_format})" if self.output_format else ""
        return f"{self.variant}{of} of task {self.task_id}"
