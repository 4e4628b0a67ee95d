"""What CheckUserProgress and CheckApplicationAllProgresses show, answered from memory while nothing changed.

Clients poll progress many times a second across all their processes; most polls see what the last one saw.
Every change the progress endpoints show (a task moves, a process is made or deleted) ticks the
application's clock, and a poll reads the tick first: a web process answers from memory while the tick is
the one its answer was made at, else it reads the processes and keeps the new answer under that tick.
The tick is read before the processes, so an answer is never older than the tick it is kept under.

Two clocks, chosen by the database:
- PostgreSQL (any number of machines): `ProgressClock` rows, ticked in the transaction of each change;
  a poll reads its row (one small query instead of the processes and their tasks).
- SQLite (the embedded default: one machine, as a SQLite file cannot be shared between machines): a small
  file of counters beside the database, mapped into every process's memory and ticked once each change has
  committed; a poll reads eight bytes of memory.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
import uuid
from collections.abc import Callable, Hashable, Iterable
from functools import cache
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import F

from adcreative.creatives.models import Process, ProgressClock
from adcreative.memo import Memo

Answer = TypeVar("Answer")

# How long an answer is kept at most (its tick decides whether it is still right; this bounds memory, and
# the staleness left by a process killed between a change's commit and its tick on SQLite).
KEPT_SECONDS = 60.0
_answers: Memo[tuple[int, Any]] = Memo(max_entries=2048)


class DatabaseClock:
    # The hot read in plain SQL: the ORM's query compilation would cost more than the query (the table
    # name is the model's own, not input).
    READ = f"SELECT tick FROM {ProgressClock._meta.db_table} WHERE application_id = %s"  # noqa: S608

    def read(self, application_id: uuid.UUID) -> int:
        """The application's tick; its clock starts on the first poll (a change before that is in what the
        poll reads next)."""
        key = ProgressClock._meta.pk.get_db_prep_value(application_id, connection)
        with connection.cursor() as cursor:
            cursor.execute(self.READ, [key])
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        clock, _ = ProgressClock.objects.get_or_create(application_id=application_id)
        return clock.tick

    def tick(self, application_ids: Iterable[uuid.UUID]) -> None:
        """Inside the change's transaction: `application_ids`, a list, or a query run here as a subquery."""
        ProgressClock.objects.filter(application_id__in=application_ids).update(tick=F("tick") + 1)


class SharedMemoryClock:
    """Counters in a file mapped by every process of the machine; an application ticks slot
    `id mod SLOTS` (applications sharing a slot tick each other's: an answer made again, never a stale
    one). Ticks are taken under a lock, so two processes ticking at once never count as one."""

    SLOTS = 4096
    _SLOT = struct.Struct("<Q")

    def __init__(self, path: str) -> None:
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        size = self.SLOTS * self._SLOT.size
        if os.fstat(self._fd).st_size < size:
            os.ftruncate(self._fd, size)  # zeros; a concurrent first start truncates to the same size
        self._memory = mmap.mmap(self._fd, size)
        self._lock = threading.Lock()  # flock does not exclude the threads of one process

    def _offset(self, application_id: uuid.UUID) -> int:
        return (application_id.int % self.SLOTS) * self._SLOT.size

    def read(self, application_id: uuid.UUID) -> int:
        value: int = self._SLOT.unpack_from(self._memory, self._offset(application_id))[0]
        return value

    def tick(self, application_ids: Iterable[uuid.UUID]) -> None:
        """Once the change has committed (the caller's transaction, if any, ends first); a query of ids is
        read now, inside it."""
        ids = list(application_ids)
        transaction.on_commit(lambda: self._tick_now(ids))

    def _tick_now(self, application_ids: list[uuid.UUID]) -> None:
        with self._lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                for offset in {self._offset(i) for i in application_ids}:
                    value = self._SLOT.unpack_from(self._memory, offset)[0]
                    self._SLOT.pack_into(self._memory, offset, (value + 1) % 2**64)
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)


@cache
def clock() -> DatabaseClock | SharedMemoryClock:
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():  # type: ignore[attr-defined]
        return SharedMemoryClock(f"{connection.settings_dict['NAME']}-progress")
    return DatabaseClock()


def tick(task_ids: Iterable[uuid.UUID | str]) -> None:
    """Tick the clocks of the applications these tasks belong to (call inside the transaction of their
    change)."""
    clock().tick(
        Process.objects.filter(tasks__id__in=list(task_ids)).values_list("application_id", flat=True)
    )


def on_process_deleted(sender: object, instance: Process, **kwargs: Any) -> None:
    """post_delete of a Process (connected in CreativesConfig.ready)."""
    clock().tick([instance.application_id])


def answer(application_id: uuid.UUID, query: Hashable, make: Callable[[], Answer]) -> Answer:
    """`make()`'s answer to `query` for the application, or the one made at the current tick."""
    now = clock().read(application_id)
    key = (application_id, query)
    known = _answers.get(key)
    if known is not None and known[0] == now:
        kept: Answer = known[1]
        return kept
    made = make()
    _answers.put(key, (now, made), KEPT_SECONDS)
    return made
