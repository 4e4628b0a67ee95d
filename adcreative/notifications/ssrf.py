"""The SSRF guard: a webhook goes to a public http(s) address, checked at creation and at every send.

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


def _plain(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public(address: IPAddress) -> bool:
    address = _plain(address)
    return address.is_global and not address.is_multicast


def is_never_allowed(address: IPAddress) -> bool:
    """Refused even where private receivers are allowed: link-local (cloud metadata), multicast, unspecified."""
    address = _plain(address)
    return address.is_link_local or address.is_multicast or address.is_unspecified


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


def check(url: str) -> tuple[SplitResult, list[IPAddress]]:
    """The parsed URL and the addresses to connect to; UnsafeUrl if any of them may not be used."""
    parts = parse(url)
    host = parts.hostname or ""
    addresses = resolve(host, port_of(parts))
    if settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES:
        refused = [str(a) for a in addresses if is_never_allowed(a)]
        why = "a link-local, multicast or unspecified address"
    else:
        refused = [str(a) for a in addresses if not is_public(a)]
        why = "a loopback, private, link-local or reserved address"
    if refused:
        raise UnsafeUrl(
            f"The url's host '{host}' is {why} ({', '.join(refused)}); webhooks go to public addresses only."
        )
    return parts, addresses
