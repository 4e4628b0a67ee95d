"""The one writer of FineTune state: status, progress, the log, the results.

As with renders, every move is a conditional update: a fine-tune only moves forward, a finished one never
changes, and a worker that finds its row cancelled (or taken over after its lease ran out) stops. A
Completed or Failed fine-tune is announced through `signals.fine_tune_finished` inside its transaction.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image

from adcreative.assets.models import Asset
from adcreative.assets.storage import atomic_with_files
from adcreative.finetunes import signals
from adcreative.finetunes.models import FineTune
from adcreative.leases import Lease

Status = FineTune.Status
LOG_TAIL = 20  # records of {step, loss, lr} a fine-tune keeps for the client to see


LEASE = Lease(FineTune, ~Q(status__in=FineTune.FINISHED))


def claim(fine_tune_id: str) -> FineTune | None:
    """Take a waiting fine-tune, or one whose worker is gone; None if there is nothing to do."""
    if LEASE.claim(fine_tune_id, status=Status.RUNNING) is None:
        return None
    return FineTune.objects.select_related("application").get(id=fine_tune_id)


def held(fine_tune: FineTune) -> Any:
    """This worker's claim: unfinished, and claimed at the moment it claimed it (not taken over since)."""
    return LEASE.mine(fine_tune)


def renew(fine_tune: FineTune) -> None:
    LEASE.renew(fine_tune)


def held_until(fine_tune_id: str) -> Any:
    """When the live lease on the fine-tune runs out; None if no live worker holds it."""
    return LEASE.held_until(pk=fine_tune_id)


def dataset_built(fine_tune: FineTune, examples: int, skipped: list[dict[str, str]]) -> bool:
    """Record what the dataset holds; False if the fine-tune is no longer this worker's."""
    return bool(held(fine_tune).update(examples=examples, skipped=skipped, progress=5))


def report(fine_tune: FineTune, record: dict[str, float]) -> bool:
    """A training step's figures; False if the fine-tune was cancelled or taken over (training stops)."""
    fine_tune.log_tail = [*fine_tune.log_tail, record][-LOG_TAIL:]
    step = int(record["step"])
    progress = 5 + int(90 * step / max(1, fine_tune.steps))
    return bool(
        held(fine_tune).update(
            step=step, loss=record["loss"], log_tail=fine_tune.log_tail, progress=min(progress, 95)
        )
    )


@dataclass(frozen=True)
class Trained:
    """What a finished training run leaves: the LoRA file, its card and the validation renders (PNG)."""

    weights: bytes
    card: dict[str, Any]
    validation_pngs: list[bytes]


def complete(fine_tune: FineTune, trained: Trained) -> bool:
    """Store the LoRA and the validation renders and mark the fine-tune Completed, or store nothing (it
    was cancelled or taken over meanwhile)."""
    with atomic_with_files() as files:
        locked = held(fine_tune).select_for_update().first()
        if locked is None:
            return False
        renders = [
            files.store(
                locked.application, Asset.Kind.VALIDATION, png, "image/png", _size(png), locked.user_id
            )
            for png in trained.validation_pngs
        ]
        locked.weights.save("pytorch_lora_weights.safetensors", ContentFile(trained.weights), save=False)
        files.names.append(locked.weights.name or "")
        locked.card, locked.validation_asset_ids = trained.card, [str(asset.id) for asset in renders]
        locked.status, locked.progress, locked.finished_at, locked.lease_until = (
            Status.COMPLETED,
            100,
            timezone.now(),
            None,
        )
        locked.save()
        signals.fine_tune_finished.send(sender=FineTune, fine_tune_id=locked.id)
    return True


def _size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def fail(fine_tune_id: str | uuid.UUID, code: str, message: str) -> bool:
    with transaction.atomic():
        failed = (
            FineTune.objects.filter(id=fine_tune_id)
            .exclude(status__in=FineTune.FINISHED)
            .update(
                status=Status.FAILED,
                error_code=code,
                error_message=message,
                finished_at=timezone.now(),
                lease_until=None,
            )
        )
        if failed:
            signals.fine_tune_finished.send(sender=FineTune, fine_tune_id=fine_tune_id)
    return bool(failed)


def forget_uploads(fine_tune_ids: list[Any]) -> None:
    """The uploaded zips are gone (expired): the fine-tunes keep their LoRA and no longer name them."""
    FineTune.objects.filter(pk__in=fine_tune_ids).update(upload="")


def cancel(fine_tune: FineTune) -> bool:
    """Cancel a fine-tune not yet finished (its worker stops at its next step); False if it had finished."""
    return bool(
        FineTune.objects.filter(id=fine_tune.id)
        .exclude(status__in=FineTune.FINISHED)
        .update(status=Status.CANCELLED, finished_at=timezone.now(), lease_until=None)
    )


def release(fine_tune_id: str | uuid.UUID) -> None:
    """Hand a running fine-tune back (before a retry): no worker holds it now."""
    LEASE.release(fine_tune_id)
