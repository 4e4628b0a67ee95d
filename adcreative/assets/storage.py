"""Storing image assets: the file and its row together, or neither."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from adcreative.assets.models import Asset
from adcreative.tenancy.models import Application


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
            application=application, user_id=user_id, kind=kind, content_type=content_type,
            width=size[0], height=size[1], size=len(data),
        )  # fmt: skip
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
