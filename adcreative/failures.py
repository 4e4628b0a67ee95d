"""What a failed recommendation or render does next, decided in one place for both.

`classify` reads the exception; `settle` records the outcome through the caller's state service:
retry later (transient), retry in smaller batches (the GPU ran out of memory), or fail now with a code
and a message a person understands (a time limit, an unusable input, a bug).
"""

from __future__ import annotations

import enum
import logging
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from billiard.exceptions import WorkerLostError
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError
from PIL import UnidentifiedImageError

from workers.imaging import ImageRejected

log = logging.getLogger(__name__)

MAX_RETRIES = 4


class Failure(enum.Enum):
    TRANSIENT = "transient"  # storage hiccups, a database restart, memory pressure: try again later
    OUT_OF_MEMORY = "out_of_memory"  # the GPU's memory: try again with fewer images per call
    WORKER_LOST = "worker_lost"  # the process under the task died: try again
    TIME_LIMIT = "time_limit"  # the soft time limit: the input is too much for this worker, fail now
    REJECTED = "rejected"  # the input itself is unusable, and stays so: fail now with its reason
    PERMANENT = "permanent"  # anything else is a bug: fail now, logged with its traceback


RETRIED = (Failure.TRANSIENT, Failure.OUT_OF_MEMORY, Failure.WORKER_LOST)


def is_out_of_memory(exc: BaseException) -> bool:
    """torch.cuda.OutOfMemoryError (a RuntimeError), recognised without importing torch."""
    return type(exc).__name__ == "OutOfMemoryError" or (
        isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()
    )


def store_failed(exc: BaseException) -> bool:
    """Whether the object store (S3, MinIO) refused a request or could not be reached: boto3's errors,
    looked for only where boto3 is loaded (a process on local disk never imports it)."""
    botocore = sys.modules.get("botocore.exceptions")
    return botocore is not None and isinstance(exc, (botocore.BotoCoreError, botocore.ClientError))


def classify(exc: BaseException) -> Failure:
    if isinstance(exc, SoftTimeLimitExceeded):
        return Failure.TIME_LIMIT
    if isinstance(exc, (ImageRejected, UnidentifiedImageError)):  # an OSError, but a broken file stays broken
        return Failure.REJECTED
    if is_out_of_memory(exc):
        return Failure.OUT_OF_MEMORY
    if isinstance(exc, WorkerLostError):
        return Failure.WORKER_LOST
    if isinstance(exc, (OSError, DatabaseError, MemoryError)) or store_failed(exc):
        return Failure.TRANSIENT
    return Failure.PERMANENT


def backoff(retries: int) -> float:
    """Exponential backoff with full jitter: 2, 4, 8, 16 s at most."""
    return random.uniform(0.5, 2.0 ** (retries + 1))  # noqa: S311 - jitter, not security


@dataclass(frozen=True)
class Wording:
    """A pipeline's (code, message) for each way it fails for good."""

    unreadable: tuple[str, str]
    time_limit: tuple[str, str]
    unavailable: tuple[str, str]
    failed: tuple[str, str]


@dataclass(frozen=True)
class Outcome:
    """How a caller records a failure: `fail(code, message)` for good, or `release()` and retry."""

    fail: Callable[[str, str], object]
    release: Callable[[], object]
    wording: Wording
    what: str  # for the log: "recommendation <id>", "tasks [...]"


def settle(celery_task: Any, exc: Exception, outcome: Outcome, retry_kwargs: Any = None) -> None:
    """Record `exc`'s outcome; raises Celery's Retry where another try is due."""
    failure = classify(exc)
    if failure is Failure.REJECTED:
        code, message = (
            (exc.code, exc.message) if isinstance(exc, ImageRejected) else outcome.wording.unreadable
        )
        outcome.fail(code, message)
    elif failure is Failure.TIME_LIMIT:
        outcome.fail(*outcome.wording.time_limit)
    elif failure in RETRIED and celery_task.request.retries < MAX_RETRIES:
        outcome.release()  # free again, so the retry can claim it
        countdown = backoff(celery_task.request.retries)
        raise celery_task.retry(exc=exc, countdown=countdown, kwargs=retry_kwargs) from exc
    elif failure in RETRIED:
        log.exception("%s failed after %d tries", outcome.what, MAX_RETRIES + 1)
        outcome.fail(*outcome.wording.unavailable)
    else:
        log.exception("%s failed", outcome.what)
        outcome.fail(*outcome.wording.failed)
