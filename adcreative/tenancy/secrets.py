"""Credentials of an application: made here, shown once, stored only as hashes.

The secrets are 256-bit random strings, so a plain SHA-256 cannot be reversed by guessing (unlike a
password), and it keeps per-request `x-api-secret` checks cheap. Comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class Credentials:
    api_key: str
    api_secret: str
    jwt_private_key: str


def new_credentials() -> Credentials:
    return Credentials(
        api_key=secrets.token_hex(16),
        api_secret=secrets.token_hex(32),
        jwt_private_key=secrets.token_urlsafe(48),
    )


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def secret_matches(raw: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(raw), stored_hash)
