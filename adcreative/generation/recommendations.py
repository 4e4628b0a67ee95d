"""The one writer of Recommendation state: create, claim, complete, fail.

Every change is a conditional update on `status`, so a redelivered task cannot overwrite a result,
and a finished recommendation is never processed again.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from adcreative.generation.assets import atomic_with_files
from adcreative.generation.models import Asset, Recommendation
from adcreative.tenancy.models import Application
from workers.imaging import UploadInfo, encode_png

if TYPE_CHECKING:
    from workers.recommend import Outcome

Status = Recommendation.Status


def create(
    application: Application, user_id: uuid.UUID | None, data: bytes, info: UploadInfo
) -> Recommendation:
    """Store the original photo and a Processing record, and queue the work once both are committed."""
    from adcreative.generation.tasks import recommend

    with atomic_with_files() as files:
        image = files.store(
            application, Asset.Kind.ORIGINAL, data, info.content_type, (info.width, info.height), user_id
        )
        recommendation = Recommendation.objects.create(application=application, user_id=user_id, image=image)
        transaction.on_commit(lambda: recommend.delay(str(recommendation.id)))
    return recommendation


def claim(recommendation_id: str) -> Recommendation | None:
    """Start (or, after a worker died, restart) work on a Processing record; None if it is finished."""
    claimed = Recommendation.objects.filter(id=recommendation_id, status=Status.PROCESSING).update(
        started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return Recommendation.objects.select_related("image", "application").get(id=recommendation_id)


def complete(recommendation: Recommendation, outcome: Outcome) -> bool:
    """Store the cut-out and the answer; False (and nothing stored) if the record was already finished."""
    product = outcome.recommendation.product
    cutout = outcome.cutout.image
    with atomic_with_files() as files:
        locked = Recommendation.objects.select_for_update().filter(
            id=recommendation.id, status=Status.PROCESSING
        )
        if locked.first() is None:
            return False
        asset = files.store(
            recommendation.application, Asset.Kind.CUTOUT, encode_png(cutout), "image/png", cutout.size,
            recommendation.user_id,
        )  # fmt: skip
        Recommendation.objects.filter(id=recommendation.id).update(
            status=Status.COMPLETED,
            cutout=asset,
            product_name=product.name,
            product_description=product.description,
            prompts=outcome.recommendation.prompts,
            preset_ids=outcome.recommendation.preset_ids,
            analysis={
                "category": product.category,
                "material": product.material,
                "shape": product.shape,
                "colours": [asdict(c) for c in product.colours],
                "labels": [list(label) for label in product.labels],
                "box": list(outcome.cutout.box),
            },
            timings=outcome.timings,
            finished_at=timezone.now(),
        )
    return True


def fail(recommendation_id: str, code: str, message: str) -> bool:
    """Record a permanent failure with a code and a message a person understands."""
    return bool(
        Recommendation.objects.filter(id=recommendation_id, status=Status.PROCESSING).update(
            status=Status.FAILED, error_code=code, error_message=message, finished_at=timezone.now()
        )
    )
