"""Download's rules: which task a query may fetch, the file that answers it, and the credit it costs."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import IO

from django.db.models import Exists, OuterRef

from adcreative.api import areas
from adcreative.api.exceptions import NotFound, PaymentRequired, ServiceError
from adcreative.creatives.models import Task
from adcreative.downloads import renditions
from adcreative.tenancy import credits
from adcreative.tenancy.models import Application, CreditEntry

log = logging.getLogger(__name__)

ENGINE_KEY, BUSINESS_KEY = areas.engine(areas.DOWNLOAD), areas.business(areas.DOWNLOAD)
NOT_FOUND = {
    ENGINE_KEY: ["Image content not found."],
    BUSINESS_KEY: ["Not found error occurred while getting image content stream"],
}


@dataclass(frozen=True)
class Download:
    task: Task
    served: renditions.Served
    paid: bool  # its first download was charged already: later ones are free


def find(
    application: Application, task_id: uuid.UUID, process_id: uuid.UUID, low_resolution: bool, fmt: int
) -> Download:
    """The application's Completed task and the file for (lowResolution, format), converted if need be."""
    task = _completed_task(application, task_id, process_id)
    paid = bool(getattr(task, "paid", False))
    if not paid:  # a download the credits cannot pay for converts nothing
        charge_task(application, task.id, check_only=True)
    try:
        served = renditions.served_file(task, low_resolution, renditions.Format(fmt))
    except renditions.MissingFile:
        log.exception("a completed task has no file to download")
        raise NotFound(errors=NOT_FOUND) from None
    return Download(task, served, paid)


def _completed_task(application: Application, task_id: uuid.UUID, process_id: uuid.UUID) -> Task:
    """The task, annotated with `paid` (its first download was charged), or the contract's 404."""
    task = (
        Task.objects.select_related("process")
        .annotate(paid=Exists(CreditEntry.objects.filter(task_id=OuterRef("id"), change__lt=0)))
        .filter(id=task_id, process_id=process_id, process__application=application)
        .filter(render_state=Task.State.COMPLETED)
        .first()
    )
    if task is None:
        raise NotFound(errors=NOT_FOUND)
    return task


def open_file(download: Download) -> IO[bytes]:
    try:
        return download.served.open()
    except FileNotFoundError:  # removed from storage since it was found
        log.exception("a download's file vanished")
        raise NotFound(errors=NOT_FOUND) from None


def open_and_charge(application: Application, download: Download, send: bool) -> IO[bytes] | None:
    """The opened file (None for HEAD), charged for if this is the task's first download; nothing is
    left open when the charge is refused."""
    handle = open_file(download) if send else None
    try:
        charged = charge(application, download, check_only=not send)
    except BaseException:
        if handle is not None:
            handle.close()
        raise
    served = download.served
    log.info(
        "download of task %s as %s (%d bytes, charged: %s)",
        download.task.id,
        served.format.name,
        served.size,
        charged,
    )
    return handle


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
