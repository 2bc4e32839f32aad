"""Photos and documents attached to a visit record: what is accepted, and how it is named.

A visit's evidence (the premises, the signboard, the business licence, a signed credit
authorisation) is kept byte for byte, addressed by its SHA-256: the same file attached
twice is stored once, and the finalized record's hash covers the hashes of its files, so
a file changed or swapped behind the app's back breaks the chain like a changed field.

What is accepted is data (resources/data/attachments.json: the largest file, the types):
JPEG, PNG, HEIC (phones' photos) and PDF (a scanned licence, a signed form), recognised
by their first bytes, never by the file's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any, Final
from zoneinfo import ZoneInfo

from crm.domain.errors import DomainError

JPEG: Final = "image/jpeg"
PNG: Final = "image/png"
HEIC: Final = "image/heic"
PDF: Final = "application/pdf"
IMAGE_TYPES: Final = frozenset({JPEG, PNG, HEIC})
# Every type this version can check and show; the data file names those accepted.
KNOWN_TYPES: Final = (JPEG, PNG, HEIC, PDF)
SHA256_LENGTH: Final = 64
CAPTION_MAX: Final = 200
FILENAME_MAX: Final = 255
DEFAULT_MAX_BYTES: Final = 15 * 1024 * 1024
_SHA256: Final = re.compile(r"[0-9a-f]{64}")
# The brands of an ISO base media file that hold HEVC-coded images (a phone's .heic).
_HEIF_BRANDS: Final = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
)


class AttachmentKind(StrEnum):
    PREMISES = "premises"
    SIGNBOARD = "signboard"
    LICENCE = "licence"
    AUTHORISATION = "authorisation"
    OTHER = "other"


KINDS: Final = tuple(k.value for k in AttachmentKind)


class AttachmentRefused(DomainError):
    """A file that cannot be attached, or an attachment the rules refuse; nothing of it is
    stored."""


@dataclass(frozen=True)
class AttachmentLimits:
    """What may be attached (head office data)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    media_types: tuple[str, ...] = KNOWN_TYPES

    @property
    def max_megabytes(self) -> str:
        """The limit as people read it ("15 MB")."""
        mb = self.max_bytes / (1024 * 1024)
        return f"{mb:g} MB" if mb >= 1 else f"{self.max_bytes // 1024} KB"


def parse_limits(document: Mapping[str, Any]) -> AttachmentLimits:
    """The limits of resources/data/attachments.json; ValueError names what is wrong."""
    size = document.get("max_bytes", DEFAULT_MAX_BYTES)
    if type(size) is not int or size <= 0:
        raise ValueError("attachments.json: max_bytes must be a positive whole number")
    types = document.get("media_types", list(KNOWN_TYPES))
    if not isinstance(types, list) or not types:
        raise ValueError("attachments.json: media_types must be a list of media types")
    unknown = [t for t in types if t not in KNOWN_TYPES]
    if unknown:
        raise ValueError(f"attachments.json: media types this version cannot check: {unknown}")
    return AttachmentLimits(size, tuple(types))


def sniff(head: bytes) -> str | None:
    """The media type the first bytes of a file (16 or more) say, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    return None


def check_size(size: int, limits: AttachmentLimits) -> None:
    if size == 0:
        raise AttachmentRefused("attachment.empty", "the file is empty")
    if size > limits.max_bytes:
        raise AttachmentRefused(
            "attachment.too_large",
            "the file is {size} MB; at most {limit} may be attached",
            size=f"{size / (1024 * 1024):.1f}",
            limit=limits.max_megabytes,
        )


def check_type(media_type: str | None, limits: AttachmentLimits) -> str:
    """The accepted media type, or the refusal naming what is accepted."""
    if media_type is None or media_type not in limits.media_types:
        raise AttachmentRefused(
            "attachment.unsupported",
            "this kind of file cannot be attached: only photos (JPEG, PNG, HEIC) and PDF documents",
        )
    return media_type


def corrupt(detail: str = "") -> AttachmentRefused:
    """The refusal of a file whose content does not read as its type says."""
    return AttachmentRefused(
        "attachment.corrupt",
        "the file is damaged or incomplete and cannot be read",
        detail=detail,
    )


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise AttachmentRefused("attachment.kind", "unknown kind of attachment {kind}", kind=kind)
    return kind


def clean_caption(caption: str) -> str:
    text = " ".join(caption.split())
    if len(text) > CAPTION_MAX:
        raise AttachmentRefused(
            "attachment.caption", "a caption has at most {max} characters", max=CAPTION_MAX
        )
    return text


def clean_filename(name: str) -> str:
    """The file's own name as shown (no folders), at most FILENAME_MAX characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[-FILENAME_MAX:]


def is_sha256(text: object) -> bool:
    return isinstance(text, str) and _SHA256.fullmatch(text) is not None


def hashes_text(hashes: Iterable[str] | str | None) -> str:
    """A record's attachment hashes as hashed into the chain: sorted, space-separated, each
    once (a space-separated text is taken as it comes)."""
    if not hashes:
        return ""
    items = hashes.split() if isinstance(hashes, str) else hashes
    return " ".join(sorted(set(items)))


# -- EXIF: when and where a photo was taken --------------------------------------------------


def exif_moment(text: str | None, offset: str | None, zone: ZoneInfo) -> datetime | None:
    """EXIF's "YYYY:MM:DD HH:MM:SS" (with its "+08:00" offset when the camera wrote one;
    else in the user's zone) as a UTC moment; None when absent or not a time."""
    if not text:
        return None
    try:
        local = datetime.strptime(text.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    tz: timezone | ZoneInfo = zone
    if offset:
        match = re.fullmatch(r"([+-])(\d{2}):(\d{2})", offset.strip().rstrip("\x00"))
        if match:
            sign = -1 if match.group(1) == "-" else 1
            tz = timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))
    return local.replace(tzinfo=tz).astimezone(UTC)


def gps_degrees(parts: Sequence[float] | None, ref: str | None) -> float | None:
    """EXIF GPS degrees, minutes, seconds and hemisphere (N/S/E/W) as signed decimal
    degrees (7 places: about a centimetre); None when absent or out of range."""
    if not parts or len(parts) != 3 or not ref:
        return None
    try:
        degrees = float(parts[0]) + float(parts[1]) / 60 + float(parts[2]) / 3600
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if degrees != degrees:  # NaN from a 0/0 rational
        return None
    sign = -1.0 if ref.strip().upper()[:1] in ("S", "W") else 1.0
    value = round(sign * degrees, 7)
    limit = 90.0 if ref.strip().upper()[:1] in ("N", "S") else 180.0
    return value if abs(value) <= limit else None
