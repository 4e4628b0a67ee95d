"""Newest-first pages of a list by cursor: the id of the last row of the previous page.

Keyset paging on (created_at, id): a page never repeats or skips a row however many are added meanwhile.
A cursor that names no row of the list is a 404 under the endpoint's area.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from adcreative.api.exceptions import NotFound


def newest_first_page(
    found: QuerySet[Any], cursor: uuid.UUID | None, limit: int, missing: str, area: str
) -> tuple[list[Any], str | None]:
    """(the page's rows, the next page's cursor or None) of `found`, rows with `created_at` and `id`."""
    found = found.order_by("-created_at", "-id")
    if cursor:
        last = found.filter(id=cursor).first()
        if last is None:
            raise NotFound(missing, area=area)
        found = found.filter(
            Q(created_at__lt=last.created_at) | Q(created_at=last.created_at, id__lt=last.id)
        )
    page = list(found[: limit + 1])
    return page[:limit], str(page[limit - 1].id) if len(page) > limit else None
