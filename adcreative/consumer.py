"""The worker's consumer: what a Celery worker of this service does when its broker connection comes and
goes. The workers load it through CELERY_WORKER_CONSUMER; the web never imports it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import bootsteps
from celery.worker.consumer import Consumer as CeleryConsumer

from adcreative.celery import app

log = logging.getLogger(__name__)


class ReapOnConnect(bootsteps.StartStopStep):
    """Each time a worker's consumer (re)connects to the broker, it asks for a reaper run at once: after a
    broker restart that lost its queue, work whose message is gone is sent again now, not at beat's next
    tick. The reaper finds lost messages by looking for them (adcreative.broker), so a run that finds
    nothing missing sends nothing."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, parent: Any) -> None:
        try:
            app.send_task("ops.reap_stuck_work")
        except Exception:  # the broker went away again: beat's next tick, or the next reconnect, does it
            log.warning("could not ask for a reaper run after connecting to the broker", exc_info=True)


app.steps["consumer"].add(ReapOnConnect)


class Consumer(CeleryConsumer):
    """Celery's consumer, made to survive a broker restart (CELERY_WORKER_CONSUMER names it).

    When the connection drops, Celery collects it and then closes it once more. The second close makes
    kombu's Redis channel put its unacknowledged messages back (a retry waiting for its countdown, say)
    through a transport that the collection already emptied: an AttributeError ("'NoneType' object has
    no attribute 'hostname'") that no handler expects, and the worker stopped with "Unrecoverable error".
    That close is now logged and passed over. The messages stay in Redis's unacked hash, where the
    visibility timeout restores them; those the broker itself lost are found by the reaper.
    """

    def on_connection_error_after_connected(self, exc: Exception) -> None:
        if self.connection is not None:
            self.connection.close = _closing_what_is_left(self.connection.close)  # type: ignore[method-assign]
        super().on_connection_error_after_connected(exc)


def _closing_what_is_left(close: Callable[[], object]) -> Callable[[], None]:
    def close_what_is_left() -> None:
        try:
            close()
        except AttributeError:
            log.warning("closing the lost broker connection found it already taken apart", exc_info=True)

    return close_what_is_left
