"""manage.py check_storage [--create]: prove the file store works before serving (write a probe object,
read it back, delete it); with --create, first make the bucket where it does not exist yet (a fresh MinIO).
The compose files run it before the web starts, so a store it cannot use stops start-up with the reason."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

PROBE = b"photoshoot storage probe"


def create_bucket(store: Any) -> bool:
    """Make the S3 store's bucket if it does not exist; True when this call made it. Local disk: nothing."""
    bucket = getattr(store, "bucket", None)
    if bucket is None:
        return False
    client = store.connection.meta.client
    try:
        client.head_bucket(Bucket=bucket.name)
        return False
    except Exception as exc:  # botocore's ClientError: a missing bucket is answered 404
        if getattr(exc, "response", {}).get("Error", {}).get("Code") not in (
            "404",
            "NoSuchBucket",
            "NotFound",
        ):
            raise
    region = client.meta.region_name
    where = (
        {} if region in (None, "us-east-1") else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    client.create_bucket(Bucket=bucket.name, **where)
    return True


class Command(BaseCommand):
    help = (
        "Write, read back and delete a probe file in the configured store (with --create: make its bucket)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--create", action="store_true", help="make the S3 bucket if it does not exist")

    def handle(self, *args: Any, **options: Any) -> None:
        store: Any = default_storage
        where = (
            f"s3://{store.bucket_name}/{store.location}" if hasattr(store, "bucket_name") else store.location
        )
        try:
            if options["create"] and create_bucket(store):
                self.stdout.write(f"made the bucket {store.bucket_name}")
            name = store.save(f"probes/{uuid.uuid4().hex}.txt", ContentFile(PROBE))
            with store.open(name, "rb") as handle:
                read = handle.read()
            store.delete(name)
        except Exception as exc:
            raise CommandError(f"The file store {where} cannot be used: {type(exc).__name__}: {exc}") from exc
        if read != PROBE:
            raise CommandError(f"The file store {where} gave back other bytes than it was given.")
        self.stdout.write(f"file store ok: {where}")
