"""Decoding and checking product photos: formats, limits, orientation and colour modes.

Two entry points share the checks: `inspect_upload` (the web's fast check: header, limits, a reduced
decode that still reads the whole file) and `open_product_image` (the pipeline's full decode into sRGB
RGB or RGBA, EXIF orientation applied).
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# MPO is what phones write for multi-frame JPEGs; its first frame is the photo.
FORMATS = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MIN_SIDE = 64
ORIENTATION = 0x0112  # the EXIF tag


# The codes of the files this module refuses (a client's mistake, answered 400); the pipeline's other
# refusal, "no_object" (an image without a product), is not about the file.
UNUSABLE_FILE = frozenset(
    {
        "empty_file",
        "not_an_image",
        "unsupported_format",
        "unreadable_image",
        "corrupt_image",
        "too_small",
        "too_many_pixels",
    }
)


class ImageRejected(ValueError):
    """A photo the service cannot use; `code` is stable for clients, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class UploadInfo:
    format: str
    content_type: str
    width: int
    height: int


def _megapixels(pixels: int) -> str:
    """40 000 000 → "40", 100 000 → "0.1", 2 500 000 000 → "2500"."""
    return f"{pixels / 1e6:.1f}".removesuffix(".0")


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """The image's header read and checked: a format we take, within the pixel limits."""
    image = _read_header(data, max_pixels)
    if image.format not in FORMATS:
        raise ImageRejected(
            "unsupported_format",
            f"{image.format} images are not supported. Upload a JPEG, PNG or WebP photo.",
        )
    width, height = image.size
    if width * height > max_pixels:
        raise ImageRejected(
            "too_many_pixels",
            f"The image has {width}x{height} = {width * height / 1e6:.1f} megapixels; "
            f"the limit is {_megapixels(max_pixels)} megapixels.",
        )
    if min(width, height) < MIN_SIDE:
        raise ImageRejected(
            "too_small", f"The image is {width}x{height} pixels; each side must be at least {MIN_SIDE}."
        )
    return image


def _read_header(data: bytes, max_pixels: int) -> Image.Image:
    if not data:
        raise ImageRejected("empty_file", "The uploaded file is empty.")
    try:
        return Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise ImageRejected(
            "not_an_image", "The file is not an image. Upload a JPEG, PNG or WebP photo."
        ) from None
    except Image.DecompressionBombError:
        raise ImageRejected(
            "too_many_pixels",
            f"The image declares far more than the limit of {_megapixels(max_pixels)} megapixels.",
        ) from None
    except (OSError, ValueError) as exc:
        raise ImageRejected("unreadable_image", f"The image cannot be read: {exc}.") from None


def _decode(image: Image.Image) -> None:
    """Decode every byte (a truncated or corrupt file fails here), with Pillow's bomb guard as errors."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as exc:
        raise ImageRejected("corrupt_image", f"The image is truncated or corrupt ({exc}).") from None


def inspect_upload(data: bytes, max_pixels: int) -> UploadInfo:
    """The web's check: what the pipeline would refuse is refused here, at a fraction of the decode cost
    and memory. A JPEG is decoded at 1/8 scale; a PNG's chunks and a WebP's RIFF structure are checked
    whole without decoding pixels (a 40-megapixel decode takes hundreds of MB, and the web takes many
    uploads at once). Damage inside compressed pixel data is the worker's to find (400 all the same)."""
    image = _open(data, max_pixels)
    width, height = image.size
    if orientation(image) in (5, 6, 7, 8):  # shown turned a quarter: as the pipeline sees it
        width, height = height, width
    info = UploadInfo(image.format or "", FORMATS[image.format or ""], width, height)
    if image.format == "PNG":
        _verify(Image.open(io.BytesIO(data)))  # verify() wants an image fresh from open
    elif image.format == "WEBP":
        _check_riff(data)
    else:
        # DCT scaling decodes at 1/8 size but still reads the whole stream, so truncation shows.
        image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
        _decode(image)
    return info


def _verify(image: Image.Image) -> None:
    """Every PNG chunk present up to IEND, each with a correct CRC (Pillow's verify: no pixel decode)."""
    try:
        image.verify()
    except (OSError, SyntaxError, ValueError, struct.error) as exc:
        raise ImageRejected("corrupt_image", f"The image is truncated or corrupt ({exc}).") from None


def _check_riff(data: bytes) -> None:
    """A WebP's RIFF chunks all present and within the file, one of them the image (VP8, VP8L)."""
    end = 8 + int.from_bytes(data[4:8], "little")
    offset, image_chunk = 12, False
    while offset + 8 <= min(end, len(data)):
        fourcc, size = data[offset : offset + 4], int.from_bytes(data[offset + 4 : offset + 8], "little")
        image_chunk = image_chunk or fourcc in (b"VP8 ", b"VP8L", b"ANMF")
        offset += 8 + size + (size & 1)
    if end > len(data) or offset > end or not image_chunk:
        raise ImageRejected(
            "corrupt_image", "The image is truncated or corrupt (its WebP chunks are incomplete)."
        )


def orientation(image: Image.Image) -> int:
    """The EXIF orientation (1 = as stored), from the EXIF read so far: nothing is decoded to find it (a
    PNG's eXIf chunk after its pixels counts once the pixels are loaded). Malformed EXIF is dropped, as if
    the photo had none: the pixels are what a photo is, and broken metadata should not refuse it."""
    raw = image.info.get("exif")
    if not raw:
        return 1
    try:
        exif = Image.Exif()
        exif.load(raw)
        return int(exif.get(ORIENTATION) or 1)
    except Exception:  # SyntaxError "not a TIFF file", struct errors, bad offsets: all the same to us
        image.info.pop("exif", None)
        return 1


def upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says (unchanged where the EXIF is missing or malformed)."""
    if orientation(image) == 1:
        return image
    return ImageOps.exif_transpose(image) or image


def _to_8bit(image: Image.Image) -> Image.Image:
    """16-bit and float greyscale (I;16, I, F) → 8-bit L by scaling, not clipping."""
    array = np.asarray(image, dtype=np.float64)
    top = 65535.0 if image.mode.startswith("I;16") or array.max() > 255 else 255.0
    return Image.fromarray(np.clip(array / top * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")


def _to_srgb(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            alpha = image.getchannel("A") if image.mode == "RGBA" else None
            converted = ImageCms.profileToProfile(
                image.convert("RGB") if alpha else image, source, srgb, outputMode="RGB"
            )
            if converted is not None:
                if alpha is not None:
                    converted.putalpha(alpha)
                return converted
        except Exception:  # noqa: S110 - a broken profile (PyCMSError, OSError, …): the pixels are taken as sRGB
            pass
    if image.mode == "CMYK":
        return image.convert("RGB")
    return image


def normalise_mode(image: Image.Image) -> Image.Image:
    """Any Pillow mode → sRGB "RGB", or "RGBA" when the image carries transparency."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = _to_8bit(image)
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode in ("LA", "PA", "La", "RGBa"):
        image = image.convert("RGBA")
    image = _to_srgb(image)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGB")
    if image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")  # an alpha channel that hides nothing is dropped
    return image


def open_product_image(data: bytes, max_pixels: int) -> Image.Image:
    """The pipeline's entry: the full photo, upright (EXIF), in sRGB RGB or RGBA."""
    image = _open(data, max_pixels)
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    _decode(image)
    return normalise_mode(upright(image))


def encode_png(image: Image.Image) -> bytes:
    """PNG bytes at zlib level 1: about 4x faster than the default 6 for photos, and only ~5% larger."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()
