"""What Download serves: a task's stored creative, or a conversion of it made once and kept.

The worker stores two files per task: the full-size PNG and a JPEG thumbnail. The four other
combinations of resolution and format (API.md, the Download table) are Renditions, converted on the
first request and served from storage afterwards. A conversion is written to a temporary file,
then to storage, then recorded; of two concurrent conversions the second removes its own file and
serves the first one's.
"""

from __future__ import annotations

import io
import logging
import tempfile
import time
import uuid
from dataclasses import dataclass
from enum import IntEnum
from functools import cache, cached_property
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from PIL import Image

from adcreative import telemetry
from adcreative.creatives.models import Task, TaskFormat
from adcreative.downloads.models import Rendition

log = logging.getLogger(__name__)

JPEG_QUALITY = 92
PNG_COMPRESS_LEVEL = 6
PDF_VERSION = (1, 6)
PDF_CREATOR = "Product Photoshoot API"
SPOOL_BYTES = 8 * 1024 * 1024  # conversions larger than this spill to a temporary file on disk


@cache
def srgb() -> Any:
    """The sRGB profile (made on first use: colour management and reportlab stay out of web start-up)."""
    from PIL import ImageCms  # first use, not web start-up

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@cache
def srgb_icc() -> bytes:
    icc: bytes = srgb().tobytes()
    return icc


class Format(IntEnum):
    PNG = 0
    JPEG = 1
    PDF = 2

    @property
    def content_type(self) -> str:
        return {Format.PNG: "image/png", Format.JPEG: "image/jpeg", Format.PDF: "application/pdf"}[self]

    @property
    def extension(self) -> str:
        return {Format.PNG: "png", Format.JPEG: "jpg", Format.PDF: "pdf"}[self]


class MissingFile(Exception):
    """The task is Completed but its stored file is gone from storage."""


@dataclass(frozen=True)
class Served:
    name: str  # the storage name
    size: int
    format: Format
    etag: str

    def open(self) -> IO[bytes]:
        if self.local_path is not None:  # opened directly: the storage API costs more than a small read
            return open(self.local_path, "rb")
        handle: IO[bytes] = default_storage.open(self.name, "rb")
        return handle

    @cached_property
    def local_path(self) -> str | None:
        """Where the file lies on this machine's disk; None in a storage without local paths."""
        try:
            path: str = default_storage.path(self.name)
        except NotImplementedError:
            return None
        return path


def served_file(task: Task, low_resolution: bool, fmt: Format, shot: TaskFormat | None = None) -> Served:
    """The file answering (lowResolution, format) for a Completed task, converting it the first time: of its
    first output format, or of `shot`, one of its others."""
    files: Task | TaskFormat = shot or task
    source = files.thumbnail if low_resolution else files.result
    recorded = files.thumbnail_size if low_resolution else files.result_size
    stored = Format.JPEG if low_resolution else Format.PNG
    variant = f"{'thumbnail' if low_resolution else 'full'}.{fmt.extension}"
    of = shot.output_format if shot else ""
    try:  # no look before: the read (to convert or to send) is the request that finds a file missing
        if not source.name:
            raise FileNotFoundError("no file recorded")
        if fmt == stored:
            name, size = source.name, recorded if recorded is not None else source.size
        else:
            rendition = _rendition(task, of, Rendition.Variant(variant), source, fmt)
            name, size = rendition.file.name or "", rendition.size
    except FileNotFoundError:
        raise MissingFile(f"task {task.id}: {source.name or 'no file'} is not in storage") from None
    # Files never change once written: the task, the format, the variant and the size name the bytes.
    return Served(name=name, size=size, format=fmt, etag=f'"{task.id.hex}-{of}{variant}-{size}"')


def _rendition(task: Task, of: str, variant: Rendition.Variant, source: FieldFile, fmt: Format) -> Rendition:
    kept = Rendition.objects.filter(task=task, output_format=of, variant=variant)
    existing = kept.first()
    if existing is not None:
        if existing.file.storage.exists(existing.file.name or ""):
            return existing
        log.warning("rendition %s of task %s was lost from storage; converting again", variant, task.id)
        existing.delete()  # its name is discarded, to be purged: the new file must not take it again
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
        started = time.perf_counter()
        with source.open("rb") as handle:
            convert(handle, out, fmt, title=pdf_title(task), subject=task.prompt_text)
        telemetry.stage("download_conversion", time.perf_counter() - started)
        size = out.tell()
        out.seek(0)
        rendition = Rendition(task=task, output_format=of, variant=variant, size=size)
        name = f"{of}-{variant.value}" if of else variant.value
        rendition.file.save(
            name if existing is None else f"{uuid.uuid4().hex[:8]}-{name}", File(out), save=False
        )
    try:
        with transaction.atomic():
            rendition.save()
    except IntegrityError:  # a concurrent request converted the same variant first: serve that one
        rendition.file.storage.delete(rendition.file.name or "")
        return kept.get()
    log.info("made %s%s of task %s (%d bytes)", variant, f" ({of})" if of else "", task.id, size)
    return rendition


def pdf_title(task: Task) -> str:
    product = task.process.product_name.strip() or "Product"
    return f"{product} creative {task.id}"


def convert(source: IO[bytes], out: IO[bytes], fmt: Format, title: str = "", subject: str = "") -> None:
    """Write `source` (a stored PNG or JPEG) to `out` in `fmt`, pixel for pixel."""
    if fmt == Format.PDF:
        write_pdf(source, out, title, subject)
        return
    with Image.open(source) as image:
        if fmt == Format.JPEG:
            write_jpeg(image, out)
        else:
            write_png(image, out)


def to_srgb(image: Image.Image) -> Image.Image:
    """RGB pixels in sRGB: colour-managed from an embedded profile, transparency flattened onto white."""
    icc = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode != "RGB":
        image = image.convert("RGB")
    if icc and icc != srgb_icc():
        from PIL import ImageCms  # first use, not web start-up

        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(image, source_profile, srgb(), outputMode="RGB")
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError):
            log.warning("ignoring an unreadable ICC profile")
    return image


def write_jpeg(image: Image.Image, out: IO[bytes]) -> None:
    to_srgb(image).save(
        out, "JPEG", quality=JPEG_QUALITY, progressive=True, subsampling="4:4:4", icc_profile=srgb_icc()
    )


def write_png(image: Image.Image, out: IO[bytes]) -> None:
    to_srgb(image).save(out, "PNG", compress_level=PNG_COMPRESS_LEVEL, icc_profile=srgb_icc())


def write_pdf(source: IO[bytes], out: IO[bytes], title: str, subject: str = "") -> None:
    """One page the size of the image (1 px = 1 pt), the image drawn once at its own size.

    A JPEG goes in as it is (DCTDecode, no re-encoding); other images as lossless Flate RGB.
    """
    # reportlab loads on the first PDF, not at web start-up.
    from reportlab import rl_config
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    # Image streams as binary Flate/DCT data; ASCII85 (reportlab's default) makes every PDF a quarter larger.
    rl_config.useA85 = 0
    data = source.read()
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        reader = ImageReader(io.BytesIO(data)) if image.format == "JPEG" else ImageReader(to_srgb(image))
        canvas = Canvas(out, pagesize=(width, height), pdfVersion=PDF_VERSION, pageCompression=1)
        canvas.setTitle(title)
        canvas.setSubject(subject)
        canvas.setAuthor(PDF_CREATOR)
        canvas.setCreator(PDF_CREATOR)
        canvas.setProducer(PDF_CREATOR)
        canvas.drawImage(reader, 0, 0, width=width, height=height)
        canvas.showPage()
        canvas.save()
