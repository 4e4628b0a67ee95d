"""Starting a Recommendations request: the photo and its record stored together, then the gpu task;
and waiting for its answer."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import datetime
from functools import cache, partial

from django.conf import settings
from django.db import InterfaceError, OperationalError

from adcreative.api import areas
from adcreative.api.exceptions import Unavailable
from adcreative.assets.models import Asset
from adcreative.assets.storage import atomic_with_files
from adcreative.celery import NEVER_SENT, QUEUE_DOWN, broker_refusing, send_on_commit
from adcreative.recommendations.models import Recommendation
from adcreative.recommendations.tasks import recommend
from adcreative.tenancy.models import Application
from workers.imaging import UploadInfo

log = logging.getLogger(__name__)

POLL_SECONDS = 0.05  # a primary-key read: cheap enough to ask often, so the answer is not held back


def create(
    application: Application, user_id: uuid.UUID | None, data: bytes, info: UploadInfo
) -> Recommendation:
    """Store the original photo and a Processing record, and queue the work once both are committed."""
    if broker_refusing():
        raise Unavailable(QUEUE_DOWN, area=areas.RECOMMENDATIONS)
    with atomic_with_files() as files:
        image = files.store(
            application, Asset.Kind.ORIGINAL, data, info.content_type, (info.width, info.height), user_id
        )
        recommendation = Recommendation.objects.create(application=application, user_id=user_id, image=image)
        send_on_commit(
            recommend, str(recommendation.id), unsent=partial(_send_at_next_tick, recommendation.id)
        )
    return recommendation


def _send_at_next_tick(recommendation_id: uuid.UUID) -> None:
    Recommendation.objects.filter(id=recommendation_id).update(queued_at=NEVER_SENT)


@cache
def waiting_slots(limit: int) -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(limit)


def wait_for(recommendation: Recommendation, seconds: float) -> None:
    """Refresh the record until the worker has finished it or `seconds` have passed.

    A waiting request holds one of the web process's threads: at most RECOMMENDATION_MAX_WAITING of them
    wait at once, and beyond that the answer is the 202 at once (polling costs a thread a moment each),
    so that a burst of uploads cannot leave no thread for anything else.
    """
    if broker_refusing():  # its message did not go: waiting would only hold the client
        return
    slots = waiting_slots(settings.RECOMMENDATION_MAX_WAITING)
    if not slots.acquire(blocking=False):
        return
    try:
        _wait(recommendation, seconds)
    finally:
        slots.release()


def _wait(recommendation: Recommendation, seconds: float) -> None:
    """The record is committed: if the database drops the connection meanwhile, the wait ends and the
    client is answered with the record's id to poll (202), not an error that would lose it."""
    deadline = time.monotonic() + seconds
    try:
        recommendation.refresh_from_db()
        while recommendation.status == Recommendation.Status.PROCESSING and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            recommendation.refresh_from_db()
    except (OperationalError, InterfaceError):
        log.warning(
            "stopped waiting for recommendation %s: the database connection dropped", recommendation.id
        )


def usage_since(application: Application, since: datetime) -> dict[str, int]:
    """The application's photos analysed since then, for its admin page (adcreative.tenancy.usage)."""
    return {
        "recommendations": Recommendation.objects.filter(
            application=application, created_at__gte=since
        ).count()
    }
