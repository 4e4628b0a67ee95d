"""The S3-compatible store (STORAGE_URL=s3://…): django-storages' S3Storage, each read and size one request.

Files here are a few megabytes and read whole (Pillow, the PDF writer, a download), so S3Storage's general
path costs more than the transfer: it HEADs an object before it GETs it, builds a boto3 resource object per
name (~5 ms of Python each), runs every transfer through a pool of threads, and spools what it reads to a
temporary file on disk. Here a read is one GET into memory (spilling to disk above SPOOL_BYTES), a size one
HEAD, both on the thread's own client, and transfers run in the calling thread. Writes are S3Storage's.
Imported only where STORAGES names it, so a process on local disk never loads boto3.
"""

from __future__ import annotations

import tempfile
from typing import Any

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from django.core.files.base import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

SPOOL_BYTES = 16 * 1024 * 1024  # a file read larger than this spills to a temporary file
CHUNK_BYTES = 1024 * 1024


class ObjectStorage(S3Storage):
    def __init__(self, **settings: Any) -> None:
        settings.setdefault("transfer_config", TransferConfig(use_threads=False))
        super().__init__(**settings)

    def _key(self, name: str) -> str:
        key: str = self._normalize_name(clean_name(name))
        return key

    def _open(self, name: str, mode: str = "rb") -> File[bytes]:
        if "w" in mode or "a" in mode or "+" in mode:
            return super()._open(name, mode)  # type: ignore[no-any-return]
        answer = self._request("get_object", name)
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the File owns it)
        for chunk in answer["Body"].iter_chunks(CHUNK_BYTES):
            spool.write(chunk)
        spool.seek(0)
        return File(spool, name=name)

    def size(self, name: str) -> int:
        return int(self._request("head_object", name)["ContentLength"])

    def _request(self, operation: str, name: str) -> dict[str, Any]:
        """One request about the object `name`; FileNotFoundError where the store has none."""
        try:
            answer: dict[str, Any] = getattr(self.connection.meta.client, operation)(
                Bucket=self.bucket_name, Key=self._key(name)
            )
        except ClientError as err:
            if err.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(f"{name} is not in the store") from None
            raise
        return answer
