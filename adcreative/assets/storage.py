"""Storing image assets: the file and its row together, or neither."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from adcreative.assets.models import Asset, DiscardedFile
from adcreative.failures import store_failed
from adcreative.tenancy.models import Application

log = logging.getLogger(__name__)


class FileTransaction:
    """Files written inside `atomic_with_files()`: deleted again if the database transaction fails."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def store(
        self,
        application: Application,
        kind: str,
        data: bytes,
        content_type: str,
        size: tuple[int, int],
        user_id: uuid.UUID | None = None,
    ) -> Asset:
        asset = Asset(
            application=application,
            user_id=user_id,
            kind=kind,
            content_type=content_type,
            width=size[0],
            height=size[1],
            size=len(data),
        )
        asset.file.save(f"{asset.id}.{asset.extension}", ContentFile(data), save=False)
        self.names.append(asset.file.name or "")
        asset.save()
        return asset


@contextmanager
def atomic_with_files() -> Iterator[FileTransaction]:
    files = FileTransaction()
    try:
        with transaction.atomic():
            yield files
    except BaseException:
        for name in files.names:
            default_storage.delete(name)
        raise


def discard(names: Iterable[str]) -> None:
    """The files of a record being deleted: removed from the store later by `purge_discarded`, and only if
    the deletion commits (the rows are written in the deleting transaction)."""
    DiscardedFile.objects.bulk_create(DiscardedFile(name=name) for name in names if name)


def purge_discarded(after_seconds: float, limit: int = 1000) -> tuple[int, int]:
    """Remove from the store the discarded files older than `after_seconds` (a download link handed out just
    before the deletion stays good until it expires), at most `limit`. Returns (removed, left for later):
    a store that fails keeps the rest for the next run."""
    due = list(
        DiscardedFile.objects.filter(discarded_at__lte=timezone.now() - timedelta(seconds=after_seconds))[
            : limit + 1
        ]
    )
    removed: list[int] = []
    for row in due[:limit]:
        try:
            default_storage.delete(row.name)
        except Exception as exc:
            if not (store_failed(exc) or isinstance(exc, OSError)):
                raise
            log.warning("could not remove %s from the store (%s); trying again next run", row.name, exc)
            break
        removed.append(row.id)
    DiscardedFile.objects.filter(id__in=removed).delete()
    return len(removed), len(due) - len(removed)
