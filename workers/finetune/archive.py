"""The photos of a zip archive, read in memory (nothing is extracted, so no member name reaches a path).

Used twice: the web checks an upload before it is stored (`photo_members`), and the worker reads the
photos and the `<photo>.txt` notes beside them (`archive_photos`). Standard library only.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


class ArchiveRejected(ValueError):
    """The upload is not an archive of photos this service can train on; the message says why."""


def _visible(info: zipfile.ZipInfo) -> bool:
    """A file a person put there: not a folder, not macOS's __MACOSX shadow or a dot file."""
    parts = PurePosixPath(info.filename).parts
    return not info.is_dir() and "__MACOSX" not in parts and not any(p.startswith(".") for p in parts)


def photo_members(archive: zipfile.ZipFile, max_photos: int, max_bytes: int) -> list[zipfile.ZipInfo]:
    """The photo members in name order; ArchiveRejected when there is none, too many, an encrypted one,
    or one that unpacks larger than `max_bytes`."""
    photos = sorted(
        (info for info in archive.infolist() if _visible(info) and _is_photo(info.filename)),
        key=lambda info: info.filename,
    )
    if not photos:
        raise ArchiveRejected("The archive holds no photo (.jpg, .jpeg, .png or .webp).")
    if len(photos) > max_photos:
        raise ArchiveRejected(f"The archive holds {len(photos)} photos; at most {max_photos} are taken.")
    for info in photos:
        if info.flag_bits & 0x1:
            raise ArchiveRejected(f"{info.filename} is encrypted.")
        if info.file_size > max_bytes:
            raise ArchiveRejected(f"{info.filename} unpacks to more than {max_bytes} bytes.")
    return photos


def _is_photo(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES


def open_archive(data: IO[bytes]) -> zipfile.ZipFile:
    """A zip file from a path or a binary file object; ArchiveRejected when it is not one."""
    try:
        return zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveRejected("The file is not a zip archive.") from exc


def archive_photos(
    archive: zipfile.ZipFile, max_photos: int, max_bytes: int
) -> Iterator[tuple[str, bytes, str]]:
    """(name, bytes, note) for each photo; the note is the text of `<photo stem>.txt` beside it, if any.
    A member that cannot be read comes through as empty bytes, for the dataset to report and skip."""
    names = set(archive.namelist())
    for info in photo_members(archive, max_photos, max_bytes):
        note_name = str(PurePosixPath(info.filename).with_suffix(".txt"))
        note = _read(archive, archive.getinfo(note_name), 64 * 1024) if note_name in names else b""
        yield info.filename, _read(archive, info, max_bytes), note.decode(errors="replace")


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int) -> bytes:
    """A member's bytes; b"" where it cannot be unpacked or unpacks larger than `max_bytes` (its header's
    size can lie)."""
    try:
        with archive.open(info) as member:
            data = member.read(max_bytes + 1)
            return b"" if len(data) > max_bytes else data
    except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError):
        return b""
