"""What the broker holds: the ids named by the messages waiting in a queue or delivered and not yet
acknowledged, so the reaper can tell a waiting row whose message was lost (a Redis that came back empty)
from one whose message is merely far down a long queue.

On Redis (kombu's transport) a message is, from its send until its acknowledgement, either in its queue's
list (one list per priority step) or in the `unacked` hash: a worker moves it there when it takes it, and
GPU tasks are acknowledged late, after the work. A message with a countdown (a retry) sits in `unacked`
while the worker that took it waits. The lists are read before the hash, so a message on its way from one
to the other is seen in at least one of them (kombu moves it in two steps; the gap between them is a
single round trip, and a row seen as lost in it is re-sent once more, which its conditional claim makes
harmless).

Other transports answer None (nothing known): the filesystem broker of the embedded defaults keeps its
messages on disk, and the reaper's QUEUED_TASK_RESEND_SECONDS covers the rest.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

log = logging.getLogger(__name__)

SCAN_LIMIT = 20_000  # messages read per queue at most; a longer backlog is left to the long re-send wait
CHUNK = 500


def ids_in_messages(queues: Iterable[str], url: str | None = None) -> frozenset[str] | None:
    """Every string argument of the messages the broker (the app's, or `url`) holds for `queues`; None
    where it cannot tell (another transport, a queue longer than SCAN_LIMIT, the broker unreachable)."""
    from adcreative.celery import app

    try:
        with app.connection_for_read(url) as connection:
            if connection.transport.driver_type != "redis":
                return None
            channel: Any = connection.default_channel  # kombu's Redis channel: its client, keys and steps
            return _redis_inventory(channel, channel.client, list(queues))
    except _TooLong as exc:
        log.warning("queue %s holds more than %d messages: lost ones are found by age alone", exc, SCAN_LIMIT)
    except Exception:
        log.warning("could not read the broker's queues", exc_info=True)
    return None


class _TooLong(Exception):
    pass


def _redis_inventory(channel: Any, client: Any, queues: list[str]) -> frozenset[str]:
    found: set[str] = set()
    for queue in queues:
        for name in _lists_of(channel, queue):
            length = client.llen(name)
            if length > SCAN_LIMIT:
                raise _TooLong(queue)
            for start in range(0, length, CHUNK):
                found.update(_arguments(client.lrange(name, start, start + CHUNK - 1)))
    unacked = client.hvals(channel.unacked_key)
    found.update(_arguments(_first_of_each(unacked)))
    return frozenset(found)


def _lists_of(channel: Any, queue: str) -> list[str]:
    """A queue's Redis lists: its own name for priority 0, then one per other priority step."""
    return [queue, *(f"{queue}{channel.sep}{step}" for step in channel.priority_steps if step)]


def _first_of_each(entries: Iterable[bytes]) -> Iterator[dict[str, Any]]:
    """The messages of `unacked`'s entries: each is [message, exchange, routing key]."""
    for entry in entries:
        try:
            yield json.loads(entry)[0]
        except (ValueError, IndexError, TypeError):
            continue


def _arguments(messages: Iterable[bytes | dict[str, Any]]) -> Iterator[str]:
    """The string positional and keyword arguments of Celery (protocol 2) task messages."""
    for raw in messages:
        try:
            message = json.loads(raw) if isinstance(raw, bytes | str) else raw
            body = message["body"]
            if message.get("properties", {}).get("body_encoding") == "base64":
                body = base64.b64decode(body)
            args, kwargs, *_ = json.loads(body)
        except (ValueError, KeyError, TypeError):
            continue
        for value in [*args, *kwargs.values()]:
            if isinstance(value, str):
                yield value
