"""The one writer of Recommendation state: claim, complete, fail, and the reaper's stuck and requeue.

Every change is a conditional update on `status`, so a redelivered task cannot overwrite a result,
and a finished recommendation is never processed again.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from adcreative.assets.models import Asset
from adcreative.assets.storage import atomic_with_files
from adcreative.leases import lease_end
from adcreative.recommendations.models import Recommendation
from workers.imaging import encode_png

if TYPE_CHECKING:
    from workers.recommend import Outcome

Status = Recommendation.Status
MAX_ATTEMPTS = 3


def claim(recommendation_id: str) -> Recommendation | None:
    """Start work on a Processing record, unless a live worker holds it; None if there is nothing to do.

    A record is free when it never started, was (re-)queued after it last started (a retry, the reaper),
    or its worker's lease ran out (the worker was killed). A duplicate message for a record in progress
    finds it taken.
    """
    now = timezone.now()
    free = Q(started_at__isnull=True) | Q(started_at__lt=F("queued_at")) | Q(lease_until__lt=now)
    claimed = Recommendation.objects.filter(free, id=recommendation_id, status=Status.PROCESSING).update(
        started_at=now, lease_until=lease_end(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return Recommendation.objects.select_related("image", "application").get(id=recommendation_id)


def renew(recommendation: Recommendation) -> None:
    """Extend this worker's lease (its own claim: one taken over meanwhile has another `started_at`)."""
    Recommendation.objects.filter(
        id=recommendation.id, started_at=recommendation.started_at, status=Status.PROCESSING
    ).update(lease_until=lease_end())


def held_until(recommendation_id: str) -> datetime | None:
    """When a live worker's lease on the record runs out; None if no live worker holds it."""
    held = Recommendation.objects.filter(
        id=recommendation_id, status=Status.PROCESSING, lease_until__gte=timezone.now()
    ).exclude(started_at__lt=F("queued_at"))
    return held.values_list("lease_until", flat=True).first()


def complete(recommendation: Recommendation, outcome: Outcome) -> bool:
    """Store the cut-out and the answer; False (and nothing stored) if the record was already finished."""
    product, cutout = outcome.recommendation.product, outcome.cutout.image
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
            status=Status.COMPLETED, cutout=asset, product_name=product.name,
            product_description=product.description, prompts=outcome.recommendation.prompts,
            preset_ids=outcome.recommendation.preset_ids, analysis=analysis_of(outcome),
            timings=outcome.timings, finished_at=timezone.now(),
        )  # fmt: skip
    return True


def analysis_of(outcome: Outcome) -> dict[str, Any]:
    """What the analysis found, kept on the record for operators (the admin) and later tuning."""
    product = outcome.recommendation.product
    return {
        "category": product.category,
        "material": product.material,
        "shape": product.shape,
        "colours": [asdict(c) for c in product.colours],
        "labels": [list(label) for label in product.labels],
        "printed": list(product.printed),
        "box": list(outcome.cutout.box),
    }


def fail(recommendation_id: str, code: str, message: str) -> bool:
    """Record a permanent failure with a code and a message a person understands."""
    return bool(
        Recommendation.objects.filter(id=recommendation_id, status=Status.PROCESSING).update(
            status=Status.FAILED, error_code=code, error_message=message, finished_at=timezone.now()
        )
    )


def stuck(now: datetime | None = None) -> tuple[list[str], list[str]]:
    """(to re-send, to fail): Processing records whose message was lost or whose worker died.

    Not started (or re-queued) and queued longer than QUEUED_TASK_RESEND_SECONDS: re-send. Started and
    its lease run out (or, claimed before leases, past the hard time limit): the worker is gone; re-send,
    or fail after MAX_ATTEMPTS tries.
    """
    now = now or timezone.now()
    waiting = now - timedelta(seconds=settings.QUEUED_TASK_RESEND_SECONDS)
    dead = now - timedelta(seconds=settings.GPU_TASK_TIME_LIMIT + 60)
    resend: list[str] = []
    failed: list[str] = []
    for record_id, started_at, attempts, queued_at, lease_until in Recommendation.objects.filter(
        status=Status.PROCESSING
    ).values_list("id", "started_at", "attempts", "queued_at", "lease_until"):
        if started_at is None or started_at < queued_at:
            if queued_at < waiting:
                resend.append(str(record_id))
        elif (lease_until < now) if lease_until else (started_at < dead):
            (failed if attempts >= MAX_ATTEMPTS else resend).append(str(record_id))
    return resend, failed


def requeue(recommendation_id: str) -> None:
    Recommendation.objects.filter(id=recommendation_id, status=Status.PROCESSING).update(
        queued_at=timezone.now()
    )
