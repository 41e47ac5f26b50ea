"""Image files -> decoded, flattened, resized pixels (Pillow). No TensorFlow here.

Mixed sizes and modes are handled: palette and alpha images are flattened onto white, 16-bit
images scaled to 8, and every image is resized to one square size.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

GRAY_MODES = ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F")
# The square side every image is resized to, unless --image-size says otherwise: the median
# image's longer side rounded up to a multiple of 32, within [32, 224]. 32 is the smallest
# input VGG16 and ResNet50 accept; 224 is the size they were trained at, and larger inputs
# only cost time on a CPU.
SIDE_STEP, MIN_SIDE, MAX_SIDE = 32, 32, 224


@dataclass
class Decoded:
    image: Image.Image  # RGB or L
    size: tuple[int, int]  # (width, height) as stored
    mode: str  # as stored


def read_file(path: Path) -> bytes:
    """A file's bytes; an unreadable file raises ValueError with the reason."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot be read ({exc.strerror or exc})") from None


def decode(data: bytes, keep_side: int | None = None) -> Decoded:
    """Decode an image file's bytes to an RGB or grayscale (``L``) Pillow image.

    Args:
        data: the file's bytes.
        keep_side: when given, a larger image is scaled down until its shorter side is this
            (JPEGs decode at a reduced scale directly), so that thousands of large photos do
            not have to fit in memory at full size; ``size`` still reports the stored size.

    Raises:
        ValueError: with the reason (empty, not an image, truncated or corrupt, too large).
    """
    if not data:
        raise ValueError("empty file (0 bytes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            mode, size = image.mode, image.size
            if keep_side and image.format == "JPEG":
                image.draft(image.mode, (keep_side, keep_side))
            image.load()  # the whole image: a truncated file fails here, not later
    except UnidentifiedImageError:
        raise ValueError("not an image (no image format recognises its bytes)") from None
    except Image.DecompressionBombError as exc:
        raise ValueError(f"too large to decode safely ({exc})") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValueError(f"truncated or corrupt image ({exc})") from None
    if mode.startswith("I;16"):
        image = Image.fromarray((np.asarray(image, dtype="float64") / 257).astype("uint8"))
    elif mode in ("I", "F"):
        values = np.asarray(image, dtype="float64")
        top = values.max() or 1.0
        image = Image.fromarray(np.clip(values / top * 255, 0, 255).astype("uint8"))
    elif "A" in mode or (mode == "P" and "transparency" in image.info):
        gray = mode in GRAY_MODES
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba).convert("L" if gray else "RGB")
    elif mode in ("1", "L"):
        image = image.convert("L")
    elif mode != "RGB":
        image = image.convert("RGB")
    shorter = min(image.size)
    if keep_side and shorter > keep_side:
        scale = keep_side / shorter
        smaller = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(smaller, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return Decoded(image, size, mode)


def to_array(image: Image.Image, side: int, channels: int) -> np.ndarray:
    """An image resized to ``side`` x ``side`` as a uint8 array with ``channels`` channels."""
    image = image.convert("L" if channels == 1 else "RGB")
    resized = image.resize((side, side), Image.Resampling.BILINEAR)
    array = np.asarray(resized, dtype="uint8")
    return array[..., None] if channels == 1 else array


def auto_side(sizes: list[tuple[int, int]]) -> int:
    """The square side for a set of (width, height) sizes (see ``SIDE_STEP``)."""
    median = float(np.median([max(w, h) for w, h in sizes]))
    return int(min(MAX_SIDE, max(MIN_SIDE, SIDE_STEP * math.ceil(median / SIDE_STEP))))


def image_files(folder: Path) -> list[Path]:
    """Every non-hidden file under ``folder``, recursively, in a stable order."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
