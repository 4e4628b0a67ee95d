"""A task's admin page also lists the conversions Download made of it."""

from __future__ import annotations

from django.contrib import admin

from adcreative.creatives.admin import TaskAdmin
from adcreative.creatives.models import Task
from adcreative.downloads.models import Rendition
from adcreative.readonly_admin import ReadOnlyInline

RENDITION_COLUMNS = ("variant", "file", "size", "created_at")


class RenditionInline(ReadOnlyInline):
    model = Rendition
    fields = RENDITION_COLUMNS
    readonly_fields = RENDITION_COLUMNS


class TaskWithRenditionsAdmin(TaskAdmin):
    inlines = [*TaskAdmin.inlines, RenditionInline]


# The creatives app registers Task without knowing of downloads (the layer above); this app adds its part.
admin.site.unregister(Task)
admin.site.register(Task, TaskWithRenditionsAdmin)
