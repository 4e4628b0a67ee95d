"""What becomes of stored files: those of deleted records are discarded (and purged from the store by the
`ops.clean_storage` beat job), and with RETENTION_DAYS set, uploads and results older than that expire.

Expiry deletes records, oldest first and never one that work still needs:
- a process whose tasks have all finished (its tasks, creatives and renditions go with it);
- a finished recommendation whose cut-out no remaining process renders from;
- an asset nothing remaining refers to (a process's cut-out, a recommendation's photo or cut-out, the photos
  of a fine-tune still to train, any fine-tune's validation renders);
- the uploaded zip of a finished fine-tune (the fine-tune and its LoRA weights stay: they are a model the
  application renders with, not an upload or a result).

The credit ledger keeps its rows (they name tasks by id, not by reference), so billing history survives.
A client asking for an expired process, task or cut-out gets the contract's "not found".
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.db.models.signals import post_delete
from django.utils import timezone

from adcreative.assets.models import Asset
from adcreative.assets.storage import discard, purge_discarded
from adcreative.creatives.models import Process, Task, TaskFormat
from adcreative.downloads.models import Rendition
from adcreative.finetunes import state as finetunes_state
from adcreative.finetunes.models import FineTune
from adcreative.recommendations.models import Recommendation

log = logging.getLogger(__name__)

# Every model with stored files → its file fields.
FILE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Asset: ("file",),
    Task: ("result", "thumbnail"),
    TaskFormat: ("result", "thumbnail"),
    Rendition: ("file",),
    FineTune: ("upload", "weights"),
}
BATCH = 200  # records deleted per transaction
BATCHES_PER_RUN = 25  # the rest waits for the next run, so one run stays short


def connect() -> None:
    """Discard the files of every deleted record, however it was deleted (admin, cascade, expiry)."""
    for model in FILE_FIELDS:
        post_delete.connect(_discard_files, sender=model, dispatch_uid=f"retention.{model.__name__}")


def _discard_files(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    discard(getattr(instance, field).name or "" for field in FILE_FIELDS[sender])


def expire(days: int, now: Any = None) -> dict[str, int]:
    """Delete the records older than `days` that nothing needs any more (see the module's docstring)."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    unfinished = Task.objects.exclude(render_state__in=Task.FINISHED)
    training = _fine_tune_assets()
    steps = {
        "processes": Process.objects.filter(created_at__lt=cutoff).exclude(
            models.Exists(unfinished.filter(process=models.OuterRef("pk")))
        ),
        "recommendations": Recommendation.objects.filter(created_at__lt=cutoff)
        .exclude(status=Recommendation.Status.PROCESSING)
        .exclude(cutout__in=Process.objects.values("cutout"))
        .exclude(cutout__in=training)  # a cut-out in a fine-tune stands for its photo: both stay
        .exclude(image__in=training),
        "assets": Asset.objects.filter(created_at__lt=cutoff)
        .exclude(id__in=Process.objects.values("cutout"))
        .exclude(id__in=Recommendation.objects.values("image"))
        .exclude(id__in=Recommendation.objects.filter(cutout__isnull=False).values("cutout"))
        .exclude(id__in=training),
    }
    counts = {name: _delete_in_batches(records) for name, records in steps.items()}
    counts["fine_tune_uploads"] = _expire_uploads(cutoff)
    return counts


def _fine_tune_assets() -> set[str]:
    """Assets a fine-tune needs: the photos of those still to train, and every fine-tune's validation renders."""
    needed: set[str] = set()
    for status, photos, renders in FineTune.objects.values_list(
        "status", "asset_ids", "validation_asset_ids"
    ):
        needed.update(str(i) for i in renders or [])
        if status not in FineTune.FINISHED:
            needed.update(str(i) for i in photos or [])
    return needed


def _delete_in_batches(records: models.QuerySet[Any]) -> int:
    deleted = 0
    for _ in range(BATCHES_PER_RUN):
        try:
            with transaction.atomic():
                ids = list(records.order_by("created_at").values_list("pk", flat=True)[:BATCH])
                if not ids:
                    break
                # Asked again inside the delete, so a record that became needed meanwhile is kept.
                records.filter(pk__in=ids).delete()
        except (ProtectedError, IntegrityError):  # a request began using one as it went: the next run sees it
            log.info(
                "storage clean-up: a %s became needed while it was deleted; left for the next run",
                records.model.__name__,
            )
            break
        deleted += len(ids)
    return deleted


def _expire_uploads(cutoff: Any) -> int:
    finished = FineTune.objects.filter(status__in=FineTune.FINISHED, finished_at__lt=cutoff).exclude(
        upload=""
    )
    with transaction.atomic():
        expired = dict(finished.values_list("pk", "upload")[: BATCH * BATCHES_PER_RUN])
        discard(expired.values())
        finetunes_state.forget_uploads(list(expired))
    return len(expired)


def clean_storage(days: int | None = None) -> dict[str, int]:
    """The beat job: expire what is older than `days` (default RETENTION_DAYS; 0: nothing), then purge the
    discarded files from the store."""
    days = settings.RETENTION_DAYS if days is None else days
    counts = expire(days) if days else {}
    counts["files_removed"], counts["files_left"] = purge_discarded(settings.DOWNLOAD_LINK_SECONDS)
    if any(counts.values()):
        log.info("storage clean-up: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts
