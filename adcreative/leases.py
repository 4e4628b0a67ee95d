"""Leases: the one mechanism by which a worker holds leased work (a render, a recommendation, a fine-tune).

Every kind of work is a row of a `Leased` model and obeys the same rules, written once here:

- **waiting**: unfinished and held by no worker (`started_at` is empty): new, handed back before a retry,
  or re-sent by the reaper. Its message is in the broker, or on its way there.
- **held**: a worker claimed it (`claim`: `started_at`, `lease_until` TASK_LEASE_SECONDS ahead, one more
  attempt) and renews the lease a few times per lease while it works (`heartbeat`).
- **abandoned**: held, but the lease ran out: the worker is gone (killed, out of memory). The next message
  for it, or the reaper, takes it over; after MAX_ATTEMPTS claims it is failed instead.
- **lost**: waiting, but the broker holds no message for it (a Redis that came back empty, a failover to a
  replica that missed the last writes): the reaper sends it again, without waiting QUEUED_TASK_RESEND_SECONDS.

Each app's state service keeps the writes of its own table (what a claim moves, what a failure announces);
the `Lease` of its model does the leasing. The reaper (`ops.reap_stuck_work`) is a loop over `LeasedWork`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, NamedTuple, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

MAX_ATTEMPTS = 3  # claims of one piece of work whose worker died before it is failed as stuck
# A waiting row is looked for in the broker only once it has waited this long: its message is sent when
# the transaction that made the row commits, so a younger row's message may still be on its way.
MESSAGE_GRACE_SECONDS = 5.0


class Leased(models.Model):
    """The columns of leased work; a model of work that a worker claims inherits them."""

    attempts = models.PositiveSmallIntegerField(default=0)  # claims so far
    queued_at = models.DateTimeField(default=timezone.now)  # last (re-)sent to the queue
    started_at = models.DateTimeField(null=True, blank=True)  # when the worker holding it claimed it
    # The holding worker renews this while it works; once it passes, that worker is gone.
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


L = TypeVar("L", bound=Leased)


def lease_end() -> datetime:
    return timezone.now() + timedelta(seconds=settings.TASK_LEASE_SECONDS)


class Stuck(NamedTuple):
    """A row the reaper acts on, as it was read (a re-send happens only if the row is still so)."""

    id: str
    queued_at: datetime
    started_at: datetime | None
    attempts: int


@dataclass(frozen=True)
class Lease(Generic[L]):
    """The leasing of one model's rows. `unfinished` selects the rows that still owe work;
    `message_keys` are the columns whose value a message for a row names (a render's message names its
    task, or its whole process)."""

    model: type[L]
    unfinished: Q
    message_keys: tuple[str, ...] = ("id",)

    def waiting(self) -> Q:
        return self.unfinished & Q(started_at__isnull=True)

    def abandoned(self, now: datetime) -> Q:
        return (
            self.unfinished
            & Q(started_at__isnull=False)
            & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        )

    def held(self, now: datetime) -> Q:
        return self.unfinished & Q(started_at__isnull=False, lease_until__gte=now)

    def claim(self, record_id: Any, **moves: Any) -> L | None:
        """Take the row if it is waiting or abandoned, setting `moves` with the claim; the row as it was
        before (None: finished, or held by a live worker). Inside the caller's transaction, if any."""
        now = timezone.now()
        with transaction.atomic():
            rows = self.model._default_manager.select_for_update()
            before = rows.filter(self.waiting() | self.abandoned(now), pk=record_id).first()
            if before is None:
                return None
            self.model._default_manager.filter(pk=record_id).update(
                started_at=now, lease_until=lease_end(), attempts=F("attempts") + 1, **moves
            )
        return before

    def mine(self, record: L) -> Any:
        """The row while it is still this worker's claim (one taken over meanwhile has another start)."""
        return self.model._default_manager.filter(self.unfinished, pk=record.pk, started_at=record.started_at)

    def renew(self, record: L) -> bool:
        return bool(self.mine(record).update(lease_until=lease_end()))

    def held_until(self, **rows: Any) -> datetime | None:
        """When the latest live lease on the rows (`pk=…`, `process_id=…`) runs out; None if no live
        worker holds any of them."""
        live = self.model._default_manager.filter(self.held(timezone.now()), **rows)
        until: datetime | None = live.aggregate(until=models.Max("lease_until"))["until"]
        return until

    def release(self, record_id: Any) -> None:
        """Hand the row back (before a retry): no worker holds it now; what clients see stays."""
        self.model._default_manager.filter(self.unfinished, pk=record_id).update(
            started_at=None, lease_until=None, queued_at=timezone.now()
        )

    def requeue(self, row: Stuck) -> bool:
        """Hand a stuck row back as the reaper read it, marked sent now; False if it changed meanwhile (a
        worker claimed it, another reaper re-sent it), so it is sent once."""
        return bool(
            self.model._default_manager.filter(
                self.unfinished, pk=row.id, queued_at=row.queued_at, started_at=row.started_at
            ).update(started_at=None, lease_until=None, queued_at=timezone.now())
        )

    def stuck(self, now: datetime, in_broker: Collection[str] | None) -> tuple[list[Stuck], list[Stuck]]:
        """(to re-send, to fail). Re-sent: waiting rows whose message is lost (`in_broker`, the ids the
        broker's messages name, lacks them; None where the broker cannot tell) or that have waited
        QUEUED_TASK_RESEND_SECONDS, and abandoned rows with tries left. Failed: abandoned rows without."""
        waited_long = now - timedelta(seconds=settings.QUEUED_TASK_RESEND_SECONDS)
        waited = now - timedelta(seconds=MESSAGE_GRACE_SECONDS) if in_broker is not None else waited_long
        columns = ("id", "queued_at", "started_at", "attempts", *self.message_keys)
        resend: list[Stuck] = []
        failed: list[Stuck] = []
        candidates = self.model._default_manager.filter(
            (self.waiting() & Q(queued_at__lt=waited)) | self.abandoned(now)
        )
        for values in candidates.values_list(*columns):
            row = Stuck(str(values[0]), values[1], values[2], values[3])
            if row.started_at is not None:
                (failed if row.attempts >= MAX_ATTEMPTS else resend).append(row)
                continue
            lost = in_broker is not None and not any(str(key) in in_broker for key in values[4:])
            if lost or row.queued_at < waited_long:
                resend.append(row)
        return resend, failed


@dataclass(frozen=True)
class LeasedWork:
    """One kind of leased work as the reaper sees it: its lease, the Celery task that does it (called with
    a row's id), and how its state service fails a row for good."""

    name: str  # the prefix of the reaper's counts: renders, recommendations, fine_tunes
    lease: Lease[Any]
    task: Any
    fail: Callable[[str, str, str], object]
    gave_up: str

    def reap(self, now: datetime, in_broker: Collection[str] | None) -> dict[str, int]:
        resend, hopeless = self.lease.stuck(now, in_broker)
        for row in hopeless:
            self.fail(row.id, "stuck", self.gave_up)
        resent = 0
        for row in resend:
            if self.lease.requeue(row):
                self.task.delay(row.id)
                resent += 1
        return {f"{self.name}_resent": resent, f"{self.name}_failed": len(hopeless)}


@contextmanager
def heartbeat(renew: Callable[[], object]) -> Iterator[None]:
    """Call `renew()` every third of a lease, on a thread of its own, while the block runs."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.TASK_LEASE_SECONDS / 3):
                renew()
        finally:
            connection.close()  # this thread's own database connection

    thread = threading.Thread(target=beat, name="lease-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def retry_while_held(celery_task: Any, until: datetime | None, max_retries: int) -> None:
    """A message redelivered after its worker died (killed, out of memory) finds the work still leased to
    it: retry just after the lease runs out (`until`), rather than leaving the work to the reaper."""
    if until is not None and celery_task.request.retries < max_retries:
        countdown = max(1.0, (until - timezone.now()).total_seconds() + 1)
        raise celery_task.retry(countdown=countdown)
