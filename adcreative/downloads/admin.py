"""A task's admin page also lists the conversions Download made of it."""

from __future__ import annotations

from adcreative.creatives.admin import show_on_task_page
from adcreative.downloads.models import Rendition
from adcreative.readonly_admin import ReadOnlyInline

RENDITION_COLUMNS = ("variant", "file", "size", "created_at")


class RenditionInline(ReadOnlyInline):
    model = Rendition
    fields = RENDITION_COLUMNS
    readonly_fields = RENDITION_COLUMNS


# The creatives app's Task page takes parts from the apps above it, without knowing them.
show_on_task_page(RenditionInline)
