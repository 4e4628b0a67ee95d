"""Typed readers for settings from the environment.

Every setting of the service is read through these helpers so that a malformed value stops start-up
with a message naming the variable, instead of surfacing later as a confusing runtime error.
A secret `X` may instead be given as `X_FILE`, a path whose contents are the value (Docker secrets).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_secret(name: str, default: str) -> str:
    """Read `name`, or the file named by `name_FILE`; both set is a configuration error."""
    path = _raw(f"{name}_FILE")
    value = _raw(name)
    if path and value:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from exc
    return default if value is None else value


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false).")


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choices(name: str, default: list[str], choices: tuple[str, ...]) -> list[str]:
    """A comma-separated list of one or more of `choices`."""
    values = env_list(name, default)
    unknown = [value for value in values if value not in choices]
    if unknown or not values:
        raise ImproperlyConfigured(f"{name}={_raw(name)!r} must list one or more of: {', '.join(choices)}.")
    return values


def env_seconds(name: str, default: int) -> timedelta:
    return timedelta(seconds=env_int(name, default, minimum=1))


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


def parse_database_url(name: str, url: str) -> dict[str, object]:
    """Turn `postgres://user:pass@host:port/db?opt=v` or `sqlite:///path` into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db is relative; sqlite:////abs/path.db is absolute
        path = unquote(parts.path[1:]) if parts.path.startswith("/") else unquote(parts.path)
        if not path:
            raise ImproperlyConfigured(f"{name}={url!r} names no SQLite file.")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ImproperlyConfigured(f"{name}={url!r} names no database.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={url!r} has a malformed port.") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
        }
    raise ImproperlyConfigured(f"{name}={url!r}: only postgres:// and sqlite:// URLs are supported.")


@dataclass(frozen=True)
class ObjectStore:
    """Where an S3-compatible store keeps the files, and how to reach it (STORAGE_* settings)."""

    endpoint_url: str  # empty: AWS S3
    region: str
    access_key: str  # empty (with secret_key): boto3's own chain (AWS_* variables, an instance role)
    secret_key: str
    addressing_style: str  # path (MinIO, Ceph) or virtual
    link_seconds: int  # how long a presigned download link lives


def parse_storage_url(name: str, url: str, store: ObjectStore) -> dict[str, object]:
    """A STORAGES["default"] entry: `s3://bucket[/prefix]` on `store`; empty or `file://`: local disk."""
    parts = urlsplit(url)
    if not url or parts.scheme == "file":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured(
            f"{name}={url!r}: use s3://bucket[/prefix] or leave it empty (local disk)."
        )
    if bool(store.access_key) != bool(store.secret_key):
        raise ImproperlyConfigured(
            "Set both STORAGE_ACCESS_KEY_ID and STORAGE_SECRET_ACCESS_KEY, or neither."
        )
    return {
        "BACKEND": "adcreative.objectstore.ObjectStorage",
        "OPTIONS": _s3_options(parts.netloc, parts.path, store),
    }


def _s3_options(bucket: str, prefix: str, store: ObjectStore) -> dict[str, object]:
    """django-storages' S3Storage options (ObjectStorage is one) for the bucket, under the prefix."""
    return {
        "bucket_name": bucket,
        "location": unquote(prefix.strip("/")),
        "endpoint_url": store.endpoint_url or None,
        "region_name": store.region or None,
        "access_key": store.access_key or None,
        "secret_key": store.secret_key or None,
        "addressing_style": store.addressing_style,
        "signature_version": "s3v4",
        "file_overwrite": False,  # a name is never reused: a second write of one gets a name of its own
        "default_acl": None,  # private objects: served through the web or by a presigned link
        "querystring_auth": True,
        "querystring_expire": store.link_seconds,
    }
