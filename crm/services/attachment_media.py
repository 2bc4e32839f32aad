"""Reading a file offered as a visit attachment: is it what it says, and what does it hold.

An image is decoded whole (at a reduced scale where the format allows it: a JPEG's DCT
scaling), which both proves the file is not damaged or cut short and gives the preview
(a JPEG at most PREVIEW_PX on its longer side, turned upright as the camera says) that the
visit page's thumbnails and the report's photos are made from. Its EXIF gives when (the
original time, with the camera's offset when it wrote one) and where (GPS) it was taken;
the file itself is kept byte for byte, EXIF included. A PDF must read as one: a header,
an end-of-file marker and at least one page.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Final
from zoneinfo import ZoneInfo

from PIL import Image, ImageOps

from crm.domain.attachments import (
    HEIC,
    IMAGE_TYPES,
    PDF,
    AttachmentLimits,
    check_size,
    check_type,
    corrupt,
    exif_moment,
    gps_degrees,
    sniff,
)

log = logging.getLogger(__name__)

PREVIEW_PX: Final = 1024
PREVIEW_QUALITY: Final = 82
_EXIF_IFD: Final = 0x8769
_GPS_IFD: Final = 0x8825
_DATETIME: Final = 0x0132
_DATETIME_ORIGINAL: Final = 0x9003
_OFFSET_ORIGINAL: Final = 0x9011
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
# What Pillow and its plugins raise on a file they cannot read (damaged, cut short, a
# decompression bomb, a format half-written).
_READ_ERRORS: Final = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    RuntimeError,
    Image.DecompressionBombError,
)


@dataclass(frozen=True)
class Inspection:
    """What a checked file is and holds."""

    media_type: str
    width: int | None = None
    height: int | None = None
    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    preview: bytes | None = None


@cache
def _heif_ready() -> bool:
    """HEIC photos open through pillow-heif's plugin (registered once)."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - a dependency; a broken install only
        log.warning("pillow-heif is not installed: HEIC photos cannot be read")
        return False
    register_heif_opener()
    return True


def inspect(data: bytes, limits: AttachmentLimits, zone: ZoneInfo) -> Inspection:
    """Check ``data`` (size, type, content) and read it; AttachmentRefused if it cannot be
    attached."""
    check_size(len(data), limits)
    media_type = check_type(sniff(data[:32]), limits)
    if media_type == PDF:
        _check_pdf(data)
        return Inspection(PDF)
    return _image(data, media_type, zone)


def preview_of(data: bytes, media_type: str) -> tuple[bytes, int, int] | None:
    """(preview, width, height) of an image's bytes; None for a file that is not an image
    or does not read (bytes from head office, checked against their hash already)."""
    if media_type not in IMAGE_TYPES:
        return None
    try:
        seen = _image(data, media_type, ZoneInfo("UTC"))
    except ValueError:
        return None
    if seen.preview is None or seen.width is None or seen.height is None:
        return None
    return seen.preview, seen.width, seen.height


def _image(data: bytes, media_type: str, zone: ZoneInfo) -> Inspection:
    if media_type == HEIC and not _heif_ready():
        raise corrupt("no HEIC reader")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            size = image.size
            exif = image.getexif()
            # A JPEG decodes at 1/2, 1/4 or 1/8 scale when that still covers the preview:
            # every byte is still read (a damaged or cut file fails here) for much less work.
            image.draft("RGB", (PREVIEW_PX, PREVIEW_PX))
            image.load()
            preview = _preview(image, exif)
    except Image.DecompressionBombWarning:
        raise corrupt("too many pixels") from None
    except _READ_ERRORS as exc:
        raise corrupt(f"{type(exc).__name__}: {exc}") from None
    taken_at, latitude, longitude = _exif_facts(exif, zone)
    width, height = size
    if _turned(exif):
        width, height = height, width
    return Inspection(media_type, width, height, taken_at, latitude, longitude, preview)


def _turned(exif: Image.Exif) -> bool:
    """Whether the camera says the picture stands on its side (EXIF orientation 5 to 8)."""
    return exif.get(0x0112) in (5, 6, 7, 8)


def _preview(image: Image.Image, exif: Image.Exif) -> bytes:
    upright = ImageOps.exif_transpose(image) if exif.get(0x0112, 1) != 1 else image
    if upright.mode not in ("RGB", "L"):
        if "A" in upright.getbands() or upright.mode == "P":
            rgba = upright.convert("RGBA")
            background = Image.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            upright = background
        else:
            upright = upright.convert("RGB")
    upright.thumbnail((PREVIEW_PX, PREVIEW_PX), Image.Resampling.BILINEAR, reducing_gap=2.0)
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=PREVIEW_QUALITY, optimize=False)
    return out.getvalue()


def _exif_facts(
    exif: Image.Exif, zone: ZoneInfo
) -> tuple[datetime | None, float | None, float | None]:
    try:
        inner = exif.get_ifd(_EXIF_IFD)
        gps = exif.get_ifd(_GPS_IFD)
    except _READ_ERRORS:
        return None, None, None
    taken = _text(inner.get(_DATETIME_ORIGINAL)) or _text(exif.get(_DATETIME))
    taken_at = exif_moment(taken, _text(inner.get(_OFFSET_ORIGINAL)), zone)
    latitude = gps_degrees(_numbers(gps.get(_GPS_LAT)), _text(gps.get(_GPS_LAT_REF)))
    longitude = gps_degrees(_numbers(gps.get(_GPS_LON)), _text(gps.get(_GPS_LON_REF)))
    if latitude is None or longitude is None:
        latitude = longitude = None
    return taken_at, latitude, longitude


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return value if isinstance(value, str) and value.strip("\x00 ") else None


def _numbers(value: Any) -> list[float] | None:
    if not isinstance(value, tuple | list) or len(value) != 3:
        return None
    try:
        return [float(v) for v in value]
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _check_pdf(data: bytes) -> None:
    """A whole PDF: its end-of-file marker (a file cut short has none) and pages that read."""
    if b"%%EOF" not in data[-2048:]:
        raise corrupt("no end-of-file marker")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = len(reader.pages)
    except (PyPdfError, *_READ_ERRORS) as exc:
        raise corrupt(f"{type(exc).__name__}: {exc}") from None
    if pages < 1:
        raise corrupt("no pages")
