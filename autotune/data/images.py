"""A folder of class sub-folders -> decoded, checked, resized pixel arrays and stratified splits.

Every file is decoded up front (:mod:`autotune.data.image_files`), so a bad file is named
before any training: an empty file, a file that is not an image, a truncated or corrupt
image. TensorFlow's own loader would fail mid-training with a message that names no file.
No TensorFlow here.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autotune.checks import IMAGE_SIDE, TEST_SIZE
from autotune.data.folders import class_folders
from autotune.data.image_files import (
    MAX_SIDE,
    MIN_SIDE,
    SIDE_STEP,
    Decoded,
    auto_side,
    decode,
    image_files,
    read_file,
    to_array,
)
from autotune.data.splits import split_indices
from autotune.errors import DataError

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
class Readable:
    """What decoding a class-folder layout found: the images and the files skipped."""

    decoded: list[Decoded] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    digest: Any = field(default_factory=hashlib.sha256)


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
    TEST_SIZE("--test-size", test_size)
    if image_size is not None:
        IMAGE_SIDE("--image-size", image_size)
    root = Path(path)
    folders = class_folders(root)
    found = _decode_all(root, folders, strict, image_size)
    classes = [folder.name for folder in folders]
    counts = _check_class_sizes(root, classes, found)
    side = image_size or auto_side([d.size for d in found.decoded])
    channels = 1 if all(d.image.mode == "L" for d in found.decoded) else 3
    pixels = np.stack([to_array(d.image, side, channels) for d in found.decoded])
    y = np.array(found.labels, dtype="int64")
    names = pd.Series([classes[i] for i in found.labels])
    index, split_note = split_indices(
        pd.DataFrame(index=range(len(y))), names, "classification", test_size, val_size, seed
    )
    warnings_ = _warnings(found.skipped, split_note)
    summary = _summary(root, found, classes, counts, side, channels, image_size, index)
    splits = {
        name: ImageSplit(pixels[rows], y[rows], [found.paths[i] for i in rows])
        for name, rows in index.items()
    }
    spec = ImagePreprocessing(classes=classes, image_size=side, channels=channels)
    return ImageData(spec, splits, summary, warnings_, pixels, index)


def _decode_all(root: Path, folders: list[Path], strict: bool, image_size: int | None) -> Readable:
    """Decode every file of every class folder; skip (or, ``strict``, refuse) bad ones."""
    found = Readable()
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
                found.skipped.append({"path": str(file), "reason": str(exc)})
                continue
            found.digest.update(relative.encode() + b"\0" + hashlib.sha256(data).digest())
            found.decoded.append(image)
            found.labels.append(position)
            found.paths.append(str(file))
    return found


def _check_class_sizes(root: Path, classes: list[str], found: Readable) -> np.ndarray:
    """Readable images per class; refuse classes with too few."""
    counts = np.bincount(np.array(found.labels, dtype="int64"), minlength=len(classes))
    short = [
        (name, int(n)) for name, n in zip(classes, counts, strict=True) if n < MIN_CLASS_IMAGES
    ]
    if short:
        listing = ", ".join(f"{name} ({n})" for name, n in short)
        unread = len(found.skipped)
        raise DataError(
            f"{root}: class folder(s) with fewer than {MIN_CLASS_IMAGES} readable images: "
            f"{listing}; add images"
            + (f" ({unread} file(s) could not be read, see the warnings)" if unread else "")
        )
    return counts


def _warnings(skipped: list[dict[str, str]], split_note: str | None) -> list[str]:
    found = []
    if skipped:
        listing = "; ".join(f"{s['path']}: {s['reason']}" for s in skipped[:10])
        more = f"; and {len(skipped) - 10} more" if len(skipped) > 10 else ""
        found.append(
            f"{len(skipped)} unreadable file(s) skipped (use --strict to stop instead): "
            f"{listing}{more}"
        )
    if split_note:
        found.append(split_note.replace("row(s)", "image(s)"))
    return found


def _summary(root, found: Readable, classes, counts, side, channels, image_size, index):
    """``run.json``'s ``dataset`` of an image folder."""
    sizes = [d.size for d in found.decoded]
    widths, heights = [w for w, _ in sizes], [h for _, h in sizes]
    modes = pd.Series([d.mode for d in found.decoded]).value_counts()
    reason = (
        "--image-size"
        if image_size
        else f"the median image's longer side rounded up to a multiple of {SIDE_STEP}, "
        f"within [{MIN_SIDE}, {MAX_SIDE}]"
    )
    return {
        "kind": "images",
        "source": str(root.resolve()),
        "name": root.resolve().name,
        "sha256": found.digest.hexdigest(),
        "rows": len(found.labels),
        "images": len(found.labels),
        "files_skipped": found.skipped,
        "target": "class folder",
        "task": "classification",
        "task_reason": f"a folder of {len(classes)} class sub-folders",
        "image_size": side,
        "channels": channels,
        "image_size_reason": reason,
        "sizes": {
            "width": [int(min(widths)), int(np.median(widths)), int(max(widths))],
            "height": [int(min(heights)), int(np.median(heights)), int(max(heights))],
        },
        "modes": {str(mode): int(n) for mode, n in modes.items()},
        "classes": [{"label": c, "rows": int(n)} for c, n in zip(classes, counts, strict=True)],
        "split_rows": {name: int(len(rows)) for name, rows in index.items()},
    }


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
