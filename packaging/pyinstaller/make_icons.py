"""Draw the app icon (resources/icons/app.svg) as the files each platform's bundle takes:
PNG (Linux), ICO (Windows, 16–256 px) and ICNS (macOS). Run by the spec before analysis."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SVG = ROOT / "resources" / "icons" / "app.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)


def render(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def make(out: Path) -> dict[str, Path]:
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    images = {size: Image.open(io.BytesIO(render(size))) for size in SIZES}
    files = {
        "png": out / "firstloan.png",
        "ico": out / "firstloan.ico",
        "icns": out / "firstloan.icns",
    }
    images[256].save(files["png"])
    images[256].save(files["ico"], sizes=[(s, s) for s in SIZES if s <= 256])
    images[1024].save(files["icns"])
    return files


if __name__ == "__main__":
    for kind, path in make(Path(sys.argv[1] if len(sys.argv) > 1 else "build/icons")).items():
        print(kind, path)
