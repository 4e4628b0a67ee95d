"""The SSRF guard: webhooks and RabbitMQ brokers are public addresses, checked at creation and every send.

DNS may change between the two, so a send resolves the name again, checks every address, and connects
to the address it checked (`workers` never resolve twice). Loopback, private, link-local (cloud metadata
at 169.254.169.254 included), shared (CGNAT), multicast, reserved and unspecified addresses are refused,
IPv6 forms and IPv4-mapped IPv6 alike. NOTIFICATION_ALLOW_PRIVATE_ADDRESSES allows loopback and private
addresses for self-hosted setups whose receivers live on a private network; link-local (metadata),
multicast and unspecified addresses stay refused.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeUrl(ValueError):
    """The URL may not receive webhooks; the message says why in words a client understands."""


def parse(url: str) -> SplitResult:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise UnsafeUrl("The url is not a valid URL.") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrl("The url must start with http:// or https://.")
    if not parts.hostname:
        raise UnsafeUrl("The url has no host.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("The url may not contain a user name or password.")
    return parts


def port_of(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Cloud metadata services outside 169.254.0.0/16: AWS over IPv6, Alibaba Cloud.
METADATA = {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}


def _plain(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4, Teredo), else the address itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return address


def is_public(address: IPAddress) -> bool:
    address = _plain(address)
    return address.is_global and not (address.is_multicast or address.is_reserved) and address not in METADATA


def is_never_allowed(address: IPAddress) -> bool:
    """Refused even where private receivers are allowed: link-local and cloud metadata, multicast, unspecified."""
    address = _plain(address)
    return address.is_link_local or address.is_multicast or address.is_unspecified or address in METADATA


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(f"The host '{host}' could not be resolved.") from None
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_addresses(host: str, addresses: list[IPAddress]) -> None:
    if settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES:
        refused = [str(a) for a in addresses if is_never_allowed(a)]
        why = "a link-local, metadata, multicast or unspecified address"
    else:
        refused = [str(a) for a in addresses if not is_public(a)]
        why = "a loopback, private, link-local or reserved address"
    if refused:
        raise UnsafeUrl(
            f"The host '{host}' is {why} ({', '.join(refused)}); only public addresses are allowed."
        )


def check(url: str) -> tuple[SplitResult, list[IPAddress]]:
    """The parsed URL and the addresses to connect to; UnsafeUrl if any of them may not be used."""
    parts = parse(url)
    host = parts.hostname or ""
    addresses = resolve(host, port_of(parts))
    check_addresses(host, addresses)
    return parts, addresses


def check_amqp(connection_string: str) -> tuple[SplitResult, list[IPAddress]]:
    """A RabbitMQ connection string: one amqp(s) broker (no kombu failover list) at an allowed address."""
    text = connection_string.strip()
    if ";" in text or "," in text.split("?")[0]:
        raise UnsafeUrl("The connectionString must name one broker (no failover list).")
    try:
        parts = urlsplit(text)
        port = parts.port or (5671 if parts.scheme == "amqps" else 5672)
    except ValueError:
        raise UnsafeUrl("The connectionString is not a valid URL.") from None
    if parts.scheme not in ("amqp", "amqps"):
        raise UnsafeUrl("The connectionString must be an amqp:// or amqps:// URL.")
    if not parts.hostname:
        raise UnsafeUrl("The connectionString has no host.")
    if "%" in parts.netloc.rpartition("@")[2]:  # kombu would decode it into another host than the one checked
        raise UnsafeUrl("The connectionString's host may not be percent-encoded.")
    addresses = resolve(parts.hostname, port)
    check_addresses(parts.hostname, addresses)
    return parts, addresses


def pinned_amqp(connection_string: str) -> tuple[str, str]:
    """The connection string with its host replaced by the checked address, and the host name (for TLS)."""
    parts, addresses = check_amqp(connection_string)
    address = addresses[0]
    literal = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
    credentials = parts.netloc.rpartition("@")[0]
    port = parts.port or (5671 if parts.scheme == "amqps" else 5672)
    netloc = f"{credentials}@{literal}:{port}" if credentials else f"{literal}:{port}"
    return parts._replace(netloc=netloc).geturl(), parts.hostname or ""
