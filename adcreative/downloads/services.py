"""Download's rules: which task a query may fetch, the file that answers it, and the credit it costs.

A finished task's files never change and its first download is charged once, so once a download is
paid for, the web process remembers what answers that query (`_paid`) and serves later requests for
it without asking the database again; a remembered file found missing sends the request the long way.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef

from adcreative.api import areas
from adcreative.api.exceptions import NotFound, PaymentRequired, ServiceError
from adcreative.creatives.models import Task, TaskFormat
from adcreative.downloads import renditions
from adcreative.memo import Memo
from adcreative.tenancy import credits
from adcreative.tenancy.models import Application
from workers.render import formats

log = logging.getLogger(__name__)

ENGINE_KEY, BUSINESS_KEY = areas.engine(areas.DOWNLOAD), areas.business(areas.DOWNLOAD)
NOT_FOUND = {
    ENGINE_KEY: ["Image content not found."],
    BUSINESS_KEY: ["Not found error occurred while getting image content stream"],
}


# How long a process serves a paid download from memory before it looks at the database again (a task
# deleted meanwhile stops being served within this time even if its file were left behind).
PAID_SECONDS = 300.0


@dataclass(frozen=True)
class Query:
    task_id: uuid.UUID
    process_id: uuid.UUID
    low_resolution: bool
    format: int
    output_format: str = ""  # outputFormat (an extension): one of the task's output formats; "": its first


@dataclass(frozen=True)
class Download:
    task: Task
    served: renditions.Served
    paid: bool  # its first download was charged already: later ones are free
    query: Query
    remembered: bool = False  # answered from `_paid`, not from the database
    shot: TaskFormat | None = None  # the output format served, where not the task's first

    @property
    def filename(self) -> str:
        """`<taskId>.<ext>`, as the contract names it; `<taskId>-<outputFormat>.<ext>` for a later format."""
        of = f"-{self.shot.output_format}" if self.shot else ""
        return f"{self.task.id}{of}.{self.served.format.extension}"


_paid: Memo[Download] = Memo(max_entries=2048)


def find(application: Application, query: Query) -> Download:
    """The application's Completed task and the file for (lowResolution, format), converted if need be."""
    known = _paid.get((application.id, query))
    if known is not None:
        return known
    return _find(application, query)


def _find(application: Application, query: Query) -> Download:
    task = _completed_task(application, query.task_id, query.process_id)
    shot = _format_of(task, query.output_format)  # a format it was not rendered in is not found, as the task
    paid = bool(getattr(task, "paid", False))
    if not paid:  # a download the credits cannot pay for converts nothing
        charge_task(application, task.id, check_only=True)
    try:
        served = renditions.served_file(task, query.low_resolution, renditions.Format(query.format), shot)
    except renditions.MissingFile:
        log.exception("a completed task has no file to download")
        raise NotFound(errors=NOT_FOUND) from None
    download = Download(task, served, paid, query, shot=shot)
    if paid:
        _remember(application, download)
    return download


def _format_of(task: Task, output_format: str) -> TaskFormat | None:
    """The task's files in `output_format` (a name, or the same size as "<W>x<H>"): None for its first
    format (the task's own files), else its TaskFormat row; the contract's 404 for a format the task was
    not rendered in."""
    if not output_format:
        return None
    try:
        wanted = formats.output_format(output_format).name  # "Square" and "1080x1080" are "square"
    except ValueError:
        raise NotFound(errors=NOT_FOUND) from None
    rendered = [fmt.name for fmt in task.process.formats]
    if wanted == rendered[0]:
        return None
    shot = task.more_formats.filter(output_format=wanted).first() if wanted in rendered else None
    if shot is None:
        raise NotFound(errors=NOT_FOUND)
    return shot


def _remember(application: Application, download: Download) -> None:
    paid = Download(download.task, download.served, True, download.query, remembered=True, shot=download.shot)
    _paid.put((application.id, download.query), paid, PAID_SECONDS)


