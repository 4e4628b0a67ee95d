"""The one writer of Recommendation state: claim, complete, fail; its lease is `LEASE` (adcreative.leases).

Every change is a conditional update on `status`, so a redelivered task cannot overwrite a result,
and a finished recommendation is never processed again.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from adcreative.assets.models import Asset
from adcreative.assets.storage import atomic_with_files
from adcreative.leases import Lease
from adcreative.recommendations.models import Recommendation
from workers.imaging import encode_png

if TYPE_CHECKING:
    from workers.recommend import PhotoAnalysis

Status = Recommendation.Status


LEASE = Lease(Recommendation, Q(status=Status.PROCESSING))


def claim(recommendation_id: str) -> Recommendation | None:
    """Start work on a Processing record, unless a live worker holds it; None if there is nothing to do
    (finished, or a duplicate message for a record in progress)."""
    if LEASE.claim(recommendation_id) is None:
        return None
    return Recommendation.objects.select_related("image", "application").get(id=recommendation_id)


def renew(recommendation: Recommendation) -> None:
    LEASE.renew(recommendation)


def held_until(recommendation_id: str) -> datetime | None:
    """When a live worker's lease on the record runs out; None if no live worker holds it."""
    return LEASE.held_until(pk=recommendation_id)


def release(recommendation_id: str) -> None:
    """Hand the record back (before a retry): no worker holds it now."""
    LEASE.release(recommendation_id)


def complete(recommendation: Recommendation, outcome: PhotoAnalysis) -> bool:
    """Store the cut-out and the answer; False (and nothing stored) if the record was already finished."""
    product, cutout = outcome.recommendation.product, outcome.cutout.image
    with atomic_with_files() as files:
        locked = Recommendation.objects.select_for_update().filter(
            id=recommendation.id, status=Status.PROCESSING
        )
        if locked.first() is None:
            return False
        asset = files.store(
            recommendation.application,
            Asset.Kind.CUTOUT,
            encode_png(cutout),
            "image/png",
            cutout.size,
            recommendation.user_id,
        )
        Recommendation.objects.filter(id=recommendation.id).update(
            status=Status.COMPLETED,
            cutout=asset,
            product_name=product.name,
            product_description=product.description,
            prompts=outcome.recommendation.prompts,
            preset_ids=outcome.recommendation.preset_ids,
            analysis=analysis_of(outcome),
            timings=outcome.timings,
            finished_at=timezone.now(),
        )
    return True


def analysis_of(outcome: PhotoAnalysis) -> dict[str, Any]:
    """What the analysis found, kept on the record for operators (the admin) and later tuning."""
    product = outcome.recommendation.product
    return {
        "category": product.category,
        "confidence": product.confidence,
        "material": product.material,
        "shape": product.shape,
        "colours": [asdict(c) for c in product.colours],
        "labels": [list(label) for label in product.labels],
        "printed": list(product.printed),
        "box": list(outcome.cutout.box),
        # The photo's frame cut the product (worn by a model): AdCreative reports a custom prompt's stand,
        # which the studio does not draw for it (workers.render.prompt_scene.grounded).
        "frameCut": dict(zip(("top", "bottom"), outcome.recommendation.frame_cut, strict=True)),
    }


def fail(recommendation_id: str, code: str, message: str) -> bool:
    """Record a permanent failure with a code and a message a person understands."""
    return bool(
        Recommendation.objects.filter(id=recommendation_id, status=Status.PROCESSING).update(
            status=Status.FAILED, error_code=code, error_message=message, finished_at=timezone.now()
        )
    )
