"""Stored images shown to staff in the admin: a thumbnail made on the fly, or the file itself.

The address carries the storage name signed by `adcreative.readonly_admin.preview_url`, so the view
serves exactly the files the admin pages point at, to logged-in staff only.
"""

from __future__ import annotations

import mimetypes
from io import BytesIO

from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_GET
from PIL import Image, UnidentifiedImageError

from adcreative.readonly_admin import PREVIEW_SALT

CACHE = "private, max-age=86400"  # a storage name is never reused for other contents


@staff_member_required
@require_GET
def admin_preview(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        name, size = signing.loads(token, salt=PREVIEW_SALT)
        handle = default_storage.open(name)
    except (signing.BadSignature, ValueError, OSError):
        raise Http404("No such stored image.") from None
    if not size:
        response: HttpResponseBase = FileResponse(handle, content_type=mimetypes.guess_type(name)[0])
    else:
        with handle:
            body, content_type = _thumbnail(handle, int(size))
        response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = CACHE
    return response


def _thumbnail(handle: object, size: int) -> tuple[bytes, str]:
    """PNG where the image has transparency (cut-outs), else JPEG; at most size by size."""
    try:
        with Image.open(handle) as image:  # type: ignore[arg-type]
            image.draft("RGB", (size, size))  # JPEG decodes at a fraction of full size
            image.thumbnail((size, size))
            out = BytesIO()
            if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
                image.convert("RGBA").save(out, "PNG")
                return out.getvalue(), "image/png"
            image.convert("RGB").save(out, "JPEG", quality=85)
            return out.getvalue(), "image/jpeg"
    except (UnidentifiedImageError, OSError):
        raise Http404("The stored file is not an image.") from None