def _completed_task(application: Application, task_id: uuid.UUID, process_id: uuid.UUID) -> Task:
    """The task, annotated with `paid` (its first download was charged), or the contract's 404."""
    task = (
        Task.objects.select_related("process")
        .annotate(paid=Exists(credits.settled().filter(task_id=OuterRef("id"))))
        .filter(id=task_id, process_id=process_id, process__application=application)
        .filter(render_state=Task.State.COMPLETED)
        .first()
    )
    if task is None:
        raise NotFound(errors=NOT_FOUND)
    return task


def open_file(application: Application, download: Download) -> tuple[Download, IO[bytes]]:
    """The download's file, opened; one remembered but gone from storage (a lost rendition converted
    again, a deleted task) is looked up afresh."""
    try:
        return download, download.served.open()
    except FileNotFoundError:
        if download.remembered:
            _paid.forget((application.id, download.query))
            return open_file(application, _find(application, download.query))
        log.exception("a download's file vanished")  # removed from storage since it was found
        raise NotFound(errors=NOT_FOUND) from None


def open_and_charge(
    application: Application, download: Download, send: bool
) -> tuple[Download, IO[bytes] | None]:
    """The download as served and its opened file (None for HEAD), charged for if this is the task's
    first download; nothing is left open when the charge is refused."""
    download, handle = open_file(application, download) if send else (require_stored(download), None)
    try:
        charged = charge(application, download, check_only=not send)
    except BaseException:
        if handle is not None:
            handle.close()
        raise
    if charged:
        _remember(application, download)
    served = download.served
    log.info(
        "download of task %s as %s (%d bytes, charged: %s)",
        download.task.id,
        served.format.name,
        served.size,
        charged,
    )
    return download, handle


def require_stored(download: Download) -> Download:
    """The contract's 404 unless the download's file is in storage: for the answers that read no bytes (HEAD,
    a presigned link), since the size is recorded and nothing else would find it missing."""
    if not default_storage.exists(download.served.name):
        log.error("a download's file is not in storage: %s", download.served.name)
        raise NotFound(errors=NOT_FOUND)
    return download


def charge_and_link(application: Application, download: Download) -> str:
    """DOWNLOAD_REDIRECT=presigned: charge the task's first download as a streamed one is, then a link to
    the one object that expires in DOWNLOAD_LINK_SECONDS (the store serves the bytes)."""
    require_stored(download)  # never a charge for a link to nothing
    if charge(application, download, check_only=False):
        _remember(application, download)
    served = download.served
    log.info("download of task %s as %s: a link to the store", download.task.id, served.format.name)
    filename = download.filename
    parameters = {
        "ResponseContentDisposition": f'attachment; filename="{filename}"',
        "ResponseContentType": served.format.content_type,
    }
    store: Any = default_storage  # django-storages' S3Storage: url() signs with parameters and an expiry
    return str(store.url(served.name, parameters=parameters, expire=settings.DOWNLOAD_LINK_SECONDS))


def charge(application: Application, download: Download, *, check_only: bool) -> bool:
    """Charge the task's first download (True when this call charged); `check_only` (HEAD) writes nothing
    but refuses what a download would be refused."""
    if download.paid:
        return False
    return charge_task(application, download.task.id, check_only=check_only)


def charge_task(application: Application, task_id: uuid.UUID, *, check_only: bool) -> bool:
    """The credit service's charge, its refusals in the contract's words (402 no credits, 400 no record)."""
    try:
        return credits.charge_download(application, task_id, check_only=check_only)
    except credits.ChargeRefused as refusal:
        errors = {
            ENGINE_KEY: [
                f"Error decreasing Api Key Credits for Application {application.id}. "
                f"ErrorMessage: {refusal.message}"
            ],
            BUSINESS_KEY: ["Bad request error occurred while getting image content stream"],
        }
        if isinstance(refusal, credits.InsufficientCredits):
            raise PaymentRequired(errors=errors) from None
        raise ServiceError(errors=errors) from None
