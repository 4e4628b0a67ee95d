"""Per-process memory of facts that are costly to look up and safe to reuse for a while.

The web's hot paths (every request's API-key check, repeated downloads of a finished creative, clients
polling progress) ask the database the same questions many times a second. A `Memo` keeps the answers in
the process: bounded (least recently used answers go first), thread-safe (gunicorn's gthread workers),
and each answer kept only for its own number of seconds. It is never shared between processes, so what
it holds must either never change (a finished task's files) or be allowed to lag by the seconds given
(an application's credentials; the README says how long).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from time import monotonic
from typing import Generic, TypeVar

Value = TypeVar("Value")

_every: weakref.WeakSet[Memo[object]] = weakref.WeakSet()


class Memo(Generic[Value]):
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, Value]] = OrderedDict()
        self._lock = threading.Lock()
        _every.add(self)  # type: ignore[arg-type]

    def get(self, key: Hashable) -> Value | None:
        """The remembered value, or None when there is none or its time ran out."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, value: Value, seconds: float) -> None:
        """Remember `value` for `seconds` (nothing is kept for 0 or less)."""
        if seconds <= 0:
            return
        with self._lock:
            self._entries[key] = (monotonic() + seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def forget_where(self, stale: Callable[[Hashable, Value], bool]) -> None:
        """Drop every entry `stale(key, value)` is true of."""
        with self._lock:
            for key in [k for k, (_, v) in self._entries.items() if stale(k, v)]:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def clear_all() -> None:
    """Empty every memo of this process (tests, between cases)."""
    for memo in list(_every):
        memo.clear()
