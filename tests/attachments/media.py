"""Real files for the attachment tests: photos with EXIF (JPEG, HEIC), a PNG, a PDF."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime

from PIL import Image, TiffImagePlugin

# 09:41:07 in Shanghai on 2 February 2026, at the gate of a factory in Shishan, Nanhai.
TAKEN_LOCAL = "2026:02:02 09:41:07"
TAKEN_UTC = datetime(2026, 2, 2, 1, 41, 7, tzinfo=UTC)
LATITUDE = 23.1234567  # N 23° 7' 24.444"
LONGITUDE = 113.0123456  # E 113° 0' 44.444"


def _dms(value: float) -> tuple[TiffImagePlugin.IFDRational, ...]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return (
        TiffImagePlugin.IFDRational(degrees, 1),
        TiffImagePlugin.IFDRational(minutes, 1),
        TiffImagePlugin.IFDRational(int(seconds * 10000), 10000),
    )


def photo_exif(*, offset: str | None = "+08:00", place: bool = True) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Huawei"
    inner = exif.get_ifd(0x8769)
    inner[0x9003] = TAKEN_LOCAL
    if offset:
        inner[0x9011] = offset
    if place:
        gps = exif.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = _dms(LATITUDE)
        gps[3] = "E"
        gps[4] = _dms(LONGITUDE)
    return exif


def picture(width: int = 640, height: int = 480, *, noise: bool = False) -> Image.Image:
    if noise:
        return Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    image = Image.new("RGB", (width, height), (180, 200, 220))
    for x in range(0, width, 16):
        for y in range(0, height, 16):
            image.putpixel((x, y), ((x * 3) % 256, (y * 5) % 256, 90))
    return image


def jpeg(
    width: int = 640,
    height: int = 480,
    *,
    exif: Image.Exif | None = None,
    noise: bool = False,
    quality: int = 85,
) -> bytes:
    out = io.BytesIO()
    picture(width, height, noise=noise).save(
        out, "JPEG", quality=quality, exif=exif if exif is not None else Image.Exif()
    )
    return out.getvalue()


def png(width: int = 320, height: int = 240, *, noise: bool = False) -> bytes:
    out = io.BytesIO()
    image = picture(width, height, noise=noise).convert("RGBA")
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def heic(width: int = 640, height: int = 480, *, exif: Image.Exif | None = None) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    kwargs = {"exif": exif.tobytes()} if exif is not None else {}
    picture(width, height).save(out, "HEIF", quality=70, **kwargs)
    return out.getvalue()


def pdf(text: str = "Credit authorisation") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return out.getvalue()
