"""Admin pages for records that change only through their services: operators look, services write.

Stored images (uploads, cut-outs, creatives) are not public files; `preview` shows one to staff through
the ops app's preview view, by a signed storage name.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core import signing
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

PREVIEW_SALT = "adcreative.admin-preview"
# Transparent pixels show as a checkerboard: a cut-out's edges are what an operator looks at.
CHECKERBOARD = "background:repeating-conic-gradient(#ccc 0 25%,#fff 0 50%) 0 0/16px 16px"


def preview_url(name: str, size: int) -> str:
    """The preview view's address of a stored file: a thumbnail of at most `size` px, or (0) the file."""
    return reverse("admin-preview", args=[signing.dumps([name, size], salt=PREVIEW_SALT, compress=True)])


def preview(file: FieldFile | None, size: int = 160, alt: str = "") -> SafeString | str:
    """A thumbnail of a stored image, linked to the full-size file; a dash when there is none."""
    if not file or not file.name:
        return "-"
    return format_html(
        '<a href="{}" target="_blank"><img src="{}" alt="{}" loading="lazy" class="photoshoot-preview" '
        'style="max-width:{}px;max-height:{}px;vertical-align:middle;{}"></a>',
        preview_url(file.name, 0),
        preview_url(file.name, size),
        alt or file.name,
        size,
        size,
        CHECKERBOARD,
    )


@admin.display(description="Application", ordering="application__name")
def application_name(record: Any) -> str:
    """A list column: the application's name (its id is on the record's page and in the search box)."""
    return str(record.application.name)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    max_num = 0
    can_delete = False
