"""Starting a fine-tune (the rules its photos must meet, its row, its message) and choosing the fine-tune
an AdCreative process renders with.

Views and the admin call these; they raise the service errors of `adcreative.api.exceptions`.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction

from adcreative import engines
from adcreative.api import areas
from adcreative.api.exceptions import InvalidField, NotFound, Refused, Unavailable
from adcreative.assets.models import Asset
from adcreative.assets.storage import atomic_with_files
from adcreative.celery import NEVER_SENT, QUEUE_DOWN, broker_refusing, send_on_commit
from adcreative.finetunes.models import FineTune
from adcreative.finetunes.tasks import finetune
from adcreative.tenancy.models import Application
from workers.finetune.archive import ArchiveRejected, open_archive, photo_members

CREATE = areas.fine_tune("Create")
NO_DIFFUSION = (
    "Fine-tunes need the diffusion engine: this service renders with the studio engine "
    "(GENERATION_ENGINE=studio)."
)


@dataclass(frozen=True)
class FineTuneRequest:
    user_id: uuid.UUID | None = None
    name: str = ""
    asset_ids: list[uuid.UUID] = field(default_factory=list)
    photos: IO[bytes] | None = None  # a zip archive of photos
    steps: int | None = None
    rank: int = 8
    learning_rate: float = 1e-4
    seed: int = 0


def check_trainable(area: str = CREATE) -> None:
    """Refuse (400) where this service cannot train: no diffusion engine, or a base it cannot train."""
    if not engines.chosen().capabilities().fine_tunes or not settings.FINETUNE_BASE_MODEL:
        raise Refused(NO_DIFFUSION, area=area)
    index = Path(settings.FINETUNE_BASE_MODEL) / "model_index.json"
    try:
        pipeline_class = str(json.loads(index.read_text()).get("_class_name", ""))
    except (OSError, ValueError):
        return  # a hub id (or an unreadable index): the worker loads it and says what is wrong
    if "XL" in pipeline_class:
        raise Refused(
            f"Fine-tunes train SD 1.x/2.x inpainting models; the base model is a {pipeline_class}. "
            "Set FINETUNE_BASE_MODEL to an SD 1.x/2.x inpainting model.",
            area=area,
        )


def photo_assets(application: Application, asset_ids: list[uuid.UUID]) -> list[str]:
    """The application's photos the ids name: an uploaded photo as it is, a cut-out as the photo it was
    cut from (the scene around the product is what a fine-tune learns)."""
    if len(asset_ids) > settings.FINETUNE_MAX_PHOTOS:
        raise InvalidField("assetIds", f"Give at most {settings.FINETUNE_MAX_PHOTOS} asset ids.")
    found = {asset.id: asset for asset in Asset.objects.filter(application=application, id__in=asset_ids)}
    missing = [str(asset_id) for asset_id in asset_ids if asset_id not in found]
    if missing:
        raise NotFound(f"Asset {missing[0]} was not found.", area=CREATE)
    photos = []
    for asset_id in dict.fromkeys(asset_ids):
        photo = _photo_of(found[asset_id])
        if photo is None:
            raise InvalidField("assetIds", f"The asset {asset_id} is neither a photo nor a cut-out of one.")
        photos.append(str(photo.id))
    return list(dict.fromkeys(photos))


def _photo_of(asset: Asset) -> Asset | None:
    if asset.kind == Asset.Kind.ORIGINAL:
        return asset
    if asset.kind == Asset.Kind.CUTOUT:
        # Through the reverse relation the recommendations app declares for the cut-out it made.
        made = asset.application.recommendations.filter(cutout=asset).select_related("image").first()
        return made.image if made is not None else None
    return None


def check_archive(photos: IO[bytes]) -> None:
    try:
        with open_archive(photos) as archive:  # closes the archive's reader, not the upload under it
            photo_members(archive, settings.FINETUNE_MAX_PHOTOS, settings.UPLOAD_MAX_BYTES)
    except ArchiveRejected as exc:
        raise InvalidField("photos", str(exc)) from None
    photos.seek(0)


def start(application: Application, request: FineTuneRequest) -> FineTune:
    """A queued fine-tune of the photos the request names, sent to a gpu worker after commit."""
    check_trainable()
    if bool(request.asset_ids) == (request.photos is not None):
        raise InvalidField("photos", "Give either assetIds or a zip archive of photos, not both or neither.")
    asset_ids = photo_assets(application, request.asset_ids) if request.asset_ids else []
    if request.photos is not None:
        check_archive(request.photos)
    if broker_refusing():
        raise Unavailable(QUEUE_DOWN, area=CREATE)
    with atomic_with_files() as files:
        fine_tune = FineTune(
            application=application,
            user_id=request.user_id,
            name=request.name,
            asset_ids=asset_ids,
            steps=request.steps or settings.FINETUNE_STEPS,
            arguments={"rank": request.rank, "learningRate": request.learning_rate, "seed": request.seed},
        )
        if request.photos is not None:
            fine_tune.upload.save("photos.zip", File(request.photos), save=False)
            files.names.append(fine_tune.upload.name or "")
        fine_tune.save()
        _enqueue(fine_tune)
    return fine_tune


def _enqueue(fine_tune: FineTune) -> None:
    def unsent() -> None:  # the reaper's next tick sends it
        FineTune.objects.filter(id=fine_tune.id).update(queued_at=NEVER_SENT)

    send_on_commit(finetune, str(fine_tune.id), unsent=unsent)


def own(application: Application, fine_tune_id: uuid.UUID, area: str) -> FineTune:
    """The application's fine-tune; 404 for an unknown one and for another application's."""
    found = FineTune.objects.filter(id=fine_tune_id, application=application).first()
    if found is None:
        raise NotFound("Fine-tune not found.", area=area)
    return found


def default_of(application: Application) -> FineTune | None:
    """The application's default fine-tune (Completed; an operator or the client chose it)."""
    return FineTune.objects.filter(
        application=application, is_default=True, status=FineTune.Status.COMPLETED
    ).first()


def options_of(data: dict[str, Any]) -> dict[str, Any]:
    """The request's training options as FineTuneRequest's keywords (absent ones keep their defaults)."""
    names = {"steps": "steps", "rank": "rank", "learningRate": "learning_rate", "seed": "seed"}
    return {key: data[name] for name, key in names.items() if data.get(name) is not None}


def make_default(fine_tune: FineTune) -> bool:
    """Make a Completed fine-tune its application's default (the one before it stops being it)."""
    with transaction.atomic():
        locked = FineTune.objects.select_for_update().filter(id=fine_tune.id).first()
        if locked is None or locked.status != FineTune.Status.COMPLETED:
            return False
        FineTune.objects.filter(application_id=locked.application_id, is_default=True).update(
            is_default=False
        )
        FineTune.objects.filter(id=locked.id).update(is_default=True)
    return True
