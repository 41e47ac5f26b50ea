"""A folder of class sub-folders -> decoded, checked, resized pixel arrays and stratified splits.

Every file is decoded up front (Pillow), so a bad file is named before any training: an
empty file, a file that is not an image, a truncated or corrupt image. TensorFlow's own
loader would fail mid-training with a message that names no file. Mixed sizes and modes
are handled: palette and alpha images are flattened onto white, 16-bit images scaled to 8,
and every image is resized to one square size. No TensorFlow here.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PIL import Image, UnidentifiedImageError

from autotune.data.folders import class_folders
from autotune.data.tabular import split_indices
from autotune.errors import DataError, UsageError

GRAY_MODES = ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F")
# The square side every image is resized to, unless --image-size says otherwise: the median
# image's longer side rounded up to a multiple of 32, within [32, 224]. 32 is the smallest
# input VGG16 and ResNet50 accept; 224 is the size they were trained at, and larger inputs
# only cost time on a CPU.
SIDE_STEP, MIN_SIDE, MAX_SIDE = 32, 32, 224
# A class needs this many readable images to appear in the training, validation and test splits.
MIN_CLASS_IMAGES = 3


@dataclass
class ImagePreprocessing:
    """What turns an image file into model input, and outputs back into class names."""

    classes: list[str]
    image_size: int
    channels: int
    kind: str = "images"
    task: str = "classification"

    @property
    def n_outputs(self) -> int:
        return len(self.classes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImagePreprocessing:
        return cls(**data)


@dataclass
class ImageSplit:
    pixels: np.ndarray  # (images, side, side, channels), uint8
    labels: np.ndarray  # class positions, int64
    paths: list[str]


@dataclass
class ImageData:
    """A loaded image folder: its preprocessing, its splits, a summary and the warnings.

    ``pixels`` holds every readable image in file order and ``index`` each split's positions
    in it; ``splits`` are those rows.
    """

    preprocessing: ImagePreprocessing
    splits: dict[str, ImageSplit]
    summary: dict[str, Any]
    warnings: list[str]
    pixels: np.ndarray
    index: dict[str, np.ndarray]


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


def load_images(
    path: str | Path,
    test_size: float = 0.2,
    val_size: float = 0.2,
    seed: int = 0,
    strict: bool = False,
    image_size: int | None = None,
) -> ImageData:
    """Load a folder with one sub-folder of images per class.

    Args:
        path: the folder; each sub-folder's name is a class.
        test_size: share of images held out for the final test score (0 disables it).
        val_size: share of the remaining images used for validation during the search.
        seed: seed of the stratified splits.
        strict: raise on the first unreadable file instead of skipping it with a warning.
        image_size: the square side images are resized to; None: from the images' sizes.

    Raises:
        DataError: a bad layout, a bad file with ``strict``, too few readable images.
    """
    if not 0 <= test_size < 0.9:
        raise UsageError(f"--test-size {test_size} must be in [0, 0.9); 0.2 is typical")
    if image_size is not None and not 8 <= image_size <= 1024:
        raise UsageError(f"--image-size {image_size}: must be between 8 and 1024 pixels")
    root = Path(path)
    folders = class_folders(root)
    digest = hashlib.sha256()
    decoded: list[Decoded] = []
    labels: list[int] = []
    paths: list[str] = []
    skipped: list[dict[str, str]] = []
    for position, folder in enumerate(folders):
        for file in image_files(folder):
            relative = file.relative_to(root).as_posix()
            try:
                data = read_file(file)
                image = decode(data, keep_side=image_size or MAX_SIDE)
            except ValueError as exc:
                if strict:
                    raise DataError(
                        f"{file}: {exc}; remove or replace it, or leave out --strict to skip "
                        "unreadable files with a warning"
                    ) from None
                skipped.append({"path": str(file), "reason": str(exc)})
                continue
            digest.update(relative.encode() + b"\0" + hashlib.sha256(data).digest())
            decoded.append(image)
            labels.append(position)
            paths.append(str(file))
    classes = [folder.name for folder in folders]
    counts = np.bincount(np.array(labels, dtype="int64"), minlength=len(classes))
    short = [(name, int(n)) for name, n in zip(classes, counts, strict=True)]
    short = [(name, n) for name, n in short if n < MIN_CLASS_IMAGES]
    if short:
        listing = ", ".join(f"{name} ({n})" for name, n in short)
        raise DataError(
            f"{root}: class folder(s) with fewer than {MIN_CLASS_IMAGES} readable images: "
            f"{listing}; add images"
            + (f" ({len(skipped)} file(s) could not be read, see the warnings)" if skipped else "")
        )

    sizes = [d.size for d in decoded]
    side = image_size or auto_side(sizes)
    channels = 1 if all(d.image.mode == "L" for d in decoded) else 3
    pixels = np.stack([to_array(d.image, side, channels) for d in decoded])
    y = np.array(labels, dtype="int64")
    names = pd.Series([classes[i] for i in labels])
    index, split_note = split_indices(
        pd.DataFrame(index=range(len(y))), names, "classification", test_size, val_size, seed
    )
    warnings_: list[str] = []
    if skipped:
        listing = "; ".join(f"{s['path']}: {s['reason']}" for s in skipped[:10])
        more = f"; and {len(skipped) - 10} more" if len(skipped) > 10 else ""
        warnings_.append(
            f"{len(skipped)} unreadable file(s) skipped (use --strict to stop instead): "
            f"{listing}{more}"
        )
    if split_note:
        warnings_.append(split_note.replace("row(s)", "image(s)"))
    modes = pd.Series([d.mode for d in decoded]).value_counts()
    widths = [w for w, _ in sizes]
    heights = [h for _, h in sizes]
    summary: dict[str, Any] = {
        "kind": "images",
        "source": str(root.resolve()),
        "name": root.resolve().name,
        "sha256": digest.hexdigest(),
        "rows": int(len(y)),
        "images": int(len(y)),
        "files_skipped": skipped,
        "target": "class folder",
        "task": "classification",
        "task_reason": f"a folder of {len(classes)} class sub-folders",
        "image_size": side,
        "channels": channels,
        "image_size_reason": (
            "--image-size"
            if image_size
            else f"the median image's longer side rounded up to a multiple of {SIDE_STEP}, "
            f"within [{MIN_SIDE}, {MAX_SIDE}]"
        ),
        "sizes": {
            "width": [int(min(widths)), int(np.median(widths)), int(max(widths))],
            "height": [int(min(heights)), int(np.median(heights)), int(max(heights))],
        },
        "modes": {str(mode): int(n) for mode, n in modes.items()},
        "classes": [{"label": c, "rows": int(n)} for c, n in zip(classes, counts, strict=True)],
        "split_rows": {name: int(len(rows)) for name, rows in index.items()},
    }
    splits = {
        name: ImageSplit(pixels[rows], y[rows], [paths[i] for i in rows])
        for name, rows in index.items()
    }
    spec = ImagePreprocessing(classes=classes, image_size=side, channels=channels)
    return ImageData(spec, splits, summary, warnings_, pixels, index)


def read_for_prediction(
    path: str | Path, spec: ImagePreprocessing
) -> tuple[np.ndarray, list[str], list[dict[str, str]]]:
    """Pixels of one image, or of every file under a folder (recursively), for ``predict``.

    Returns:
        The pixel array, the paths it holds (as found) and the unreadable files with reasons.

    Raises:
        DataError: no such path, or a folder with no files.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file or folder; check the path")
    files = image_files(path) if path.is_dir() else [path]
    if not files:
        raise DataError(f"{path}: a folder with no files; pass an image or a folder of images")
    arrays, found, unreadable = [], [], []
    for file in files:
        try:
            image = decode(read_file(file), keep_side=spec.image_size)
        except ValueError as exc:
            unreadable.append({"path": os.fspath(file), "reason": str(exc)})
            continue
        arrays.append(to_array(image.image, spec.image_size, spec.channels))
        found.append(os.fspath(file))
    shape = (0, spec.image_size, spec.image_size, spec.channels)
    pixels = np.stack(arrays) if arrays else np.zeros(shape, dtype="uint8")
    return pixels, found, unreadable
