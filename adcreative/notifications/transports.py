"""How a message reaches a receiver: a signed webhook POST, or a RabbitMQ publish, to the checked address.

Each function makes one attempt within NOTIFICATION_TIMEOUT_SECONDS and raises on any failure; the
per-channel queue in `adcreative.notifications.delivery` decides what happens next.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import socket
import ssl
import threading
from typing import Any

from amqp.exceptions import NotFound
from django.conf import settings
from kombu import Connection, Queue

from adcreative.notifications import ssrf
from adcreative.notifications.models import NotificationChannel

USER_AGENT = "ProductPhotoshootAPI-Webhook/1.0"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address the SSRF guard checked, never to a second DNS answer."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = raw  # visible to the watchdog during the TLS handshake too
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


class Watchdog:
    """Shuts a connection's socket when the deadline passes, whatever the connection is doing then."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float) -> None:
        self.connection = connection
        self.expired = threading.Event()
        self.timer = threading.Timer(seconds, self.cut)

    def cut(self) -> None:
        self.expired.set()
        sock = self.connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                # The plain socket's shutdown: an SSLSocket's would first drop TLS under a writer.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def check(self) -> None:
        if self.expired.is_set():
            raise TimeoutError("the deadline passed")

    def __enter__(self) -> Watchdog:
        self.timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        self.timer.cancel()
        self.timer.join()  # before close(): the watchdog must not shut a reused descriptor
        self.connection.close()
        if isinstance(error, (OSError, http.client.HTTPException)) and not isinstance(error, TimeoutError):
            self.check()  # a socket error caused by the cut is the deadline's


def post_webhook(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST to a checked address; the status code. Raises on refusal, connection errors and timeouts.

    The whole attempt has NOTIFICATION_TIMEOUT_SECONDS: a watchdog shuts the socket at the deadline,
    so a receiver that answers a byte at a time is cut off too, not only one that never answers.
    """
    timeout = settings.NOTIFICATION_TIMEOUT_SECONDS
    parts, addresses = ssrf.check(url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = connection_class(parts.hostname or "", ssrf.port_of(parts), str(addresses[0]), timeout)
    with Watchdog(connection, timeout) as watchdog:
        connection.connect()
        watchdog.check()  # the deadline passed while connecting, before there was a socket to cut
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # the answer's body is read (and dropped) within the deadline too
        watchdog.check()
        return response.status


def publish_rabbitmq(
    channel: NotificationChannel, body: bytes, headers: dict[str, str], message_id: str
) -> None:
    """Publish persistent to the named queue through the default exchange, with publisher confirms.

    The connection goes to the address the SSRF guard checked (TLS still verifies the broker's name),
    and every socket operation has NOTIFICATION_TIMEOUT_SECONDS. A queue the receiver declared itself
    (quorum, a length limit…) is used as it is; a missing one is declared durable.
    """
    timeout = settings.NOTIFICATION_TIMEOUT_SECONDS
    with amqp_connection(channel.connection_string, timeout) as connection:
        connection.ensure_connection(max_retries=1, timeout=max(1, round(timeout)))
        amqp_channel = declared_queue(connection, channel.queue_name)
        connection.Producer(amqp_channel, serializer=None).publish(
            body,
            routing_key=channel.queue_name,
            delivery_mode=2,
            content_type="application/json",
            content_encoding="utf-8",
            headers=headers,
            message_id=message_id,
            retry=False,
            timeout=timeout,
        )


def amqp_connection(connection_string: str, timeout: float) -> Connection:
    """A connection (not yet open) to the address the SSRF guard checks now: DNS may have changed since
    the channel was created. TLS still verifies the broker's own name."""
    pinned, host = ssrf.pinned_amqp(connection_string)
    options = {"confirm_publish": True, "read_timeout": timeout, "write_timeout": timeout}
    tls: Any = (
        {"server_hostname": host, "cert_reqs": ssl.CERT_REQUIRED} if pinned.startswith("amqps") else False
    )
    return Connection(pinned, connect_timeout=timeout, transport_options=options, ssl=tls)


def declared_queue(connection: Any, name: str) -> Any:
    """An AMQP channel on which the queue exists: the receiver's own declaration, or a durable one."""
    amqp_channel = connection.channel()
    queue = Queue(name, routing_key=name, durable=True)
    try:
        queue(amqp_channel).queue_declare(passive=True)
    except NotFound:  # the broker closes the channel after a failed passive declare
        amqp_channel = connection.channel()
        queue(amqp_channel).declare()
    return amqp_channel
